# Two commands for a new machine: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
INSTALLED := $(VENV)/.installed

.PHONY: run test setup lint format clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(INSTALLED)

setup: $(INSTALLED)

## Set up, migrate, load the demo county (once), and serve on http://127.0.0.1:5000 with the
## scheduler (the daily review sweep, the queue's reconcile) and one queue worker (mail, exports;
## its queue is SQLite in instance/) each in its own process beside the web server.
## `setup-demo` migrates, publishes the framework and loads the demo in one process.
run: setup
	$(FLASK) setup-demo
	@echo "Serving on http://127.0.0.1:5000 with the scheduler and a worker beside it (Ctrl+C stops all three)"
	$(FLASK) scheduler & scheduler=$$!; \
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$scheduler $$worker 2>/dev/null; wait' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## Set up and run the whole test suite (TEST_DATABASE_URL picks PostgreSQL). Under faulthandler,
## so an interpreter crash prints the Python traceback of every thread (issue 20).
test: setup lint
	$(BIN)/python -X faulthandler -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) instance/pledges.sqlite instance/queue.sqlite* .pytest_cache
