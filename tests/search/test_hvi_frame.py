"""The batch selection's frame (``hvi_on``, ``hvi_space``) and the rankers' bootstrap: the
choices the paper leaves open, made as DGEMO makes them, each one option away."""

from __future__ import annotations

import numpy as np
import pytest

from hytnas.errors import ConfigError
from hytnas.search import get_strategy, hv_curve
from hytnas.search.selection import hvi_greedy_select
from hytnas.search.surrogates import GaussianProcess, RankEnsemble

from search_helpers import FAST_OPTIONS, KnownFront

CARD = np.array([6, 6, 6])


def _data(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 6, size=(n, 3))
    y = (X[:, 0] - 2.0) ** 2 + 3.0 * X[:, 1] + 0.1 * X[:, 2] ** 3
    return X, y


def test_rank_values_invert_the_ranks_of_the_training_points() -> None:
    X, y = _data()
    ensemble = RankEnsemble(CARD, size=2, seed=0).fit(X, y)
    ys = np.sort(y)
    assert np.allclose(ensemble.values(np.linspace(0.0, 1.0, len(y))), ys)
    assert ensemble.values(np.array([0.0]))[0] == ys[0] and ensemble.values(np.array([1.0]))[0] == ys[-1]
    span = ys[-1] - ys[0]
    assert ensemble.values(np.array([-0.5]))[0] == pytest.approx(ys[0] - 0.5 * span)  # better than the best seen
    assert ensemble.values(np.array([1.25]))[0] == pytest.approx(ys[-1] + 0.25 * span)


def test_gp_values_invert_its_targets() -> None:
    X, y = _data(20)
    gp = GaussianProcess(CARD, first_maxiter=20).fit(X, y)
    assert np.allclose(gp.values(gp.targets(y)), y)


def test_bootstrap_spreads_the_members_and_keeps_the_rank_frame() -> None:
    X, y = _data(60)
    plain = RankEnsemble(CARD, size=5, seed=3).fit(X, y)
    resampled = RankEnsemble(CARD, size=5, seed=3, bootstrap=True).fit(X, y)
    again = RankEnsemble(CARD, size=5, seed=3, bootstrap=True).fit(X, y)
    grid = np.array(np.meshgrid(*[range(6)] * 3)).reshape(3, -1).T
    _, std_plain = plain.predict(grid)
    mean_boot, std_boot = resampled.predict(grid)
    assert np.array_equal(mean_boot, again.predict(grid)[0])  # same seed, same resamples
    assert std_boot.mean() > std_plain.mean()
    # ranks stay relative to every evaluated point: the training points still span about [0, 1]
    train_mean, _ = resampled.predict(X)
    assert train_mean.min() < 0.2 and train_mean.max() > 0.8


def test_value_frame_prefers_the_candidate_that_adds_most_objective_volume() -> None:
    # Evaluated front, in values: (0, 10), (1, 1), (10, 0); in ranks the three are evenly
    # spaced, so the gaps between them, and what a candidate adds, differ between the frames.
    F = np.array([[0.0, 10.0], [1.0, 1.0], [10.0, 0.0], [11.0, 11.0]])
    X = np.array([[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]])
    strategy = get_strategy("hytnas", **FAST_OPTIONS["hytnas"], hvi_space="value")
    ensemble = [RankEnsemble(CARD, size=1, seed=j).fit(X, F[:, j]) for j in range(2)]
    Z = np.stack([s.targets(F[:, j]) for j, s in enumerate(ensemble)], axis=1)
    candidates = np.array([[0.49, 0.89], [0.93, 0.36]])  # predicted, in rank space
    scored, front = strategy._selection_frame(ensemble, np.zeros((2, 3), int), candidates, F, Z, None)
    values = np.stack([ensemble[j].values(candidates[:, j]) for j in range(2)], axis=1)
    assert np.allclose(scored, (values - F.min(0)) / (F.max(0) - F.min(0)))
    assert np.allclose(front, (F[:3] - F.min(0)) / (F.max(0) - F.min(0)))
    in_values = hvi_greedy_select(scored, front, 1.1, 1)
    in_ranks = hvi_greedy_select(candidates, Z[:3], 1.1, 1)
    assert [int(i) for i in in_values] == [1] and [int(i) for i in in_ranks] == [0]


@pytest.mark.parametrize(
    "name, options",
    [
        ("hytnas", {"hvi_on": "mean", "hvi_space": "value", "bootstrap": True}),
        ("gp-mobo", {"hvi_on": "mean", "hvi_space": "value"}),
        ("gp-mobo", {"hvi_on": "sample", "hvi_space": "value"}),
        ("hytnas", {"hvi_on": "sample", "hvi_space": "value"}),
    ],
)
def test_dgemo_frame_loop_finds_the_front(name: str, options: dict, zdt: KnownFront) -> None:
    opts = {**FAST_OPTIONS[name], "warm_start": True, "solver_candidates": "final", **options}
    run = lambda seed: get_strategy(name, **opts).run(zdt.problem, budget=50, seed=seed)  # noqa: E731
    history, again = run(0), run(0)
    assert np.array_equal(history.X, again.X)
    assert hv_curve(history, zdt.bounds)[-1] >= 0.98 * zdt.hv


def test_bad_frame_options() -> None:
    with pytest.raises(ConfigError, match="option hvi_on = 'lcb', expected one of ucb, mean, sample"):
        get_strategy("hytnas", hvi_on="lcb")
    with pytest.raises(ConfigError, match="option hvi_space = 'raw', expected one of rank, value"):
        get_strategy("gp-mobo", hvi_space="raw")
    with pytest.raises(ConfigError, match="option bootstrap = 1, expected true or false"):
        get_strategy("hytnas", bootstrap=1)


def test_gp_posterior_draws_are_joint_seeded_and_centred_on_the_mean() -> None:
    X, y = _data(30)
    gp = GaussianProcess(CARD, first_maxiter=50).fit(X, y)
    grid = np.array([[a, b, 2] for a in range(6) for b in range(6)])
    mean, std = gp.predict(grid)
    assert np.array_equal(gp.sample(grid, 3), gp.sample(grid, 3))
    assert not np.array_equal(gp.sample(grid, 3), gp.sample(grid, 4))
    draws = np.stack([gp.sample(grid, s) for s in range(300)])
    assert np.all(np.abs(draws.mean(0) - mean) < 4 * std / np.sqrt(300) + 1e-9)
    assert np.allclose(draws.std(0), std, rtol=0.25, atol=1e-4)
    # one function per draw: neighbours one step apart move together, as the kernel says,
    # where independent draws (the default sample of other surrogates) would not
    a, b = grid[:-1], grid[1:]
    same_row = a[:, 0] == b[:, 0]
    da, db = draws[:, :-1][:, same_row] - mean[:-1][same_row], draws[:, 1:][:, same_row] - mean[1:][same_row]
    correlation = np.mean([np.corrcoef(da[:, k], db[:, k])[0, 1] for k in range(da.shape[1])])
    assert correlation > 0.5


def test_default_sample_is_mean_plus_scaled_noise() -> None:
    X, y = _data(40)
    ensemble = RankEnsemble(CARD, size=3, seed=0).fit(X, y)
    mean, std = ensemble.predict(X[:10])
    noise = np.random.default_rng(7).standard_normal(10)
    assert np.allclose(ensemble.sample(X[:10], 7), mean + std * noise)
