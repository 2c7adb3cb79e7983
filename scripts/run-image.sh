#!/usr/bin/env bash
# Run a command in the pipeline image that `make image` built, with a repository mounted at
# /work (as the Dockerfile documents), without a Docker engine:
#
#   bash scripts/run-image.sh REPO_DIR [COMMAND...]     # default COMMAND: dvc repro
#
# buildah makes a working container from hytnas:latest, runs COMMAND in it with chroot
# isolation (as root) in /work, and removes the container.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
store_dir="${HYTNAS_BUILDAH:-$repo/build/buildah}"
store=(--root "$store_dir/storage" --runroot "$store_dir/run" --storage-driver vfs)
[[ $# -ge 1 && -d "$1" ]] || { echo "usage: run-image.sh REPO_DIR [COMMAND...]" >&2; exit 2; }
work="$(cd "$1" && pwd)"
shift
[[ $# -gt 0 ]] || set -- dvc repro
buildah "${store[@]}" inspect --type image hytnas:latest >/dev/null 2>&1 \
    || { echo "run-image.sh: no image hytnas:latest in $store_dir; run make image" >&2; exit 1; }
container="$(buildah "${store[@]}" from --quiet hytnas:latest)"
trap 'buildah "${store[@]}" rm "$container" >/dev/null 2>&1 || true' EXIT
buildah "${store[@]}" run --isolation chroot --volume "$work:/work" --workingdir /work "$container" -- "$@"
