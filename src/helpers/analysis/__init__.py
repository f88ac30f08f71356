"""Stage 3, statistics and models: tests, scales, SEM, weighting, waves, the published figures recomputed."""
