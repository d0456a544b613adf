# Award-dossier workflow engine. `make run` serves the demo; `make test` runs the suite on SQLite
# and on PostgreSQL. Everything installs itself into .venv (and Debian packages when missing).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/khenthuong
# pytest-xdist workers for `make test` (auto: one per core); each test module runs on one worker
# (--dist loadfile: tests/conftest.py says why).
TEST_WORKERS ?= auto
APT_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils postgresql-client softhsm2 \
                tesseract-ocr tesseract-ocr-vie
# Development targets run with DJANGO_DEBUG=1; `make serve` takes its settings from the environment or
# .env (production: DJANGO_DEBUG unset or 0; README "Deploy").
run test test-sqlite test-postgres bench migrate demo: export DJANGO_DEBUG ?= 1

.PHONY: run serve test lint-imports test-sqlite test-postgres bench deps system-deps browser-deps migrate demo clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

deps: system-deps $(VENV)/.installed

# Debian packages: HarfBuzz subsetting (WeasyPrint is 3.5x slower without it), Pango, pdftoppm,
# pg_dump/pg_restore (manage.py backup and restore on PostgreSQL), SoftHSM2 (the PKCS#11 signing tests),
# Tesseract with its Vietnamese data (the pre-check assistant reads scanned pages).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# Browser tests drive Debian's Chromium; never a downloaded browser.
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

migrate: deps
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py run_all 127.0.0.1:8000

# Production server: gunicorn (config/gunicorn.conf.py) on $$PORT (default 8000), static files by
# WhiteNoise. Settings from the environment or .env; a consumer runs beside it (manage.py run_huey).
serve: deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	exec $(VENV)/bin/gunicorn -c config/gunicorn.conf.py config.wsgi

test: deps browser-deps
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint-imports && $(MAKE) --no-print-directory test-sqlite && $(MAKE) --no-print-directory test-postgres; rc=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s"; exit $$rc

# Boundaries between the apps ([tool.importlinter] in pyproject.toml): the domain imports neither
# workflows nor certificates; certificates import nothing from workflows.
lint-imports: deps
	@echo "=== Import contracts ==="
	$(VENV)/bin/lint-imports --no-cache

# Browser, process and fault tests run once, on PostgreSQL (the production database): on SQLite they would
# only repeat it (tests/conftest.py names them). The browser tests run in a pytest of their own: Playwright's
# sync API keeps an event loop running in its worker's thread for the session, and a later test on the same
# worker that signs a PDF (pyHanko calls asyncio.run) would fail.
test-sqlite: deps
	@echo "=== Test suite on SQLite (browser, process and fault tests run in the PostgreSQL pass) ==="
	$(VENV)/bin/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile -m "not e2e and not processes"

test-postgres: deps
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "=== Test suite on PostgreSQL ($(PG_URL)) ==="; \
	  DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile -m "not e2e" && \
	  echo "=== Browser tests on PostgreSQL ===" && \
	  DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile -m e2e; \
	elif [ "$${REQUIRE_POSTGRES:-0}" = "1" ]; then \
	  echo "!!! PostgreSQL is not reachable at $(PG_URL) and REQUIRE_POSTGRES=1: failing."; exit 1; \
	else \
	  echo "!!! ================================================================= !!!"; \
	  echo "!!! PostgreSQL NOT reachable at $(PG_URL): the PostgreSQL run is SKIPPED !!!"; \
	  echo "!!! ================================================================= !!!"; \
	fi

bench: deps
	@for script in bench/bench_*.py; do echo "=== $$script ==="; DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) var/ staticfiles/
