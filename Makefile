# Tremplin: `make run` serves the demo site, `make test` runs the whole suite.
# Both need nothing but Python 3.11 on the machine (SQLite, in-memory channel layer).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test messages makemessages migrate seed lint format lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make a second `make run` skip the install when nothing it depends on changed.
$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

install: $(VENV)/.installed messages

install-test: $(VENV)/.installed-test messages node_modules/.installed

# axe-core for the accessibility tests, exactly as package-lock.json pins it (npm from Node.js;
# without npm on the machine those tests are skipped with that reason).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: the axe-core accessibility tests will be skipped"; \
	fi

# Compiles locale/*/LC_MESSAGES/django.po with Babel: no GNU gettext needed on the machine.
messages: $(VENV)/.installed
	$(BIN)/pybabel compile --directory locale --domain django --statistics

# Updates the catalogues from the code (needs GNU gettext, used by developers only).
makemessages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages --locale fr --locale ar --locale en --no-obsolete \
		--ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'media/*'

migrate: install
	$(BIN)/python manage.py migrate --no-input

seed: migrate
	$(BIN)/python manage.py seed_demo

# The scheduler (scheduled pages, request expiry, session reminders) runs beside the server
# and stops with it.
run: seed
	$(BIN)/python manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-test
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-resolves every dependency within the ranges of pyproject.toml into constraints.txt.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip
	.venv-lock/bin/pip install --quiet -e ".[test]"
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules tests/e2e/artifacts
