"""Shared fixtures: paths of the repository and of the authors' released measurements, and
one torch thread per test (the machine has 2 cores shared with other jobs)."""

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


@pytest.fixture
def one_thread():
    """Torch limited to one thread for the test (restored after)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
