from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau

from hytnas.errors import ConfigError
from hytnas.search.acquisition import lower_confidence_bound, solve_acquisition
from hytnas.search.surrogates import (
    RANKER_GRID,
    GaussianProcess,
    RankEnsemble,
    draw_ranker_params,
    normalised_rank,
)

CARDS = np.array([6, 6, 6, 6])


def data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.stack([rng.integers(0, k, n) for k in CARDS], axis=1)
    y = (X / 5.0) @ np.array([1.0, 0.5, -0.7, 0.2]) + 0.3 * (X[:, 0] / 5.0) ** 2
    return X, y


def test_normalised_rank() -> None:
    assert normalised_rank(np.array([3.0, 1.0, 2.0])).tolist() == [1.0, 0.0, 0.5]
    assert normalised_rank(np.array([1.0, 1.0, 5.0])).tolist() == [0.25, 0.25, 1.0]


def test_member_hyperparameters_come_from_the_paper_grid() -> None:
    params = draw_ranker_params(50, np.random.default_rng(0))
    assert {p.n_estimators for p in params} <= set(RANKER_GRID["n_estimators"])
    assert {p.max_depth for p in params} <= set(RANKER_GRID["max_depth"])
    assert {p.learning_rate for p in params} <= set(RANKER_GRID["learning_rate"])
    assert len({(p.n_estimators, p.max_depth, p.learning_rate) for p in params}) > 10


@pytest.mark.parametrize("make", [lambda: RankEnsemble(CARDS, size=3, seed=0), lambda: GaussianProcess(CARDS, seed=0)])
def test_surrogates_rank_held_out_points(make) -> None:
    X, y = data(80, 0)
    Xt, yt = data(200, 1)
    model = make().fit(X, y)
    mean, std = model.predict(Xt)
    assert mean.shape == std.shape == (200,) and np.all(std >= 0)
    assert kendalltau(mean, yt)[0] > 0.6  # lower score = lower objective
    z = model.targets(y)
    assert z.min() == pytest.approx(0.0) and z.max() == pytest.approx(1.0)
    # Same seed, same data: same predictions.
    again = make().fit(X, y).predict(Xt)
    assert np.allclose(again[0], mean) and np.allclose(again[1], std)


def test_rank_ensemble_scores_training_points_near_their_ranks() -> None:
    X, y = data(60, 2)
    model = RankEnsemble(CARDS, size=3, seed=1).fit(X, y)
    mean, _ = model.predict(X)
    assert kendalltau(mean, model.targets(y))[0] > 0.8


def test_lower_confidence_bound_is_optimistic_for_minimisation() -> None:
    mean = np.array([[0.5, 0.2]])
    std = np.array([[0.1, 0.0]])
    assert lower_confidence_bound(mean, std, 2.0).tolist() == [[pytest.approx(0.3), 0.2]]


def test_acquisition_solver_returns_distinct_visited_points() -> None:
    cards = np.array([5, 5, 5])

    def acquisition(G: np.ndarray) -> np.ndarray:
        return np.stack([G[:, 0] + G[:, 1], 8 - G[:, 0] + G[:, 2]], axis=1).astype(float)

    X, A = solve_acquisition(acquisition, cards, 2, seed=0, pop_size=20, n_gen=5)
    assert len(np.unique(X, axis=0)) == len(X) and X.shape[1] == 3 and A.shape == (len(X), 2)
    assert np.all(X >= 0) and np.all(X <= 4) and X.dtype == np.int64
    assert np.allclose(A, acquisition(X))


def _kernel_state(gp: GaussianProcess) -> list[np.ndarray]:
    model = gp.model
    states = [*model.covar_module.state_dict().values(), *model.likelihood.state_dict().values(), *model.mean_module.state_dict().values()]
    return [t.detach().numpy().copy() for t in states]


def test_gp_refit_every_reoptimises_only_every_kth_fit_and_conditions_on_all_points() -> None:
    X, y = data(90, 3)
    every = GaussianProcess(CARDS, first_maxiter=30, maxiter=10)
    sparse = GaussianProcess(CARDS, first_maxiter=30, maxiter=10, refit_every=3)
    states: dict[str, list[list[np.ndarray]]] = {"every": [], "sparse": []}
    for n in (30, 45, 60, 75):  # fits 0-3: fit 0 and 3 optimise with refit_every=3
        every.fit(X[:n], y[:n])
        sparse.fit(X[:n], y[:n])
        states["every"].append(_kernel_state(every))
        states["sparse"].append(_kernel_state(sparse))

    def same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
        return all(np.array_equal(u, v) for u, v in zip(a, b))

    assert same(states["sparse"][0], states["every"][0])  # the first fit optimises either way
    assert same(states["sparse"][1], states["sparse"][0]) and same(states["sparse"][2], states["sparse"][0])
    assert not same(states["sparse"][3], states["sparse"][2])
    assert not same(states["every"][1], states["every"][0])
    # Between re-optimisations the posterior is still the one on every point: the GP with the
    # same hyperparameters interpolates its 75 training targets about as well.
    mean, _ = sparse.predict(X[:75])
    assert kendalltau(mean, y[:75])[0] > 0.9
    with pytest.raises(ConfigError, match="refit_every"):
        GaussianProcess(CARDS, refit_every=0)


def test_gp_log_targets_fits_a_multiplicative_objective() -> None:
    """A product of per-gene factors is a sum in logs: the log-warped GP predicts held-out
    points better, and its values() map scores back to objective units (the inverse of targets())."""
    rng = np.random.default_rng(4)
    X = np.stack([rng.integers(0, k, 120) for k in CARDS], axis=1)
    y = np.prod(1.0 + 1.5 * X / 5.0, axis=1) * 10.0  # 10 .. 10 * 2.5^4, positive
    plain = GaussianProcess(CARDS, first_maxiter=50).fit(X[:40], y[:40])
    logged = GaussianProcess(CARDS, first_maxiter=50, log_targets=True).fit(X[:40], y[:40])
    z = logged.targets(y[:40])
    assert z.min() == 0.0 and z.max() == 1.0
    assert np.allclose(logged.values(z), y[:40])

    def held_out_error(gp: GaussianProcess) -> float:
        mean, _ = gp.predict(X[40:])
        return float(np.mean(np.abs(gp.values(mean) - y[40:])))

    assert held_out_error(logged) < held_out_error(plain)
    with pytest.raises(ConfigError, match="log_targets needs positive objective values, got a minimum of -1"):
        GaussianProcess(CARDS, log_targets=True).fit(X[:5], np.array([1.0, 2.0, -1.0, 3.0, 4.0]))
