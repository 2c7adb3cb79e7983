"""Fixtures of the search tests: ZDT1 on small integer grids, fully enumerated."""

from __future__ import annotations

import pytest
from search_helpers import KnownFront

from hytnas.search.synthetic import zdt1_grid


@pytest.fixture(scope="session")
def zdt() -> KnownFront:
    """ZDT1 on {0..7}^4: 4,096 genomes, 8 of them Pareto-optimal."""
    return KnownFront(zdt1_grid(d=4, k=8))


@pytest.fixture(scope="session")
def small_zdt() -> KnownFront:
    """ZDT1 on {0..5}^3: 216 genomes, 6 of them Pareto-optimal."""
    return KnownFront(zdt1_grid(d=3, k=6))
