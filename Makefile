# Msem — the two commands that matter: `make run` and `make test`.
# Everything they need is installed here, into .venv, from the pinned lock files.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000

.PHONY: install run test test-faults lint format typecheck unit migrate demo messages lock clean simulator bench bench-sales audit

# `make` alone installs the production dependencies (docs/deployment.md, Releasing a new version).
.DEFAULT_GOAL := install
install: $(VENV)/.base-installed

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11) and "Msem needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)

# The stamps make the install step a no-op until a lock file changes.
$(VENV)/.base-installed: requirements/base.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements/dev.txt
	touch $(VENV)/.base-installed $@

# make run: migrate the SQLite database, create the demo school, then serve the
# web app and the background worker on http://127.0.0.1:$(PORT) until Ctrl-C.
# The links it gives (e-mails, the form's code for websites) follow PORT.
RUN_ENV = DEBUG=$${DEBUG:-true} MSEM_BASE_URL=$${MSEM_BASE_URL:-http://127.0.0.1:$(PORT)}
run: $(VENV)/.base-installed
	$(RUN_ENV) $(PY) manage.py migrate --no-input
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) PORT=$(PORT) $(PY) manage.py serve

# A 4807 gateway simulator on http://127.0.0.1:4807/api/v1 (token demo-token); then
# MSEM_4807_URL=http://127.0.0.1:4807/api/v1 MSEM_4807_TOKEN=demo-token make run
simulator: $(VENV)/.base-installed
	DEBUG=$${DEBUG:-true} $(PY) manage.py run_4807_simulator --port $${SIMULATOR_PORT:-4807}

# make test: lint, types, then every test (unit, integration, browser).
# DATABASE_URL chooses the database (SQLite when unset).
test: lint typecheck unit

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	SECRET_KEY=typecheck-only $(BIN)/mypy msem config

unit: $(VENV)/.dev-installed
	$(BIN)/pytest $(PYTEST_ARGS)

# make test-faults: the database, SMTP, 4807 and the workers taken away during a stream of
# submissions and payments; then every dossier, e-mail and sale must exist exactly once (tests/faults).
test-faults: $(VENV)/.dev-installed
	$(BIN)/pytest -m faults tests/faults $(PYTEST_ARGS)

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(VENV)/.base-installed
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --no-input

# make bench: throughput of the public form against a bare INSERT view under gunicorn, the
# worker's delivery rate and the submission → acknowledgement delay (bench/README.md).
# SQLite by default; DATABASE_URL=postgres://… runs it on throwaway databases of that server.
bench: $(VENV)/.dev-installed
	$(PY) -m bench.run $(BENCH_ARGS)

# make bench-sales: 10 000 queued sales pushed by db_worker processes to the 4807 simulator, 10 % of
# the calls faulted; throughput, and exactly one sale in 4807 per Sale (bench/README.md).
bench-sales: $(VENV)/.dev-installed
	$(PY) -m bench.sales_push_bench $(BENCH_ARGS)

# Extract the strings to translate (needs GNU gettext's xgettext), put French no-break spaces
# before « : ; ! ? » (README, Translations), then compile the catalogs with polib: the .mo files
# are committed, so `make run` needs nothing but Python.
messages: $(VENV)/.dev-installed
	DEBUG=true $(PY) manage.py makemessages --locale fr --locale en --no-obsolete --add-location file --ignore "bench/*" --ignore "tests/*" --ignore "var/*"
	$(PY) -m msem.platform.french_typography
	$(PY) -m msem.platform.compile_messages

# make audit: the pinned dependencies against the Python Packaging Advisory Database (pip-audit,
# through PyPI's JSON API). A release step, not part of `make test`: it needs that API, which CI
# cannot reach. --strict: a package that could not be looked up fails the audit, rather than
# "No known vulnerabilities found" about packages nobody checked (docs/deployment.md, Releases).
audit: $(VENV)/.dev-installed
	$(BIN)/pip-audit --strict --require-hashes --disable-pip --progress-spinner off --desc on -r requirements/base.txt
	$(BIN)/pip-audit --strict --require-hashes --disable-pip --progress-spinner off -r requirements/dev.txt

# Re-pin the dependencies after editing requirements/*.in.
# --no-strip-extras: a dependency that asks for another's extra (pip-audit: CacheControl[filecache]) needs
# that extra on its pinned line, or pip's --require-hashes refuses the install as soon as a newer
# release of it exists (cachecontrol 0.15.0, 7 December 2026).
lock: $(VENV)/.dev-installed
	$(PY) -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-find-links --no-emit-index-url -o requirements/base.txt requirements/base.in
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --no-strip-extras --no-emit-find-links --no-emit-index-url -o requirements/dev.txt requirements/dev.in

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts
