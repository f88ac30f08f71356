# semTools' defaults for the tables where this project keeps another convention (composite reliability, AVE,
# HTMT), on the complete cases of ten_percent.csv, written to semtools_conventions.csv (README.md here).
# Run in tests/reference/: Rscript semtools_reference.R
library(lavaan)
library(semTools)
factors <- c("pe", "ee", "si", "fc", "bi")
measurement <- paste(sprintf("%s =~ %s_1 + %s_2 + %s_3", factors, factors, factors, factors), collapse = "\n")
ten <- na.omit(read.csv("ten_percent.csv")[, 1:15])
fit <- cfa(measurement, ten)
below <- function(m) {
  at <- which(lower.tri(m), arr.ind = TRUE)
  data.frame(a = rownames(m)[at[, 1]], b = colnames(m)[at[, 2]], value = m[at])
}
per_factor <- function(v) data.frame(a = names(v), b = "", value = as.numeric(v))
out <- rbind(data.frame(statistic = "htmt_arithmetic", below(htmt(measurement, ten, htmt2 = FALSE))),
             data.frame(statistic = "htmt2", below(htmt(measurement, ten))),
             data.frame(statistic = "compRelSEM", per_factor(compRelSEM(fit))),
             data.frame(statistic = "AVE", per_factor(AVE(fit))))
write.csv(out, "semtools_conventions.csv", row.names = FALSE)
print(out, digits = 10)
print(sessionInfo())
