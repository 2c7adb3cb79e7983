# hytnas: `make repro` regenerates every result, `make test` runs every test.
# Both create .venv with the pinned dependencies first (scripts/install.sh).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: repro test setup lint clean-venv

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock scripts/install.sh
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "hytnas needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	bash scripts/install.sh $(VENV)/bin/python
	touch $(STAMP)

repro: $(STAMP)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" dvc repro

test: $(STAMP)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" python -m pytest

lint: $(STAMP)
	$(VENV)/bin/hadolint Dockerfile

clean-venv:
	rm -rf $(VENV)
