# One way to run everything. `make run` and `make test` set up whatever is missing first.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# The Debian packages the app and the tests need: packages.txt, one a line.
PACKAGES := $(shell sed -e 's/\#.*//' packages.txt)

.PHONY: setup packages browser run test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-spark.txt
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { echo "error: $(PYTHON) cannot make a venv; on Debian: sudo apt-get install -y python3-venv"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# The packages of packages.txt (chromium for the PDF and the browser tests, its CJK fonts, pdftotext). Nothing to
# do when all are installed; as root apt-get installs the missing ones; otherwise it prints the one line to run
# (and under CI=true stops there).
packages:
	@missing=""; for p in $(PACKAGES); do dpkg-query -W -f '$${Status}' "$$p" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing the missing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
			|| { echo "error: apt-get install -y$$missing failed"; exit 1; }; \
	else \
		echo "missing Debian packages; run: sudo apt-get install -y$$missing"; \
		case "$$CI" in true|TRUE|True|1|yes) echo "error: CI=true needs them installed"; exit 1;; esac; \
	fi

browser: packages  # the old name

run: setup packages
	@echo "Open http://localhost:8501 in your browser (Ctrl+C stops the app)."
	$(VENV)/bin/streamlit run app.py

# Exit code 5 (no tests collected) fails like any other.
test: setup packages
	@$(PY) -m pytest -q; code=$$?; \
	if [ $$code = 5 ]; then echo "error: pytest collected no tests"; fi; exit $$code

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_tiers.py
	$(PY) bench/bench_migration.py
	$(PY) bench/bench_pages.py
	$(PY) bench/bench_persona.py
	$(PY) bench/bench_forecast.py

clean:
	rm -rf $(VENV) workspace test-artifacts .pytest_cache .mypy_cache .ruff_cache
