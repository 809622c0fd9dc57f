# optviz: `make render` renders the gallery into assets/, `make test` runs the tests, `make docs` builds
# the documentation into docs/_build/html. All create .venv and install everything they need (system
# libraries too) on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test test-fast bench render docs dist clean

install: $(STAMP)

# constraints.txt pins torch to the 2.13.0 CPU wheel these machines hold (the package asks for a range)
$(STAMP): pyproject.toml constraints.txt scripts/sysdeps.sh
	bash scripts/sysdeps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest --durations=15

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not install"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

render: $(STAMP)
	$(BIN)/optviz gallery assets
	cp assets/digits-landscape.npz examples/digits-landscape.npz

docs: $(STAMP)
	$(BIN)/python -m sphinx -W --keep-going -b html -q docs docs/_build/html
	@echo "docs: docs/_build/html/index.html"

dist: $(STAMP)
	rm -rf dist && $(BIN)/python -m build --outdir dist . && $(BIN)/python -m twine check --strict dist/*

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache docs/_build docs/auto_examples docs/reference/generated
