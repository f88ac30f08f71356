# Two commands for a fresh machine (Python 3.11, pip, make):
#   make reports            every report, on the synthetic default, into reports/<export name>/
#                           (or RAW=path/to/export; MAPPING=map.yaml, COMPARE_WITH=<earlier run>,
#                           REPORT_LANG=en, MIN_CELL=5, OUT=reports)
#   make test               the tests
# Each installs the local environment (.venv) on first use. Also:
#   make waves              a synthetic second wave (semicolon CSV, decimal commas) compared with the default
#   make bench              the benchmark; writes BENCHMARK.md
#   make browser-test       both languages' reports in headless Chromium: errors, images, links, axe audit

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

RAW     ?=
MAPPING ?=
COMPARE_WITH ?=
REPORT_LANG ?= nl
MIN_CELL ?= 5
OUT     ?= reports

.PHONY: reports test env waves bench browser-test clean

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m helpers.runner --install-kernel
	touch $(STAMP)

reports: $(STAMP)
	$(PY) -m helpers.runner --out "$(OUT)" --lang $(REPORT_LANG) --min-cell $(MIN_CELL) \
		$(if $(RAW),--raw "$(RAW)") $(if $(MAPPING),--mapping "$(MAPPING)") $(if $(COMPARE_WITH),--compare-with "$(COMPARE_WITH)")

WAVE2 := data/raw/synthetic_wave2.csv

waves: reports
	$(PY) -m helpers.synth generate --params data/synthetic/wave2.yaml --out $(WAVE2) --sep ';' --decimal ','
	$(PY) -m helpers.runner --out "$(OUT)" --lang $(REPORT_LANG) --min-cell $(MIN_CELL) --raw $(WAVE2) --compare-with synthetic_default

bench: $(STAMP)
	$(PY) -m helpers.runner.bench

test: $(STAMP)
	$(PY) -m pytest

BROWSER_STAMP := $(VENV)/.browser-installed

$(BROWSER_STAMP): $(STAMP) tests/browser/requirements.txt tests/browser/package-lock.json
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)
	$(PY) -m pip install --quiet -r tests/browser/requirements.txt
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

browser-test: $(BROWSER_STAMP)
	$(PY) -m helpers.runner --out "$(OUT)" --lang nl
	$(PY) -m helpers.runner --out "$(OUT)" --lang en
	$(PY) -m pytest -o addopts="-ra" tests/browser

clean:
	rm -rf build "$(OUT)"/*/ "$(OUT)/index.html" data/processed/*.parquet
