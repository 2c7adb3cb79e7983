#!/usr/bin/env bash
# Install hytnas and its pinned dependencies into the Python environment given as $1
# (a python executable). Used by the Makefile and by the Dockerfile, so both install alike.
#   scripts/install.sh .venv/bin/python            # editable install with test tools
#   HYTNAS_EXTRAS="" scripts/install.sh python     # runtime only
set -euo pipefail
python_bin="${1:?usage: scripts/install.sh PYTHON}"
extras="${HYTNAS_EXTRAS-[dev]}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$python_bin" -m pip install --quiet --upgrade "pip==25.3"
"$python_bin" -m pip install --quiet -c "$here/requirements.lock" -e "$here$extras"
