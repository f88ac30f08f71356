"""Stage 5, what a reader sees: tables, charts, texts (nl/en), the published-versus-reproduced table."""
