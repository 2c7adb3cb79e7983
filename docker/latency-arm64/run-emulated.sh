#!/usr/bin/env bash
# Run the ARM latency image on this (x86) machine under qemu, without a Docker engine and
# without touching the host's binfmt_misc.
#
#   bash docker/latency-arm64/run-emulated.sh IMAGE.oci.tar MODELS_DIR [ARG...]
#
# runs the image's entry point (the timing program) with MODELS_DIR mounted at /models, no
# network, and ARG... as its arguments (default: /models); its output is this script's. How:
# a private user namespace (uids 0-65535 mapped to the host's, written by this root process),
# with its own mount and pid namespaces, mounts its own binfmt_misc (Linux >= 6.7) and registers
# qemu-aarch64 there; umoci unpacks the image (once per digest, cached under
# ${HYTNAS_ARM_CACHE:-/tmp/hytnas-arm64-bundles}); runc runs it. The emulated board is
# HYTNAS_EMULATED_BOARD: pi3b (default: a Raspberry Pi 3B's /proc/cpuinfo, pi3b-cpuinfo beside
# this file, bound over the container's, and QEMU_CPU=cortex-a53) or pi5 (pi5-cpuinfo,
# cortex-a76: the Armv8.2 core that torch's aarch64 wheel needs). onnxruntime reads the CPU
# description at start-up and crashes on the host's x86 one.
# Emulated timings are 100-150x a real device's: use them to check the path, never the numbers.
# Needs root and the Debian packages qemu-user-static, umoci, runc (scripts/install-system.sh).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

if [[ "${1:-}" == "--inside" ]]; then
    # In the namespaces: register qemu, unpack once, run.
    shift
    image="$1" models="$2" bundle="$3" state="$4" board="$5" qemu_cpu="$6"
    shift 6
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    conf=""
    for candidate in /usr/lib/binfmt.d/qemu-aarch64.conf /usr/share/binfmts/qemu-aarch64; do
        [[ -f "$candidate" && "$candidate" == *.conf ]] && conf="$(grep -v '^#' "$candidate" | head -n1)"
    done
    [[ -n "$conf" ]] || { echo "run-emulated.sh: no qemu-aarch64 binfmt rule (/usr/lib/binfmt.d/qemu-aarch64.conf); install qemu-user-static" >&2; exit 1; }
    printf '%s' "$conf" > /proc/sys/fs/binfmt_misc/register
    if [[ ! -f "$bundle/config.json" ]]; then
        staging="$(mktemp -d "$bundle.XXXXXX")"
        mkdir -p "$staging/layout"
        tar -xf "$image" -C "$staging/layout"
        umoci unpack --image "$staging/layout:latest" "$staging/bundle" >/dev/null 2>&1
        mv "$staging/bundle" "$bundle.new" && rm -rf "$staging"
        mv -T "$bundle.new" "$bundle" 2>/dev/null || rm -rf "$bundle.new"
    fi
    run="$(mktemp -d "$state/run.XXXXXX")"
    python3 - "$bundle/config.json" "$run/config.json" "$models" "$here/$board-cpuinfo" "$qemu_cpu" "$bundle/rootfs" "$@" <<'PY'
import json, sys
source, target, models, cpuinfo, qemu_cpu, rootfs, *args = sys.argv[1:]
config = json.load(open(source))
process = config["process"]
process["terminal"] = False
if args:
    process["args"] = process["args"][:2] + args
process["env"].append(f"QEMU_CPU={qemu_cpu}")
config["root"] = {"path": rootfs, "readonly": True}
config["mounts"] += [
    {"destination": "/models", "type": "bind", "source": models, "options": ["rbind", "rw"]},
    {"destination": "/proc/cpuinfo", "type": "bind", "source": cpuinfo, "options": ["bind", "ro"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]},
]
json.dump(config, open(target, "w"))
PY
    exec runc --root "$state/runc" run --bundle "$run" "hytnas-${state##*.}"
fi

if [[ $# -lt 2 ]]; then
    echo "usage: run-emulated.sh IMAGE.oci.tar MODELS_DIR [ARG...]" >&2
    exit 2
fi
image="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[[ -f "$image" ]] || { echo "run-emulated.sh: $1: no such image archive (make arm-image builds it)" >&2; exit 2; }
[[ -d "$2" ]] || { echo "run-emulated.sh: $2: no such models folder" >&2; exit 2; }
models="$(cd "$2" && pwd)"
shift 2
board="${HYTNAS_EMULATED_BOARD:-pi3b}"
case "$board" in
    pi3b) qemu_cpu=cortex-a53 ;;
    pi5) qemu_cpu=cortex-a76 ;;
    *) echo "run-emulated.sh: HYTNAS_EMULATED_BOARD=$board: expected pi3b or pi5" >&2; exit 2 ;;
esac
for tool in unshare runc umoci qemu-aarch64-static python3; do
    command -v "$tool" >/dev/null || { echo "run-emulated.sh: $tool not found; run scripts/install-system.sh (qemu-user-static, umoci, runc)" >&2; exit 1; }
done
[[ "$(id -u)" == 0 ]] || { echo "run-emulated.sh: needs root (it writes the user namespace's uid map)" >&2; exit 1; }

digest="$(tar -xOf "$image" index.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifests"][0]["digest"].split(":")[1])')"
cache="${HYTNAS_ARM_CACHE:-/tmp/hytnas-arm64-bundles}"
mkdir -p "$cache"
state="$(mktemp -d "$cache/state.XXXXXX")"
fifo="$state/go"
mkfifo "$fifo"
cleanup() { [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; rm -rf "$state"; }
trap cleanup EXIT
unshare --user --mount --pid --fork --mount-proc --kill-child \
    bash -c 'read -r _ < "$0"; exec bash "$@"' "$fifo" "$0" --inside "$image" "$models" "$cache/$digest" "$state" "$board" "$qemu_cpu" "$@" &
pid=$!
while [[ "$(readlink "/proc/$pid/ns/user" 2>/dev/null)" == "$(readlink /proc/self/ns/user)" ]]; do sleep 0.01; done
echo "0 0 65536" > "/proc/$pid/uid_map"
echo "0 0 65536" > "/proc/$pid/gid_map"
echo go > "$fifo"
status=0
wait "$pid" || status=$?
pid=""
exit "$status"
