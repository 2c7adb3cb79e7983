"""Honest evaluation of predictors: repeated grouped k-fold cross-validation and learning curves.

Every score is computed on rows that neither the model nor its hyperparameter search saw:
the outer folds split the table by architecture (repeated measurements of one architecture
stay in one fold), and hyperparameters are chosen inside each training fold
(:meth:`hytnas.predictors.models.Regressor.fit`).

Metrics per test fold: Kendall tau (scipy's tau-b), Spearman rho, RMSE (target units) and
MAPE (%), all in the target's own units (after undoing any transform).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
import pandas as pd
from scipy.stats import kendalltau, spearmanr

from hytnas.errors import DataError
from hytnas.predictors.features import FeatureSet
from hytnas.predictors.models import make_model
from hytnas.predictors.predictor import Transform, _forward, _inverse, default_transform
from hytnas.predictors.tables import Table
from hytnas.runs.executor import Executor, map_values
from hytnas.space import get_space

METRICS = ("kendall_tau", "spearman", "rmse", "mape")


def score(pred: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Kendall tau, Spearman rho, RMSE and MAPE (%) of ``(n,)`` predictions against ``(n,)`` truth."""
    pred, y = np.asarray(pred, dtype=np.float64), np.asarray(y, dtype=np.float64)
    tau = kendalltau(pred, y).statistic
    rho = spearmanr(pred, y).statistic
    return {
        "kendall_tau": float(tau) if np.isfinite(tau) else 0.0,
        "spearman": float(rho) if np.isfinite(rho) else 0.0,
        "rmse": float(np.sqrt(np.mean((pred - y) ** 2))),
        "mape": float(np.mean(np.abs(pred - y) / np.maximum(np.abs(y), 1e-12)) * 100.0),
    }


