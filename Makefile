# hytnas: `make repro` regenerates every result, `make test` runs every test.
# Both create .venv with the pinned dependencies first (scripts/install.sh).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: repro test test-image setup lint clean-venv arm-image arm-image-torch image plots
ARM_IMAGE := build/hytnas-latency-arm64.oci.tar
ARM_TORCH_IMAGE := build/hytnas-latency-arm64-torch.oci.tar
ARM_SOURCES := docker/latency-arm64/Containerfile docker/latency-arm64/requirements-arm64.lock \
	docker/latency-arm64/build.sh src/hytnas/latency/device_timer.py
# The page template of `dvc plots show/diff` with Vega inlined (plots.html_template in .dvc/config).
PLOTS_TEMPLATE := .dvc/offline-plots.html

setup: $(STAMP) $(PLOTS_TEMPLATE)

$(STAMP): pyproject.toml requirements.lock scripts/install.sh scripts/install-system.sh
	bash scripts/install-system.sh
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "hytnas needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	bash scripts/install.sh $(VENV)/bin/python
	touch $(STAMP)

$(PLOTS_TEMPLATE): $(STAMP) src/hytnas/results/offline_page.py
	$(VENV)/bin/hytnas plots template --out $@

repro: $(STAMP) $(PLOTS_TEMPLATE)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" dvc repro

# Every plot of dvc.yaml on one page that needs no network: dvc_plots/index.html.
plots: $(STAMP) $(PLOTS_TEMPLATE)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" dvc plots show

test: $(STAMP) $(PLOTS_TEMPLATE)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" python -m pytest -m "not image"

# The pipeline image built and the smoke profile's dvc repro run inside it (about 12 minutes).
test-image: $(STAMP)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" python -m pytest -m image

lint: $(STAMP)
	$(VENV)/bin/hadolint Dockerfile docker/latency-arm64/Dockerfile

# The pipeline image (Dockerfile), built without a Docker engine (scripts/build-image.sh).
image: $(STAMP)
	bash scripts/build-image.sh

# The ARM latency image, built without a Docker engine or emulation (docker/latency-arm64/build.sh).
arm-image: $(ARM_IMAGE)

$(ARM_IMAGE): $(STAMP) $(ARM_SOURCES)
	PYTHON=$(VENV)/bin/python bash docker/latency-arm64/build.sh build

# The same with torch 2.10.0 CPU for latency.remote.runtime: torch (Armv8.2 devices: a Pi 5).
arm-image-torch: $(ARM_TORCH_IMAGE)

$(ARM_TORCH_IMAGE): $(STAMP) $(ARM_SOURCES) docker/latency-arm64/requirements-arm64-torch.lock
	WITH_TORCH=1 PYTHON=$(VENV)/bin/python bash docker/latency-arm64/build.sh build

clean-venv:
	rm -rf $(VENV)
