# kaa_web: `make run` (the demo) and `make test` (the whole suite). Both install what is missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
DEB_PACKAGES := libldap2-dev libsasl2-dev slapd ldap-utils postgresql chromium systemd \
	libreoffice-writer-nogui poppler-utils fonts-crosextra-carlito fonts-crosextra-caladea \
	redis-server

.PHONY: run test lint system-packages python-packages bench

run: python-packages
	KAA_ENV=$${KAA_ENV:-development} KAA_DATABASE_URL=$${KAA_DATABASE_URL:-sqlite:///instance/kaa.db} \
	$(VENV)/bin/flask --app wsgi kaa demo

test: python-packages
	$(VENV)/bin/ruff check kaa_web tests e2e bench migrations doc_templates wsgi.py
	@# PYTEST_ARGS narrows the run (e.g. PYTEST_ARGS="-k login"); an empty narrowed selection
	@# (pytest exit 5) is not a failure, but the full suite collecting nothing is.
	$(VENV)/bin/pytest tests e2e $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc = 5 ] && [ -n "$(PYTEST_ARGS)" ]; then echo "No tests matched PYTEST_ARGS."; exit 0; fi; \
	exit $$rc

lint: python-packages
	$(VENV)/bin/ruff check kaa_web tests e2e bench migrations doc_templates wsgi.py

# Debian packages: installed when run as root, otherwise the exact command is printed.
system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Missing Debian packages. Run as root:"; \
	    echo "  apt-get install -y --no-install-recommends$$missing"; exit 1; \
	  fi; \
	fi

python-packages: system-packages $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

bench: python-packages
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) bench/register.py
	$(PY) bench/mailout.py
	$(PY) bench/load.py
