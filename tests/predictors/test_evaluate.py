"""Cross-validation never scores rows a model saw; metrics, summaries, learning curves."""

from __future__ import annotations

import numpy as np
import pytest

from hytnas.runs.local import LocalExecutor
from hytnas.predictors.evaluate import cross_validate, grouped_folds, learning_curve, score, summarize


def test_grouped_folds_partition_and_keep_groups() -> None:
    groups = np.array([0, 0, 1, 2, 3, 3, 3, 4, 5, 6, 7, 8, 9, 9])
    seen = []
    for r, k, train, test in grouped_folds(groups, folds=3, repeats=2, seed=0):
        assert not set(groups[train]) & set(groups[test])
        assert sorted(np.r_[train, test]) == list(range(len(groups)))
        seen.append((r, k, tuple(test)))
    assert len(seen) == 6
    again = [(r, k, tuple(t)) for r, k, _, t in grouped_folds(groups, 3, 2, 0)]
    assert again == seen  # seeded
    other = [(r, k, tuple(t)) for r, k, _, t in grouped_folds(groups, 3, 2, 1)]
    assert other != seen


def test_score() -> None:
    y = np.array([1.0, 2.0, 3.0, 4.0])
    s = score(y * 2, y)
    assert s["kendall_tau"] == pytest.approx(1.0) and s["spearman"] == pytest.approx(1.0)
    assert s["mape"] == pytest.approx(100.0)
    assert s["rmse"] == pytest.approx(np.sqrt(np.mean(y**2)))
    assert score(y[::-1], y)["kendall_tau"] == pytest.approx(-1.0)


def test_cross_validate_scores_held_out_rows_only(released) -> None:
    acc = released["accuracy"]  # keeps the repeated encodings: they must share a fold
    result = cross_validate(acc, ["costsum", "lightgbm"], folds=4, repeats=1, seed=0)
    assert len(result.folds) == 8
    preds = result.predictions
    for model in ("costsum", "lightgbm"):
        rows = preds[preds["model"] == model]["row"]
        assert sorted(rows) == list(range(len(acc)))  # every row scored exactly once per repeat
    keys = np.array(acc.keys)
    for fold in result.folds.itertuples():
        assert fold.n_train + fold.n_test == len(acc)
    # a repeated architecture is never split across train and test
    groups = acc.group_ids()
    for _, _, train, test in grouped_folds(groups, 4, 1, 0):
        assert not set(keys[train]) & set(keys[test])
    summary = summarize(result.folds)
    assert list(summary["model"]) == ["costsum", "lightgbm"]
    assert {"kendall_tau_mean", "kendall_tau_std", "spearman_mean", "rmse_mean", "mape_mean"} <= set(summary.columns)
    assert summary["kendall_tau_mean"].between(0.4, 1.0).all()


def test_learning_curve(released) -> None:
    lat = released["latency"].subset(np.arange(400))
    curve = learning_curve(lat, ["costsum"], [20, 100, 10_000], folds=3, seed=0)
    assert list(curve["train_size"]) == [20, 100, int(round(400 * 2 / 3))]
    assert (curve["folds"] == 3).all()
    assert curve["kendall_tau_mean"].iloc[-1] > 0.5


def test_parallel_workers_give_the_same_result(released) -> None:
    acc = released["accuracy"].subset(np.arange(120))
    one = cross_validate(acc, ["xgboost"], folds=3, repeats=1).folds
    with LocalExecutor(2, 1, quiet=True) as pool:
        two = cross_validate(acc, ["xgboost"], folds=3, repeats=1, executor=pool).folds
    np.testing.assert_allclose(one["kendall_tau"], two["kendall_tau"])
