# Two commands for a fresh machine (Python 3.11, pip, make):
#   make reports            every report, on the synthetic default (or RAW=path/to/export;
#                           MAPPING=map.yaml, REPORT_LANG=en, MIN_CELL=5, OUT=reports)
#   make test               the tests
# Each installs the local environment (.venv) on first use.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

RAW     ?=
MAPPING ?=
REPORT_LANG ?= nl
MIN_CELL ?= 5
OUT     ?= reports

.PHONY: reports test env clean

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m helpers.run --install-kernel
	touch $(STAMP)

reports: $(STAMP)
	$(PY) -m helpers.run --out $(OUT) --lang $(REPORT_LANG) --min-cell $(MIN_CELL) \
		$(if $(RAW),--raw $(RAW)) $(if $(MAPPING),--mapping $(MAPPING))

test: $(STAMP)
	$(PY) -m pytest

clean:
	rm -rf build $(OUT)/*.html data/processed/*.parquet
