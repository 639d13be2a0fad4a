# One way to run everything. `make run` and `make test` set up whatever is missing first.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup browser run test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Debian chromium and CJK fonts for the browser tests (Chinese shows as boxes without the fonts).
browser:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "note: install chromium and fonts-noto-cjk (apt) to run the browser tests; they skip without it"; fi

run: setup
	$(VENV)/bin/streamlit run app.py

test: setup browser
	$(PY) -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/bench_ingest.py

clean:
	rm -rf $(VENV) workspace test-artifacts .pytest_cache .mypy_cache .ruff_cache
