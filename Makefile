# Two commands for a fresh machine: `make demo` and `make test`. Everything else is optional.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
# Two stamps: `make demo` needs the package and its runtime dependencies only; `make test`
# and `make lint` add the dev extra (pytest, hypothesis, ruff, mypy, nbmake, ipykernel).
STAMP   := $(VENV)/.installed
DEV     := $(VENV)/.installed-dev
# CI logs (CI=true) get the demo without progress bars; interactive runs keep them.
DEMO_ARGS ?= $(if $(CI),--quiet,)

.PHONY: demo test test-pythons test-all lint bench docs notebooks notebooks-build exercises-build graphviz fonts clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(DEV)

# System Graphviz (the `dot` binary) renders graphs; install it when missing and we may.
graphviz:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing system Graphviz (dot) with apt-get..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
		|| echo "warning: apt-get install graphviz failed; rendering will raise a clear error"; \
	else \
		echo "note: Graphviz 'dot' not found. Install it (apt-get install graphviz | brew install graphviz | conda install graphviz) to render graphs."; \
	fi

# A Korean font (Debian's fonts-nanum) lets the Korean notebooks' figures draw Hangul.
fonts:
	@if command -v fc-list >/dev/null 2>&1 && fc-list | grep -qi nanum; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing a Korean font (fonts-nanum) with apt-get..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-nanum >/dev/null) \
		|| echo "warning: apt-get install fonts-nanum failed; Korean figure text will show boxes"; \
	else \
		echo "note: no Korean font found. Install one (apt-get install fonts-nanum | brew install --cask font-nanum-gothic) for the Korean notebooks."; \
	fi

demo: $(STAMP) graphviz
	$(BIN)/microgradx demo $(DEMO_ARGS)

# pytest's exit code 5 means it collected no test at all: say so rather than leave a bare code.
test: $(DEV) graphviz fonts
	@$(BIN)/python -m pytest -n 2 -q || { rc=$$?; \
		if [ $$rc = 5 ]; then echo "error: pytest collected no tests" >&2; fi; exit $$rc; }

# The core tests and notebooks on every other Python that pyproject.toml claims (.venv-3.x each).
test-pythons: $(DEV) graphviz fonts
	PY=$(PY) bash .ci/pythons

# `make test` on the default Python, then `make test-pythons`.
test-all: test test-pythons

lint: $(DEV)
	$(BIN)/ruff check microgradx tests benchmarks docs notebooks exercises
	$(BIN)/ruff format --check microgradx tests benchmarks docs notebooks exercises
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench,parity]'
	$(BIN)/python benchmarks/run_all.py

docs: $(STAMP) graphviz
	$(BIN)/python docs/make_gallery.py
	MICROGRADX_UPDATE_DOCS=1 $(BIN)/python -m pytest -q -o addopts="" -p no:cacheprovider \
		tests/test_explore_learner.py -k screenshots  # docs/explorer/*.png (needs chromium)

notebooks: $(STAMP) graphviz fonts
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	$(BIN)/jupyter lab notebooks/

# The text twins (notebooks/NN_*.py; the Korean edition's in notebooks/ko/) are the source:
# copy their cells into the .ipynb files (keeping cell ids), then execute each notebook so the
# stored .ipynb shows its outputs.
notebooks-build: $(DEV) graphviz fonts
	$(BIN)/jupytext --quiet --to ipynb --update notebooks/[0-9]*.py notebooks/ko/[0-9]*.py
	$(BIN)/python notebooks/execute.py notebooks/[0-9]*.ipynb notebooks/ko/[0-9]*.ipynb

# The exercises' solutions are the source: write the learner's twins and both folders' .ipynb
# (stored unexecuted; tests/test_exercises.py runs them).
exercises-build: $(DEV)
	$(BIN)/python exercises/build.py

clean:
	rm -rf $(VENV) .venv-3.* build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache microgradx-demo
