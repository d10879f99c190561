# Two commands do everything on a fresh machine:
#   make demo   — the Iran–Russia brief on the embedded data
#   make test   — the test suite (essential tests; `make test-all` adds the slow ones)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo lint test test-all bench chromium clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench,dev]' -c constraints.txt
	touch $(STAMP)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "WARNING: chromium could not be installed; browser tests will be skipped"; }

demo: $(STAMP)
	$(BIN)/tradegap build
	$(BIN)/tradegap trade IRN RUS --years 2000-2020
	$(BIN)/tradegap peers RUS IRN --year 2019
	$(BIN)/tradegap brief IRN RUS --year 2019 --html out/iran-russia-brief.html
	@echo "HTML brief: $(CURDIR)/out/iran-russia-brief.html"

lint: $(STAMP)
	$(BIN)/ruff check src

test: $(STAMP) chromium lint
	$(BIN)/python -m pytest -n 2 -q

test-all: $(STAMP) chromium
	$(BIN)/python -m pytest -n 2 -q -m ''

bench: $(STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ppml.py
	$(BIN)/python bench/ge.py
	$(BIN)/python bench/cli.py

clean:
	rm -rf $(VENV) out .pytest_cache
