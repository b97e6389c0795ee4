# The portal's commands. A newcomer needs only `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
CHROMIUM ?= /usr/bin/chromium

.PHONY: run worker test scan bandit audit-dependencies install python-deps node-deps assets translations chromium database demo-data lint typecheck bench bench-deps soak \
        test-unit test-integration test-browser extract-messages clean

# The server, and beside it a worker for background jobs (mail); Ctrl-C stops both.
run: install database demo-data
	@$(FLASK) jobs work --workers 1 & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(FLASK) run --host 127.0.0.1 --port 5000

# A worker on its own (production runs one or more, with REDIS_URL set).
worker: python-deps
	$(FLASK) jobs work

test: install chromium lint typecheck scan
	$(BIN)/pytest

install: python-deps node-deps assets translations

python-deps: $(VENV)/.installed
$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

node-deps: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: static/manifest.json
static/manifest.json: node_modules/.installed $(wildcard assets/*.* assets/*/*.*)
	npm run --silent build

translations: python-deps
	$(BIN)/pybabel compile --use-fuzzy -d translations -f 2>&1 | grep -v "^compiling" || true
	@test -f translations/cy/LC_MESSAGES/messages.mo || { echo "Translations did not compile."; exit 1; }

# Collect new strings into the catalogues after changing templates or code.
extract-messages: python-deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k plural_texts:1,2 -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

# Browser tests drive Debian's Chromium; install it when it is missing (needs root, as on our machines).
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = "0" ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Chromium is missing: install it with 'sudo apt-get install -y chromium' (the browser tests need it)."; exit 1; fi; \
	fi

# Benchmarks need wrk (Debian package); see benchmarks/README.md.
bench-deps:
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = "0" ]; then apt-get update -q && apt-get install -y -q wrk; \
	  else echo "wrk is missing: install it with 'sudo apt-get install -y wrk'."; exit 1; fi; }

bench: install bench-deps
	$(BIN)/python benchmarks/pages.py

# R4: ten minutes of mixed journeys at 20 people against gunicorn, a job worker, PostgreSQL, Redis and SeaweedFS
# (benchmarks/README.md); MINUTES=1 for a short one.
MINUTES ?= 10
soak: install
	$(BIN)/python benchmarks/soak.py --minutes $(MINUTES)

instance:
	mkdir -p instance

database: python-deps instance
	$(FLASK) db upgrade

demo-data: database
	$(FLASK) demo-data

test-unit: install
	$(BIN)/pytest tests/unit

test-integration: install
	$(BIN)/pytest tests/integration

test-browser: install chromium
	$(BIN)/pytest tests/browser

lint: python-deps
	$(BIN)/ruff check portal tests benchmarks scripts wsgi.py
	$(BIN)/ruff format --check portal tests benchmarks scripts wsgi.py

# Security scanners: bandit over the code (fails on any finding not marked `# nosec` with its reason; pyproject.toml
# says what is skipped and why), and pip-audit over the pinned dependencies (fails on any known vulnerability).
scan: bandit audit-dependencies

bandit: python-deps
	$(BIN)/bandit -c pyproject.toml -q -r portal scripts

audit-dependencies: python-deps
	$(BIN)/python scripts/audit_dependencies.py

typecheck: python-deps
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules static instance/*.db
