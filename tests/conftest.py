"""Shared fixtures: paths of the repository and of the authors' released measurements."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAPER_DATA = REPO.parent / "shared" / "paper-data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def paper_data() -> Path:
    if not (PAPER_DATA / "models_lat_pre.csv").exists():
        pytest.fail(f"the authors' measurements are expected at {PAPER_DATA}")
    return PAPER_DATA
