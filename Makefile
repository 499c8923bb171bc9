# Every target that needs Python depends on the venv, so each works from a fresh clone.
PYTHON ?= python3
REPEATS ?= 1
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install test test-fast lint demo train evaluate bench golden samples clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check classifier tests scripts

demo: $(STAMP)
	$(VENV)/bin/contract-classifier scan samples/03_managed_services_helpdesk.pdf samples/05_mismatch_managed_label_body_shop.pdf || true
	$(VENV)/bin/contract-classifier audit samples --format md --fail-on never -j 2

train: $(STAMP)
	$(VENV)/bin/contract-classifier train -j 2

evaluate: $(STAMP)
	$(VENV)/bin/contract-classifier evaluate --labels ../shared/labels/dev.csv --corpus ../shared/corpus -j 2 --repeats $(REPEATS)

samples: $(STAMP)
	$(PY) scripts/make_samples.py

bench: $(STAMP)
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
