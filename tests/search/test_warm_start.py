"""The acquisition solver warm-started from the evaluated points (DGEMO's start), and
candidates from its final population: the choices the paper leaves open, as options."""

from __future__ import annotations

import numpy as np
import pytest

from hytnas.errors import ConfigError
from hytnas.search import get_strategy, hv_curve
from hytnas.search.acquisition import solve_acquisition, warm_population
from hytnas.search.pareto import pareto_mask

from search_helpers import FAST_OPTIONS, KnownFront


def test_warm_population_starts_with_the_evaluated_front() -> None:
    X = np.array([[0, 0], [1, 1], [2, 2], [3, 0], [0, 3], [1, 1]])
    Z = np.array([[3.0, 3.0], [1.0, 2.0], [2.0, 1.0], [0.5, 4.0], [4.0, 0.5], [1.0, 2.0]])
    population = warm_population(X, Z, np.array([5, 5]), pop_size=8, seed=0)
    assert population.shape == (8, 2) and len(np.unique(population, axis=0)) == 8
    front = {tuple(g) for g in X[pareto_mask(Z)].tolist()}
    assert {tuple(g) for g in population[: len(front)].tolist()} == front  # the evaluated front first
    assert [2, 2] in population.tolist() and [0, 0] in population.tolist()  # then the later fronts
    small = warm_population(X, Z, np.array([5, 5]), pop_size=3, seed=0)
    assert {tuple(g) for g in small.tolist()} <= front and len(small) == 3


def test_solver_first_population_is_the_warm_one() -> None:
    seen: list[np.ndarray] = []

    def acquisition(G: np.ndarray) -> np.ndarray:
        seen.append(G.copy())
        return np.stack([G[:, 0], -G[:, 1]], axis=1).astype(float)

    start = warm_population(np.array([[1, 2], [2, 1]]), np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([4, 4]), 6, seed=1)
    X, _ = solve_acquisition(acquisition, np.array([4, 4]), 2, seed=0, pop_size=6, n_gen=3, initial=start, candidates="final")
    assert np.array_equal(seen[0], start)
    assert len(X) <= 6  # the final population only


@pytest.mark.parametrize("name", ["hytnas", "gp-mobo"])
def test_warm_started_loop_finds_the_front(name: str, zdt: KnownFront) -> None:
    options = {**FAST_OPTIONS[name], "warm_start": True, "solver_candidates": "final"}
    run = lambda seed: get_strategy(name, **options).run(zdt.problem, budget=50, seed=seed)  # noqa: E731
    history, again = run(0), run(0)
    assert np.array_equal(history.X, again.X)
    assert hv_curve(history, zdt.bounds)[-1] >= 0.98 * zdt.hv


def test_bad_warm_start_options() -> None:
    with pytest.raises(ConfigError, match="option warm_start = 'yes', expected true or false"):
        get_strategy("hytnas", warm_start="yes")
    with pytest.raises(ConfigError, match="option solver_candidates = 'all', expected one of visited, final"):
        get_strategy("hytnas", solver_candidates="all")
