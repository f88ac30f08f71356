"""Shared, tested logic of the notebooks: codebook, reading exports, synthetic data, cleaning,
tables and the report runner. Notebooks call these; they re-implement nothing."""
