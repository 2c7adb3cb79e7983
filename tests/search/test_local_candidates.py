"""Local candidates: every one-gene change of the evaluated front joins the acquisition
solver's candidates (``local_candidates``), so the batch selection can refine the front
where the solver's population did not reach."""

from __future__ import annotations

import numpy as np
import pytest

from hytnas.errors import ConfigError
from hytnas.search import get_strategy, hv_curve
from hytnas.search.operators import one_gene_neighbours

from search_helpers import FAST_OPTIONS, KnownFront


def test_one_gene_neighbours_by_hand() -> None:
    cards = np.array([3, 2])
    assert one_gene_neighbours(np.array([[0, 0]]), cards).tolist() == [[1, 0], [2, 0], [0, 1]]
    # rows of X are not their own neighbours, and a genome two rows share appears once
    near = one_gene_neighbours(np.array([[0, 0], [1, 0]]), cards)
    assert near.tolist() == [[2, 0], [0, 1], [1, 1]]
    assert one_gene_neighbours(np.empty((0, 2), dtype=np.int64), cards).shape == (0, 2)
    assert one_gene_neighbours(np.array([[0, 0]]), np.array([1, 1])).shape == (0, 2)


def test_neighbours_cover_each_gene_once_per_value() -> None:
    rng = np.random.default_rng(0)
    cards = np.array([4, 3, 5, 2])
    X = rng.integers(0, cards, size=(1, 4))
    near = one_gene_neighbours(X, cards)
    assert len(near) == int(np.sum(cards - 1))
    assert np.all(np.sum(near != X, axis=1) == 1) and np.all(near < cards) and np.all(near >= 0)


@pytest.mark.parametrize("name", ["gp-mobo", "hytnas"])
def test_local_candidates_rescue_a_crippled_solver(name: str, zdt: KnownFront) -> None:
    """With an acquisition solver of 4 genomes for 1 generation the loop finds little;
    the one-gene changes of its front give the selection the steps the solver cannot."""
    options = {**FAST_OPTIONS[name], "pop_size": 4, "n_gen": 1, "warm_start": True, "solver_candidates": "final"}
    plain = get_strategy(name, **options).run(zdt.problem, budget=60, seed=0)
    local = get_strategy(name, **options, local_candidates=True).run(zdt.problem, budget=60, seed=0)
    again = get_strategy(name, **options, local_candidates=True).run(zdt.problem, budget=60, seed=0)
    assert np.array_equal(local.X, again.X)
    assert zdt.hits(local.X) > zdt.hits(plain.X)
    assert hv_curve(local, zdt.bounds)[-1] > hv_curve(plain, zdt.bounds)[-1]


def test_bad_local_candidates() -> None:
    with pytest.raises(ConfigError, match="option local_candidates = 'some', expected true or false"):
        get_strategy("gp-mobo", local_candidates="some")
