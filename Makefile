# border-trade: `make run` sets everything up and serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := border_trade

.PHONY: run test install install-test compile messages migrate seed fonts lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python node_modules/.package-lock.json
	$(BIN)/pip install --quiet -e '.[test]'

# test-only npm packages (axe-core, injected into the test browser by tests/browser/test_accessibility.py; never served)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

compile: $(BIN)/python
	$(BIN)/pybabel -q compile -d translations

messages: $(BIN)/python
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k lazy_ngettext:1,2 \
		--no-location --sort-output --omit-header -o translations/messages.pot .
	$(BIN)/pybabel -q update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	@# keep the .po headers (a header-less catalogue counts as fuzzy and is not compiled) minus the volatile dates
	sed -i -e '/^"POT-Creation-Date: /d' -e '/^"PO-Revision-Date: /d' translations/*/LC_MESSAGES/messages.po

migrate:
	$(BIN)/flask db upgrade

seed:
	$(BIN)/flask seed --demo

# the PDF fonts cut once into their cache (about 10 s the first time), not by the server at its first request
fonts:
	$(BIN)/flask fonts

run: install compile migrate seed fonts
	@echo "border-trade on http://127.0.0.1:$(PORT) (demo logins above, password demo-pass-2026)"
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# two pytest-xdist workers (the machine has two cores); each gets its own PostgreSQL database (tests/conftest.py)
TEST_WORKERS ?= 2
test: install-test compile lint
	$(BIN)/python -m pytest -n $(TEST_WORKERS)

BENCHES ?= bench/pdf_bench.py bench/crossing_bench.py bench/booking_bench.py bench/report_bench.py bench/home_bench.py

bench: install-test compile
	$(BIN)/pip install --quiet -e '.[test,bench]'
	for b in $(BENCHES); do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) node_modules instance/border_trade.sqlite translations/*/LC_MESSAGES/*.mo

# The reliability suite (load, kill -9, database restart, bad input, PDF fuzzing; minutes, RELIABILITY_SECONDS per
# load phase) on a fresh PostgreSQL database, then docs/reliability.md rendered from its measurements.
.PHONY: reliability
RELIABILITY_PG ?= postgres@127.0.0.1:5432
RELIABILITY_DOC ?= $(CURDIR)/docs/reliability.md
RELIABILITY_TIMEOUT ?= 3600
reliability: install-test compile
	@db=bt_reliability_$$$$; host=$(RELIABILITY_PG); \
	psql "postgresql://$${host}/postgres" -qc "DROP DATABASE IF EXISTS $$db" -c "CREATE DATABASE $$db" || exit 1; \
	trap 'psql "postgresql://'"$${host}"'/postgres" -qc "DROP DATABASE IF EXISTS '"$$db"' WITH (FORCE)" >/dev/null 2>&1' EXIT; \
	rm -f instance/reliability.json; \
	TEST_DATABASE_URL="postgresql+psycopg://$${host}/$$db" RELIABILITY_REPORT=$(CURDIR)/instance/reliability.json \
		RELIABILITY_DOC=$(RELIABILITY_DOC) timeout -s INT -k 120 $(RELIABILITY_TIMEOUT) $(BIN)/python -m pytest tests/reliability

# schemathesis over the whole OpenAPI document against gunicorn on a fresh PostgreSQL database, as an admin, an
# exporter and a gate officer (about 5 minutes): no 500, every response as its schema says (.ci/schemathesis)
.PHONY: api-fuzz
api-fuzz: install-test compile
	.ci/schemathesis
