# lavaan's results on the SEM reference data sets (tests/reference/README.md), written to lavaan_*.csv.
# Run in tests/reference/: Rscript sem_reference.R > sem_reference.log
library(lavaan)
measurement <- paste(sprintf("%s =~ %s_1 + %s_2 + %s_3", c("pe", "ee", "si", "fc", "bi"),
                             c("pe", "ee", "si", "fc", "bi"), c("pe", "ee", "si", "fc", "bi"),
                             c("pe", "ee", "si", "fc", "bi")), collapse = "\n")
report <- paste(measurement, "bi ~ pe + ee + si + fc", sep = "\n")
covariate <- paste(report, "bi ~ age", sep = "\n")
heywood <- read.csv("heywood.csv")
ten <- read.csv("ten_percent.csv")
ten_z <- transform(ten, age = (age - mean(age)) / sd(age))
items <- names(ten)[1:15]
hs <- HolzingerSwineford1939
hs[c(11, 201), c("x3", "x8")] <- NA
hs_model <- "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"

measures <- c("chisq", "df", "pvalue", "baseline.chisq", "baseline.df", "cfi", "tli", "rmsea",
              "rmsea.ci.lower", "rmsea.ci.upper", "srmr", "srmr_bentler_nomean", "chisq.scaled",
              "chisq.scaling.factor", "cfi.scaled", "tli.scaled", "rmsea.scaled", "rmsea.ci.lower.scaled",
              "rmsea.ci.upper.scaled", "baseline.chisq.scaled", "baseline.chisq.scaling.factor", "cfi.robust",
              "tli.robust", "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust", "ntotal")

write_fit <- function(name, fit) {
  pe <- parameterEstimates(fit, remove.nonfree = FALSE)
  ss <- standardizedSolution(fit, type = "std.all")
  out <- data.frame(lhs = pe$lhs, op = pe$op, rhs = pe$rhs, est = pe$est, se = pe$se,
                    std = ss$est.std, std_se = ss$se, std_low = ss$ci.lower, std_high = ss$ci.upper)
  write.csv(out, sprintf("lavaan_%s_est.csv", name), row.names = FALSE)
  fm <- fitMeasures(fit)
  fm <- fm[intersect(measures, names(fm))]
  write.csv(data.frame(measure = names(fm), value = as.numeric(fm)), sprintf("lavaan_%s_fit.csv", name), row.names = FALSE)
  cat("\n====", name, "\n")
  print(summary(fit, fit.measures = TRUE, standardized = TRUE))
}

fits <- list(
  heywood_cfa = function() cfa(measurement, heywood, missing = "ml"),
  heywood_ml = function() sem(report, heywood, missing = "ml"),
  ten_ml = function() sem(report, ten, missing = "ml"),
  ten_mlr = function() sem(report, ten, missing = "ml", estimator = "MLR"),
  ten_ml_listwise = function() sem(report, ten),
  ten_dwls = function() sem(report, ten, estimator = "WLSMV", ordered = items),
  ten_age = function() sem(covariate, ten, missing = "ml"),
  ten_age_z = function() sem(covariate, ten_z, missing = "ml"),
  hs_missing = function() cfa(hs_model, hs, missing = "ml"))
for (name in names(fits)) write_fit(name, fits[[name]]())

write.csv(lavInspect(fits$ten_ml(), "coverage"), "lavaan_ten_coverage.csv")
binary <- read.csv("binary_empty.csv")
cat("\n==== polychoric of two binary items with an empty cell\n")
print(lavCor(binary, ordered = names(binary)), digits = 10)
write.csv(data.frame(rho = lavCor(binary, ordered = names(binary))[1, 2]), "lavaan_binary_empty.csv", row.names = FALSE)

# CPU seconds per fit, the median of 5 (what `make bench` prints beside ours)
seconds <- sapply(c("ten_ml", "ten_mlr", "ten_age"), function(name) median(replicate(5, system.time(fits[[name]]())[["user.self"]])))
cat("\n==== CPU seconds per fit (median of 5)\n")
print(seconds)
write.csv(data.frame(fit = names(seconds), seconds = seconds), "lavaan_seconds.csv", row.names = FALSE)
print(sessionInfo())
