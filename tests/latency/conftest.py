"""Fixtures for latency tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from hytnas.config import Params

from support.archs import write_archs
from support.params import quick_params


@pytest.fixture
def arch_table(tmp_path: Path) -> Path:
    """Three sampled table1 architectures, as sample_archs writes them."""
    return write_archs(tmp_path / "archs.csv", 3, sampled_seed=0)


@pytest.fixture
def params() -> Params:
    return quick_params()
