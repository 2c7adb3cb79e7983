"""Building the ARM latency image in tests (docker/latency-arm64/build.sh) and the tools it needs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IMAGE_DIR = REPO / "docker" / "latency-arm64"
NAME = "hytnas-latency-arm64"
BUILD_TOOLS = ("mmdebstrap", "buildah")
RUN_TOOLS = ("unshare", "runc", "umoci", "qemu-aarch64-static")


def need(tools: tuple[str, ...]) -> None:
    """Fail the test with one line naming the tools that are not installed."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not installed: `make setup` installs them as root (scripts/install-system.sh)")


def build_image(out: Path, *, with_torch: bool = False) -> str:
    """Build the image (with torch 2.10.0: ``hytnas-latency-arm64-torch``) into ``out``; its
    manifest digest."""
    need(BUILD_TOOLS)
    result = subprocess.run(
        ["bash", str(IMAGE_DIR / "build.sh"), str(out)], capture_output=True, text=True,
        env={"PATH": f"{Path(sys.executable).parent}:/usr/sbin:/usr/bin:/sbin:/bin", "PYTHON": sys.executable, "HOME": str(out),
             "WITH_TORCH": "1" if with_torch else "0"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return (out / f"{NAME}{'-torch' if with_torch else ''}.digest").read_text().strip()