def grouped_folds(
    groups: np.ndarray, folds: int, repeats: int, seed: int
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
    """``(repeat, fold, train_index, test_index)`` of a seeded, repeated grouped k-fold."""
    groups = np.asarray(groups)
    uniq, inverse = np.unique(groups, return_inverse=True)
    if len(uniq) < folds:
        raise DataError(f"{len(uniq)} distinct architectures cannot fill {folds} folds")
    for r in range(repeats):
        order = np.random.default_rng([seed, r]).permutation(len(uniq))
        fold_of_group = np.empty(len(uniq), dtype=np.int64)
        fold_of_group[order] = np.arange(len(uniq)) % folds
        fold = fold_of_group[inverse]
        for k in range(folds):
            yield r, k, np.flatnonzero(fold != k), np.flatnonzero(fold == k)


@dataclass(frozen=True)
class CVResult:
    """Outcome of :func:`cross_validate`.

    Attributes:
        folds: one row per (model, repeat, fold): sizes, metrics, fit seconds, hyperparameters.
        predictions: one row per (model, repeat, test row): ``row``, ``measured``, ``predicted``.
    """

    folds: pd.DataFrame
    predictions: pd.DataFrame


def table_features(table: Table, feature_set: str, resolution: int) -> tuple[np.ndarray, list[str]]:
    """``n x k`` features of a table's rows and their names."""
    features = FeatureSet(space=table.space, kind=feature_set, resolution=resolution)
    return features.from_parts(table.encoding, table.specs), features.names(get_space(table.space))


def _fit_predict(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    names: list[str],
    transform: Transform,
    seed: int,
    n_jobs: int,
) -> tuple[np.ndarray, dict, float]:
    start = time.perf_counter()
    model = make_model(name, seed=seed, n_jobs=n_jobs, feature_names=names)
    model.fit(X[train], _forward(y[train], transform), groups=groups[train])
    pred = _inverse(model.predict(X[test]), transform)
    return pred, model.params_, time.perf_counter() - start


def _fit_predict_task(task: tuple) -> tuple[np.ndarray, dict, float]:
    return _fit_predict(*task)


def _run(tasks: list[tuple], executor: Executor | None) -> list:
    """``_fit_predict(*task)`` for every task, in order: on ``executor`` (one single-threaded
    fit per task), or in this process when it is ``None``."""
    if executor is None or len(tasks) <= 1:
        return [_fit_predict(*task) for task in tasks]
    return map_values(executor, _fit_predict_task, tasks)


def cross_validate(
    table: Table,
    models: Sequence[str],
    *,
    folds: int = 5,
    repeats: int = 3,
    seed: int = 0,
    feature_set: str = "costs",
    resolution: int = 224,
    transform: str = "auto",
    executor: Executor | None = None,
) -> CVResult:
    """Repeated grouped k-fold cross-validation of each predictor in ``models`` on ``table``.

    Fits run single-threaded, one task each on ``executor`` (one OpenMP thread per fit:
    several threads per fit on a busy machine are far slower than one), or in this process.

    Returns:
        :class:`CVResult`; ``folds`` has ``len(models) * folds * repeats`` rows.
    """
    X, names = table_features(table, feature_set, resolution)
    groups = table.group_ids()
    splits = list(grouped_folds(groups, folds, repeats, seed))
    tasks, keys = [], []
    for name in models:
        tf = default_transform(table.target, name) if transform == "auto" else transform
        for r, k, train, test in splits:
            tasks.append((name, X, table.y, groups, train, test, names, tf, seed * 1000 + r * folds + k, 1))
            keys.append((name, r, k, train, test))
    rows, preds = [], []
    for (name, r, k, train, test), (pred, params, seconds) in zip(keys, _run(tasks, executor)):
        rows.append(
            {
                "target": table.target,
                "model": name,
                "repeat": r,
                "fold": k,
                "n_train": len(train),
                "n_test": len(test),
                **score(pred, table.y[test]),
                "fit_seconds": seconds,
                "params": params,
            }
        )
        preds.append(
            pd.DataFrame(
                {
                    "target": table.target,
                    "model": name,
                    "repeat": r,
                    "row": test,
                    "measured": table.y[test],
                    "predicted": pred,
                }
            )
        )
    return CVResult(folds=pd.DataFrame(rows), predictions=pd.concat(preds, ignore_index=True))


def summarize(folds: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation of each metric per (target, model): one row each."""
    grouped = folds.groupby(["target", "model"], sort=False)
    out = grouped[list(METRICS)].agg(["mean", "std"])
    out.columns = [f"{metric}_{stat}" for metric, stat in out.columns]
    out["folds"] = grouped.size()
    out["fit_seconds_mean"] = grouped["fit_seconds"].mean()
    return out.reset_index()


def learning_curve(
    table: Table,
    models: Sequence[str],
    sizes: Sequence[int],
    *,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    feature_set: str = "costs",
    resolution: int = 224,
    transform: str = "auto",
    executor: Executor | None = None,
) -> pd.DataFrame:
    """Kendall tau on held-out folds against training-set size.

    For each outer grouped fold, each size ``s`` in ``sizes`` smaller than the training fold
    (and the full training fold) draws ``s`` training rows at random (seeded), fits, and scores
    the untouched test fold.

    Returns:
        One row per (target, model, train_size): ``kendall_tau_mean``, ``kendall_tau_std``,
        ``spearman_mean``, ``folds``.
    """
    X, names = table_features(table, feature_set, resolution)
    groups = table.group_ids()
    tasks, keys = [], []
    for r, k, train, test in grouped_folds(groups, folds, repeats, seed):
        rng = np.random.default_rng([seed, r, k, 11])
        for size in sorted({int(s) for s in sizes if 5 <= int(s) < len(train)} | {len(train)}):
            sub = train if size == len(train) else np.sort(rng.choice(train, size=size, replace=False))
            for name in models:
                tf = default_transform(table.target, name) if transform == "auto" else transform
                tasks.append((name, X, table.y, groups, sub, test, names, tf, seed * 1000 + r * folds + k, 1))
                keys.append((name, size, size == len(train), test))
    rows = []
    for (name, size, full, test), (pred, _, _) in zip(keys, _run(tasks, executor)):
        rows.append({"target": table.target, "model": name, "train_size": size, "full": full, **score(pred, table.y[test])})
    frame = pd.DataFrame(rows)
    # the full training folds differ by a row or two: report them under their mean size
    full = frame["full"]
    frame.loc[full, "train_size"] = int(round(frame.loc[full, "train_size"].mean()))
    agg = frame.groupby(["target", "model", "train_size"], sort=True).agg(
        kendall_tau_mean=("kendall_tau", "mean"),
        kendall_tau_std=("kendall_tau", "std"),
        spearman_mean=("spearman", "mean"),
        folds=("kendall_tau", "size"),
    )
    return agg.reset_index()
