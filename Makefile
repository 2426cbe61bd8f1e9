# Groundswell: `make run` and `make test` do all set-up themselves.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# System packages: Chromium for browser tests, HarfBuzz subsetting (2x faster WeasyPrint),
# poppler for looking at PDFs, and fonts the PDFs embed.
SYSTEM_PACKAGES := chromium libharfbuzz-subset0 poppler-utils fonts-dejavu-core

.PHONY: run serve secret loadtest test bench system venv clean lint

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# Installs missing Debian packages when we are root; otherwise says what is missing.
system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages (install as root):$$missing"; fi; \
	fi

# A secret key kept under instance/ unless SECRET_KEY is set.
SECRET = $${SECRET_KEY:-$$(cat instance/secret_key)}
secret:
	mkdir -p instance
	test -n "$$SECRET_KEY" || test -s instance/secret_key || $(PY) -c 'import secrets; print(secrets.token_hex(32))' > instance/secret_key

# The demo: development server and one job worker beside it (PDFs and imports run there);
# Ctrl-C stops both.
run: venv secret
	$(FLASK) db upgrade
	$(FLASK) demo
	export SECRET_KEY=$(SECRET); \
	$(FLASK) jobs work --workers 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production on one machine: gunicorn with WORKERS sync workers (default 2 x cores) and,
# unless JOB_WORKERS=0, a job worker with that many processes beside it. Worker machines
# run `flask --app app jobs work` themselves (see README, "Deploying").
WORKERS ?= $(shell echo $$((2 * $$(nproc))))
JOB_WORKERS ?= 2
serve: venv secret
	$(FLASK) db upgrade
	export SECRET_KEY=$(SECRET); \
	if [ "$(JOB_WORKERS)" != 0 ]; then $(FLASK) jobs work --workers $(JOB_WORKERS) & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; fi; \
	$(VENV)/bin/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# Two processes (pytest-xdist), each with its own database; PYTEST_ARGS="-n 0" runs in one.
TEST_PROCESSES ?= 2
test: venv system
	$(PY) -m pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

bench: venv
	$(PY) -m bench $(BENCH_ARGS)

# Load and faults against the production stack (see bench/loadtest.py); CI runs --short.
loadtest: venv
	$(PY) -m bench.loadtest $(LOADTEST_ARGS)

# ruff; bandit (medium or high severity fails; tests are left out: they assert and use
# demo passwords on purpose); import-linter's layering contracts in pyproject.toml.
lint: venv
	$(VENV)/bin/ruff check app tests bench wsgi.py setup.py
	$(VENV)/bin/bandit -q -r app bench wsgi.py setup.py --severity-level medium
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) instance .pytest_cache
