# hytnas pipeline image (CPU). Installs through the same pyproject.toml, requirements.lock and
# scripts/install.sh as `make setup`. The repository is mounted at run time:
#   docker build -t hytnas .
#   docker run --rm -v "$PWD":/work hytnas                 # dvc repro
#   docker run --rm -v "$PWD":/work hytnas make test -o setup
# For a CPU-only torch wheel, point pip at another index: --build-arg PIP_EXTRA_INDEX_URL=<index>.
# Without an engine, `make image` builds it with buildah on a Debian base it makes itself
# (--build-arg BASE_IMAGE=..., scripts/build-image.sh).
ARG BASE_IMAGE=python:3.11.7-slim-bookworm
FROM ${BASE_IMAGE}

ARG PIP_EXTRA_INDEX_URL=""
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_EXTRA_INDEX_URL=${PIP_EXTRA_INDEX_URL}

# git for DVC, make for the Makefile targets, gcc for packages without a wheel. The base image
# tag pins the Debian release; exact package versions would break at every security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git make gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/* \
    && git config --system --add safe.directory /work

WORKDIR /opt/hytnas
COPY pyproject.toml requirements.lock README.md ./
COPY scripts/install.sh scripts/install.sh
COPY src/ src/
RUN bash scripts/install.sh python

# The mounted repository's own source takes precedence over the copy baked into the image.
ENV PYTHONPATH=/work/src
WORKDIR /work
CMD ["dvc", "repro"]
