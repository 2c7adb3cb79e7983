#!/usr/bin/env bash
# Build the pipeline image (Dockerfile) without a Docker engine (`make image`).
#
#   bash scripts/build-image.sh            # image hytnas:latest in build/buildah (vfs storage)
#
# The Dockerfile's base (python:3.11.7-slim-bookworm) comes from a container registry, which a
# machine with only the package registries cannot reach; so the base here is a Debian bookworm
# root file system made by mmdebstrap (python3 3.11, pip, venv, git, make, gcc), imported as
# localhost/hytnas-base:bookworm and passed as --build-arg BASE_IMAGE. buildah runs the RUN steps
# with chroot isolation (as root). The build sees this machine's CA bundle and, where they
# exist, its pip configuration and local wheel folders (read-only), so pip resolves exactly as
# `make setup` does here (torch from local files instead of a multi-GB download).
#
# Run the image with scripts/run-image.sh. Needs root and the Debian packages mmdebstrap and
# buildah (scripts/install-system.sh).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
store_dir="${HYTNAS_BUILDAH:-$repo/build/buildah}"
store=(--root "$store_dir/storage" --runroot "$store_dir/run" --storage-driver vfs)
for tool in mmdebstrap buildah; do
    command -v "$tool" >/dev/null || { echo "build-image.sh: $tool not found; run scripts/install-system.sh" >&2; exit 1; }
done
[[ "$(id -u)" == 0 ]] || { echo "build-image.sh: needs root (buildah's chroot isolation)" >&2; exit 1; }
start=$(date +%s)
mkdir -p "$store_dir"

if ! buildah "${store[@]}" inspect --type image localhost/hytnas-base:bookworm >/dev/null 2>&1; then
    base="$(mktemp -d "$store_dir/.base.XXXXXX")"
    trap 'rm -rf "$base"' EXIT
    mmdebstrap --quiet --variant=minbase \
        --include=python3,python3-venv,python3-pip,python-is-python3,git,make,gcc,libc6-dev,ca-certificates \
        bookworm "$base/rootfs.tar"
    # Debian marks its python as externally managed; the image installs into it on purpose.
    printf 'FROM scratch\nADD rootfs.tar /\nENV PIP_BREAK_SYSTEM_PACKAGES=1\nCMD ["bash"]\n' > "$base/Containerfile"
    buildah "${store[@]}" bud --quiet --layers=false -f "$base/Containerfile" -t localhost/hytnas-base:bookworm "$base" >/dev/null
fi

volumes=()
for path in /etc/ssl/certs/ca-certificates.crt /etc/pip.conf /etc/xdg/pip /opt/pypi /opt/pypi-more /opt/wheels; do
    [[ -e "$path" ]] && volumes+=(--volume "$path:$path:ro")
done
buildah "${store[@]}" bud --quiet --isolation chroot --layers=false "${volumes[@]}" \
    --build-arg BASE_IMAGE=localhost/hytnas-base:bookworm -t hytnas:latest "$repo" >/dev/null
# The image this build replaced is left untagged; drop it (each is several GB in vfs storage).
buildah "${store[@]}" rmi --prune >/dev/null 2>&1 || true
echo "hytnas:latest built in $(( $(date +%s) - start )) s ($(buildah "${store[@]}" images --format '{{.Size}}' hytnas:latest)) in $store_dir"
