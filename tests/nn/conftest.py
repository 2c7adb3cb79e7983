"""Fixtures of the network tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    """Every network test runs torch on one thread."""
    yield
