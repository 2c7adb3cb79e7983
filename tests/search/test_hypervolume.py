from __future__ import annotations

import numpy as np
import pytest

from hytnas.errors import ConfigError
from hytnas.search import (
    Bounds,
    History,
    bounds_from_sample,
    evaluations_to_reach,
    front_hv,
    hv_curve,
    hypervolume,
    reference_front,
    reference_hv,
)
from hytnas.search.synthetic import zdt1_grid


def test_hypervolume_of_a_hand_built_front() -> None:
    # Points (0, 1) and (1, 0) with reference (2, 2): 2 + 2 - 1 = 3.
    assert hypervolume(np.array([[0.0, 1.0], [1.0, 0.0]]), ref=2.0) == pytest.approx(3.0)
    # Dominated points and points outside the box add nothing.
    F = np.array([[0.0, 1.0], [1.0, 0.0], [1.5, 1.5], [3.0, -1.0]])
    assert hypervolume(F, ref=[2.0, 2.0]) == pytest.approx(3.0)
    assert hypervolume(np.empty((0, 2)), ref=1.1) == 0.0
    assert hypervolume(np.array([[0.5, 0.5, 0.5]]), ref=1.0) == pytest.approx(0.125)


def test_bounds_normalise_and_reject_degenerate_ranges() -> None:
    b = Bounds(np.array([0.0, 10.0]), np.array([2.0, 20.0]))
    assert b.normalise(np.array([[1.0, 15.0]])).tolist() == [[0.5, 0.5]]
    assert Bounds.from_dict(b.to_dict()).upper.tolist() == [2.0, 20.0]
    with pytest.raises(ConfigError):
        Bounds(np.array([0.0, 1.0]), np.array([1.0, 1.0]))


def test_bounds_from_sample_covers_the_sample() -> None:
    problem = zdt1_grid(d=3, k=5)
    b = bounds_from_sample(problem.evaluate, problem.space, n=100, seed=1)
    assert b.n_obj == 2 and np.all(b.lower >= 0) and np.all(b.upper > b.lower)
    again = bounds_from_sample(problem.evaluate, problem.space, n=100, seed=1)
    assert np.array_equal(b.lower, again.lower) and np.array_equal(b.upper, again.upper)


def test_hv_curve_matches_prefix_hypervolumes() -> None:
    rng = np.random.default_rng(0)
    F = rng.uniform(0, 1, size=(40, 2))
    bounds = Bounds(np.zeros(2), np.ones(2))
    curve = hv_curve(F, bounds)
    assert curve.shape == (40,) and np.all(np.diff(curve) >= -1e-12)
    for k in (1, 7, 23, 40):
        assert curve[k - 1] == pytest.approx(hypervolume(F[:k], 1.1))
    padded = hv_curve(F[:10], bounds, pad_to=15)
    assert padded.shape == (15,) and np.all(padded[10:] == padded[9])


def test_hv_curve_accepts_a_history_and_three_objectives() -> None:
    rng = np.random.default_rng(1)
    F = rng.uniform(0, 1, size=(12, 3))
    history = History("random", 0, 12, np.zeros((12, 2), dtype=np.int64), F, np.zeros(12, dtype=np.int64))
    curve = hv_curve(history, Bounds(np.zeros(3), np.ones(3)))
    assert curve[-1] == pytest.approx(hypervolume(F, 1.1))


def test_reference_front_pools_runs() -> None:
    a = np.array([[0.0, 1.0], [0.5, 0.5]])
    b = np.array([[1.0, 0.0], [0.6, 0.6], [0.0, 1.0]])
    front = reference_front([a, b])
    assert sorted(map(tuple, front.tolist())) == [(0.0, 1.0), (0.5, 0.5), (1.0, 0.0)]
    bounds = Bounds(np.zeros(2), np.ones(2))
    assert front_hv(front, bounds) >= front_hv(a, bounds)
    assert reference_hv([a, b], bounds) == pytest.approx(front_hv(front, bounds))
    with pytest.raises(ConfigError):
        reference_front([np.empty((0, 2))])


def test_evaluations_to_reach() -> None:
    curve = np.array([0.1, 0.1, 0.4, 0.7, 0.7])
    assert evaluations_to_reach(curve, 0.4) == 3
    assert evaluations_to_reach(curve, 0.05) == 1
    assert evaluations_to_reach(curve, 0.8) == 6  # not reached: above the budget
    assert evaluations_to_reach(curve, 0.8, budget=500) == 501
