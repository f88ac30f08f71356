"""Stage 1, the export: the codebook, reading and validating any export, the synthetic stand-in."""
