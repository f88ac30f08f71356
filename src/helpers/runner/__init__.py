"""Stage 6, the runner: execute (papermill), render (nbconvert), cache, benchmark."""
