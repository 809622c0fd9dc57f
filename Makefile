# optviz: `make render` renders the gallery into assets/, `make test` runs the tests.
# Both create .venv and install everything they need (system libraries too) on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test test-fast bench render clean

install: $(STAMP)

$(STAMP): pyproject.toml scripts/sysdeps.sh
	bash scripts/sysdeps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

render: $(STAMP)
	$(BIN)/optviz gallery assets

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
