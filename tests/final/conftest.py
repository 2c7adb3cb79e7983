"""Fixtures of the final-training tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    """Every final-training test runs torch on one thread."""
    yield
