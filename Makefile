# Two commands for a new machine: `make run` and `make test`. Everything else is their plumbing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
INSTALLED := $(VENV)/.installed
# `make run PORT=5050` where 5000 is taken (on a Mac, by AirPlay Receiver).
PORT ?= 5000
# Links in emails point at the port served, unless BASE_URL says otherwise.
export BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test setup lint format clean sweep-dry-run demo-sign-ins

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(INSTALLED)

setup: $(INSTALLED)

## Set up, migrate, load the demo county (once), and serve on http://127.0.0.1:$(PORT) with the
## scheduler (the daily review sweep, the queue's reconcile) and one queue worker (mail, exports;
## its queue is SQLite in instance/) each in its own process beside the web server.
## `setup-demo` migrates, publishes the framework and loads the demo in one process.
run: setup
	$(FLASK) setup-demo
	@echo "Serving on http://127.0.0.1:$(PORT) with the scheduler and a worker beside it (Ctrl+C stops all three)"
	$(FLASK) scheduler & scheduler=$$!; \
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$scheduler $$worker 2>/dev/null; wait' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## The review prompts a sweep would send today (or on AS_OF=YYYY-MM-DD); records and sends nothing.
sweep-dry-run: setup
	$(FLASK) reviews sweep --dry-run $(if $(AS_OF),--as-of $(AS_OF))

## The demo county's sign-ins (loading it first if it is not loaded yet).
demo-sign-ins: setup
	$(FLASK) demo

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
