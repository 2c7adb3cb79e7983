#!/usr/bin/env bash
# Build the ARM latency image without a Docker engine and without emulation (`make arm-image`).
#
#   bash docker/latency-arm64/build.sh [OUT_DIR]     # default OUT_DIR: build
#   WITH_TORCH=1 bash docker/latency-arm64/build.sh [OUT_DIR]   # `make arm-image-torch`
#
# WITH_TORCH=1 adds torch 2.10.0 CPU (requirements-arm64-torch.lock) for the torch runtime and
# names the image hytnas-latency-arm64-torch (about 4x the size; Armv8.2 devices only).
#
# 1. mmdebstrap extracts a Debian bookworm arm64 root file system with python3 (no package
#    scripts run, so nothing executes arm64 code);
# 2. pip unpacks the aarch64 wheels of requirements-arm64.lock (hash-checked, --no-deps:
#    pip would judge dependency markers against this host);
# 3. buildah assembles Containerfile (FROM scratch, ADD, COPY: no RUN step) with the vfs driver
#    and writes OUT_DIR/hytnas-latency-arm64.oci.tar (OCI archive) and
#    OUT_DIR/hytnas-latency-arm64.docker.tar (`docker load` on the Pi), and the image's
#    manifest digest to OUT_DIR/hytnas-latency-arm64.digest.
#
# Reproducible: file times are clamped to SOURCE_DATE_EPOCH (default 0), tars are sorted with
# numeric owners, and the image's creation time is the same epoch, so two builds from the same
# Debian packages give the same digest. Needs root (or a user namespace) and the Debian packages
# mmdebstrap, buildah, skopeo (scripts/install-system.sh installs them).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$(mkdir -p "${1:-$repo/build}" && cd "${1:-$repo/build}" && pwd)"
name=hytnas-latency-arm64
locks=(-r "$here/requirements-arm64.lock")
if [[ "${WITH_TORCH:-0}" == 1 ]]; then
    name=hytnas-latency-arm64-torch
    locks+=(-r "$here/requirements-arm64-torch.lock")
elif [[ "${WITH_TORCH:-0}" != 0 ]]; then
    echo "build.sh: WITH_TORCH=${WITH_TORCH}: expected 0 or 1" >&2; exit 2
fi
suite=bookworm
epoch="${SOURCE_DATE_EPOCH:-0}"
python="${PYTHON:-python3}"

for tool in mmdebstrap buildah tar "$python"; do
    command -v "$tool" >/dev/null || { echo "build.sh: $tool not found; run scripts/install-system.sh (Debian packages mmdebstrap, buildah)" >&2; exit 1; }
done

work="$(mktemp -d "$out/.$name.XXXXXX")"
trap 'buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs rm -a >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
context="$work/context"
mkdir -p "$context" "$work/site"
start=$(date +%s)

SOURCE_DATE_EPOCH="$epoch" mmdebstrap --quiet --variant=extract --arch=arm64 \
    --include=python3,libstdc++6,libgcc-s1,ca-certificates \
    --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/*' \
    "$suite" "$context/rootfs.tar"

"$python" -m pip install --quiet --no-deps --no-compile --require-hashes --only-binary=:all: \
    --platform manylinux_2_28_aarch64 --platform manylinux_2_17_aarch64 --platform manylinux2014_aarch64 \
    --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
    --target "$work/site" "${locks[@]}"
rm -rf "$work/site/bin"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=gnu \
    -C "$work/site" -cf "$context/python.tar" .
cp "$repo/src/hytnas/latency/device_timer.py" "$context/device_timer.py"
touch -d "@$epoch" "$context/device_timer.py"

store=(--root "$work/storage" --runroot "$work/run" --storage-driver vfs)
buildah "${store[@]}" bud --quiet --arch arm64 --os linux --timestamp "$epoch" \
    --layers=false -f "$here/Containerfile" -t "$name:latest" "$context" >/dev/null
rm -f "$out/$name.oci.tar" "$out/$name.docker.tar"
buildah "${store[@]}" push --quiet --digestfile "$work/digest" "$name:latest" "oci-archive:$out/$name.oci.tar:latest"
buildah "${store[@]}" push --quiet "$name:latest" "docker-archive:$out/$name.docker.tar:$name:latest"
cp "$work/digest" "$out/$name.digest"
echo "$name: $(cat "$out/$name.digest"), $(du -m "$out/$name.oci.tar" | cut -f1) MB, built in $(( $(date +%s) - start )) s -> $out/$name.{oci,docker}.tar"
