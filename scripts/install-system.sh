#!/usr/bin/env bash
# Install the Debian packages the tests and the container targets need (`make setup` calls it):
#   mmdebstrap, buildah, skopeo  build the ARM latency image without a Docker engine (make arm-image)
#   umoci, runc, qemu-user-static  run that arm64 image here, emulated (tests, run-emulated.sh)
#   openssh-server  a real sshd on 127.0.0.1 for the remote latency backend's tests
#   chromium, chromium-driver  a real headless browser for the offline plots page's tests
#   iproute2  brings up loopback in the browser's network namespace of its own
# Runs apt-get only when one is missing. Without root it lists what is missing and leaves the
# rest to whoever can install them: the tests that need a missing tool fail, each naming it.
set -euo pipefail
packages=(mmdebstrap buildah skopeo umoci runc qemu-user-static openssh-server chromium chromium-driver iproute2)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if ! command -v apt-get >/dev/null; then
    echo "install-system.sh: not a Debian system; install by hand: ${missing[*]}" >&2
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "install-system.sh: not root; the container and remote-latency tests need: sudo apt-get install ${missing[*]}" >&2
    exit 0
fi
echo "install-system.sh: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
