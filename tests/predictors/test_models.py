"""The zoo: every registered predictor fits, predicts, and survives save/load unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import kendalltau

from hytnas.errors import DataError
from hytnas.predictors.models import inner_splits, list_models, make_model, model_class


def _data(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    X = rng.uniform(1, 10, size=(n, 6))
    y = 3 * X[:, 0] + X[:, 1] * X[:, 2] + rng.normal(0, 0.5, n)
    return X, y, ["a", "b", "c", "op_x", "op_y", "op_z"]


@pytest.mark.parametrize("name", list_models())
def test_fit_predict_save_load(name: str, tmp_path: Path) -> None:
    X, y, names = _data()
    model = make_model(name, seed=1, feature_names=names)
    model.fit(X[:150], y[:150])
    pred = model.predict(X[150:])
    assert pred.shape == (50,)
    if name != "costsum":  # costsum only sees op_* columns, which carry no signal here
        assert kendalltau(pred, y[150:]).statistic > 0.6
    file = model.save(tmp_path)
    again = model_class(name).load(tmp_path, file, model.params_)
    np.testing.assert_allclose(again.predict(X[150:]), pred, rtol=1e-6)


@pytest.mark.parametrize("name", ["xgboost", "mlp2"])
def test_deterministic_from_seed(name: str) -> None:
    X, y, names = _data()
    a = make_model(name, seed=3, feature_names=names).fit(X, y).predict(X)
    b = make_model(name, seed=3, feature_names=names).fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)


def test_hyperparameters_come_from_inner_validation() -> None:
    X, y, names = _data()
    model = make_model("xgboost", feature_names=names).fit(X, y)
    assert model.params_["max_depth"] in (3, 6)
    assert 1 <= model.params_["n_estimators"] <= 500
    assert "inner_tau" in model.params_


def test_costsum_is_non_negative_in_costs() -> None:
    rng = np.random.default_rng(0)
    ops = rng.uniform(0, 1e6, size=(100, 3))
    y = 2e-6 * ops[:, 0] + 5e-6 * ops[:, 2] + 10
    model = make_model("costsum", feature_names=["enc", "op_a", "op_b", "op_c"])
    X = np.c_[rng.normal(size=100), ops]
    model.fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, rtol=1e-6)
    with pytest.raises(DataError, match="op_"):
        make_model("costsum", feature_names=["a", "b", "c", "d"]).fit(X, y)


def test_inner_splits_keep_groups_together() -> None:
    groups = np.repeat(np.arange(50), 2)
    for kfold, n_splits in ((True, 3), (False, 1)):
        splits = inner_splits(100, groups, seed=0, kfold=kfold)
        assert len(splits) == n_splits
        for train, val in splits:
            assert not set(groups[train]) & set(groups[val])
            assert len(train) + len(val) == 100


def test_bad_input() -> None:
    X, y, names = _data()
    with pytest.raises(DataError, match="unknown predictor 'svm'"):
        make_model("svm")
    X[3, 1] = np.nan
    with pytest.raises(DataError, match="NaN"):
        make_model("xgboost").fit(X, y)
