"""The pipeline image (Dockerfile), built here without a Docker engine (`make image`) and run:
the smoke profile's `dvc repro` inside it, with a fresh clone of the repository mounted at /work
as the Dockerfile documents. So "containerized" is checked, not assumed.

Marked ``image``: about 12 minutes from an empty store, so `make test` leaves it to
`make test-image` (which CI runs after `make test`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support.arm_image import need

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.image, pytest.mark.slow, pytest.mark.timeout(3600)]


def _run(args: list[str], timeout: int, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)


def test_image_builds_and_runs_the_smoke_pipeline(tmp_path: Path) -> None:
    need(("mmdebstrap", "buildah"))
    if os.geteuid() != 0:
        pytest.fail("the pipeline image builds as root (buildah's chroot isolation); run the image tests as root")
    env = {**os.environ, "HYTNAS_BUILDAH": os.environ.get("HYTNAS_BUILDAH", str(REPO / "build" / "buildah"))}
    built = _run(["bash", str(REPO / "scripts" / "build-image.sh")], timeout=2400, env=env)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "hytnas:latest built in" in built.stdout

    clone = tmp_path / "repo"
    cloned = _run(["git", "clone", "--quiet", str(REPO), str(clone)], timeout=300)
    assert cloned.returncode == 0, cloned.stderr
    applied = _run([sys.executable, "-m", "hytnas.profiles", "apply", "params.yaml", "profiles/smoke.yaml"], timeout=120,
                   cwd=clone, env={**os.environ, "PYTHONPATH": str(clone / "src")})
    assert applied.returncode == 0, applied.stderr

    inside = _run(["bash", str(REPO / "scripts" / "run-image.sh"), str(clone), "python", "-c",
                   "import platform, sys, torch, hytnas; print(platform.machine(), sys.version.split()[0], torch.__version__, hytnas.__file__)"],
                  timeout=600, env=env)
    assert inside.returncode == 0, inside.stderr[-3000:]
    machine, python, _torch, source = inside.stdout.split()[-4:]
    assert (machine, python[:4]) == ("x86_64", "3.11") and source == "/work/src/hytnas/__init__.py"  # the mounted source wins

    repro = _run(["bash", str(REPO / "scripts" / "run-image.sh"), str(clone), "dvc", "repro"], timeout=2400, env=env)
    assert repro.returncode == 0, (repro.stdout[-2000:], repro.stderr[-3000:])
    summary = json.loads((clone / "reports" / "summary.json").read_text())
    assert {"tau_accuracy", "o_acc_gain", "map_hytnas_o"} <= set(summary), sorted(summary)  # predictors, Table II, Table III
    for report in ("table2.md", "table3.md", "RESULTS.md"):
        assert (clone / "reports" / report).is_file(), report
    status = _run(["bash", str(REPO / "scripts" / "run-image.sh"), str(clone), "dvc", "status", "--quiet"], timeout=600, env=env)
    assert status.returncode == 0, status.stdout[-2000:]  # every stage up to date after the repro
