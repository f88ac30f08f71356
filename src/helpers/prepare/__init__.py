"""Stage 2, the analysis sample: exclusion rules, the row account, derived variables, places."""
