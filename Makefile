# Two commands for a fresh machine (Python 3.11, pip, make): `make reports` and `make test`; each installs
# the local environment (.venv) on first use. `make help` lists every target (its `## ` comment below).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

RAW     ?=
MAPPING ?=
FROM    ?=
COMPARE_WITH ?=
REPORT_LANG ?= nl en
MIN_CELL ?= 5
WEIGHTING ?=
OUT     ?= reports

.PHONY: help reports mapping book test test-slow test-all env waves bench browser-test notebooks-clean clean
.DEFAULT_GOAL := help

# nbstripout as the git filter and the pre-commit hook use it (helpers.runner.notebook_format strips the same):
# outputs, execution counts and the kernel's Python version. Git runs it from the top of the working tree, so the
# path of this clone's (or worktree's) own .venv holds wherever the clone is.
NBSTRIPOUT = $(PY) -m nbstripout --keep-id --extra-keys "metadata.language_info.version"
# This clone's notebook filter (git config cannot be committed; .gitattributes names the filter); idempotent
GIT_FILTER = test -e .git || exit 0; git config filter.nbstripout.clean '$(NBSTRIPOUT)' && \
	git config filter.nbstripout.smudge cat && git config filter.nbstripout.required true && \
	git config diff.ipynb.textconv '$(NBSTRIPOUT) -t'

help: ## this list
	@awk -F':.*## ' '/^[a-z-]+:.*## /{printf "  make %-16s %s\n", $$1, $$2}' $(MAKEFILE_LIST)
	@echo "  options of make reports: RAW=export MAPPING=map.yaml COMPARE_WITH=run REPORT_LANG=en MIN_CELL=5 WEIGHTING=none OUT=reports"
	@echo "  (REPORT_LANG: nl, en, or both as by default, \"nl en\": each page then links its twin in the other language)"

env: $(STAMP) ## the local environment (.venv), its Jupyter kernel and the git filter that keeps outputs out of git
	@$(GIT_FILTER)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m helpers.runner --install-kernel
	@$(GIT_FILTER)
	touch $(STAMP)

RUN_OPTIONS = --out "$(OUT)" --lang $(REPORT_LANG) --min-cell $(MIN_CELL) \
	$(if $(RAW),--raw "$(RAW)") $(if $(MAPPING),--mapping "$(MAPPING)") $(if $(COMPARE_WITH),--compare-with "$(COMPARE_WITH)") \
	$(if $(WEIGHTING),--weighting "$(WEIGHTING)")
# Debian's Chromium, for the book's PDF and the browser tests: installed on first use
CHROMIUM = command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)

reports: $(STAMP) ## every report into reports/<export>/ and reports/<export>_en/ (synthetic default, or RAW=export; options below), and book.html
	$(PY) -m helpers.runner $(RUN_OPTIONS)

mapping: $(STAMP) ## propose a mapping file beside RAW=export (FROM=wave1.mapping.yaml keeps its decisions where texts are unchanged)
	$(PY) -m helpers.runner --propose-mapping $(if $(RAW),--raw "$(RAW)") $(if $(FROM),--from "$(FROM)")

book: $(STAMP) ## as make reports, and the combined document as PDF too (book.pdf; installs Chromium on first use)
	$(CHROMIUM)
	$(PY) -m helpers.runner $(RUN_OPTIONS) --pdf

WAVE2 := data/raw/synthetic_wave2.csv

waves: reports ## a synthetic second wave (semicolon CSV, decimal commas) compared with the default
	$(PY) -m helpers.synth generate --params data/synthetic/wave2.yaml --out $(WAVE2) --sep ';' --decimal ','
	$(PY) -m helpers.runner --out "$(OUT)" --lang $(REPORT_LANG) --min-cell $(MIN_CELL) --raw $(WAVE2) --compare-with synthetic_default

bench: $(STAMP) ## the benchmark; writes BENCHMARK.md
	$(PY) -m helpers.runner.bench

test: $(STAMP) ## the tests (fast: without the slow end-to-end runs)
	$(PY) -m pytest

test-slow: $(STAMP) ## only the slow end-to-end runs (synthetic default, edge exports, disclosure scans, hostile export)
	$(PY) -m pytest -m slow

test-all: test test-slow ## every test: the fast ones, then the slow ones

BROWSER_STAMP := $(VENV)/.browser-installed

$(BROWSER_STAMP): $(STAMP) tests/browser/requirements.txt tests/browser/package-lock.json
	$(CHROMIUM)
	$(PY) -m pip install --quiet -r tests/browser/requirements.txt
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

browser-test: $(BROWSER_STAMP) ## both languages' reports and books in headless Chromium: errors, images, links, axe audit
	$(PY) -m helpers.runner --out "$(OUT)" --lang nl en --pdf
	$(PY) -m pytest -o addopts="-ra" tests/browser

notebooks-clean: $(STAMP) ## notebooks without outputs, in Jupyter's own format (content unchanged)
	$(PY) -m helpers.runner.notebook_format --fix

clean: ## remove built reports, staging and processed data
	rm -rf build "$(OUT)"/*/ "$(OUT)/index.html" data/processed/*.parquet
