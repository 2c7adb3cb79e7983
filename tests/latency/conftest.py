"""Fixtures for latency tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from hytnas.config import Params

from helpers_latency import quick_params, write_arch_table


@pytest.fixture
def arch_table(tmp_path: Path) -> Path:
    return write_arch_table(tmp_path / "archs.csv", 3)


@pytest.fixture
def params() -> Params:
    return quick_params()
