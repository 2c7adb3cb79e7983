"""The predictor comparison of the paper, run end to end on a set of measurement tables.

:func:`run_study` cross-validates every predictor on every table, draws learning curves, picks
a predictor per table and fits it on all rows; :func:`write_study` writes the outputs the
``fit_predictors`` stage declares:

- ``<models_dir>/<name>/``: the chosen predictor per table (``predictor.json`` + model file);
- ``<metrics>`` (JSON): ``{<name>: {<model>: {kendall_tau, kendall_tau_std, spearman, ...}}}``;
- ``<table>`` (CSV): one row per (table, model), means and standard deviations;
- ``<plots_dir>/scatter/<name>_<model>.csv``: ``measured``, ``predicted`` (out of fold, first
  repeat) per table and model; ``<plots_dir>/learning_curve/<name>_<model>.csv``:
  ``train_size``, ``kendall_tau`` (mean over held-out folds), ``kendall_tau_std``; one file per
  table and model, so a DVC plot over each folder follows ``predictors.models``;
- ``<plots_dir>/scatter.png`` and ``<plots_dir>/learning_curve.png``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pandas as pd

from hytnas.errors import DataError
from hytnas.io import atomic_open, write_csv, write_json
from hytnas.predictors.evaluate import CVResult, cross_validate, learning_curve, summarize
from hytnas.predictors.predictor import Predictor, fit_predictor
from hytnas.predictors.tables import Table
from hytnas.runs.executor import Executor

log = logging.getLogger(__name__)


@dataclass
class StudyResult:
    """Everything :func:`run_study` measured.

    Attributes:
        summary: one row per (table name, model): metric means and standard deviations.
        cv: per table name, the cross-validation folds and predictions.
        curves: per table name, the learning curve (rows: model, train_size).
        predictors: per table name, the chosen predictor fitted on all rows.
        chosen: per table name, the chosen model's name.
        rows: per table name, rows used.
        seconds: wall time of the whole study.
    """

    summary: pd.DataFrame
    cv: dict[str, CVResult]
    curves: dict[str, pd.DataFrame]
    predictors: dict[str, Predictor]
    chosen: dict[str, str]
    rows: dict[str, int]
    seconds: float = 0.0
    notes: dict[str, str] = field(default_factory=dict)


def run_study(
    tables: dict[str, Table],
    models: Sequence[str],
    *,
    folds: int = 5,
    repeats: int = 3,
    seed: int = 0,
    feature_set: str = "costs",
    resolutions: dict[str, int] | None = None,
    curve_models: Sequence[str] = ("xgboost",),
    curve_sizes: Sequence[int] = (25, 50, 100, 200, 500, 1000),
    chosen: str = "best",
    executor: Executor | None = None,
) -> StudyResult:
    """Cross-validate ``models`` on each table, draw learning curves, fit the chosen predictors.

    Args:
        tables: measurement tables by name (``accuracy``, ``latency``).
        models: zoo names to compare.
        folds, repeats, seed: the outer repeated grouped k-fold.
        feature_set: ``encoding``, ``costs`` or ``builder``.
        resolutions: per table name, the input side for cost features (default 224).
        curve_models: models whose learning curve is drawn (those not in ``models`` skipped).
        curve_sizes: training-set sizes of the learning curves.
        chosen: ``best`` (highest mean Kendall tau per table) or a model name.
        executor: where the single-threaded fits run (default: this process).
    """
    if not models:
        raise DataError("no predictors to compare (predictors.models is empty)")
    if chosen != "best" and chosen not in models:
        raise DataError(f"chosen predictor {chosen!r} is not among the compared models {', '.join(models)}")
    start = time.perf_counter()
    resolutions = resolutions or {}
    summaries, cvs, curves, fitted, picks = [], {}, {}, {}, {}
    for name, table in tables.items():
        resolution = int(resolutions.get(name, 224))
        t0 = time.perf_counter()
        result = cross_validate(
            table, models, folds=folds, repeats=repeats, seed=seed, feature_set=feature_set,
            resolution=resolution, executor=executor,
        )
        summary = summarize(result.folds)
        summary.insert(0, "table", name)
        summary.insert(3, "rows", len(table))
        summaries.append(summary)
        cvs[name] = result
        for row in summary.itertuples():
            log.info("fit_predictors: %s %s: Kendall tau %.3f +- %.3f", name, row.model, row.kendall_tau_mean, row.kendall_tau_std)
        log.info(
            "fit_predictors: %s: cross-validation of %d predictors on %d rows in %.1f s",
            name, len(models), len(table), time.perf_counter() - t0,
        )
        in_curve = [m for m in curve_models if m in models]
        if in_curve and curve_sizes:
            curves[name] = learning_curve(
                table, in_curve, curve_sizes, folds=folds, repeats=1, seed=seed,
                feature_set=feature_set, resolution=resolution, executor=executor,
            )
        pick = str(summary.loc[summary["kendall_tau_mean"].idxmax(), "model"]) if chosen == "best" else chosen
        picks[name] = pick
        fitted[name] = fit_predictor(table, pick, feature_set=feature_set, resolution=resolution, seed=seed)
        fitted[name].info["cv_kendall_tau"] = float(summary.set_index("model").loc[pick, "kendall_tau_mean"])
    return StudyResult(
        summary=pd.concat(summaries, ignore_index=True),
        cv=cvs,
        curves=curves,
        predictors=fitted,
        chosen=picks,
        rows={k: len(t) for k, t in tables.items()},
        seconds=time.perf_counter() - start,
    )


def metrics_dict(study: StudyResult, source: str) -> dict:
    """The DVC metrics: per table and model the mean metrics (and tau's std), rounded."""
    out: dict = {"source": source}
    for name in study.rows:
        part: dict = {"rows": study.rows[name]}
        for row in study.summary[study.summary["table"] == name].itertuples():
            part[row.model] = {
                "kendall_tau": round(row.kendall_tau_mean, 4),
                "kendall_tau_std": round(row.kendall_tau_std, 4),
                "spearman": round(row.spearman_mean, 4),
                "rmse": round(row.rmse_mean, 4),
                "mape": round(row.mape_mean, 4),
            }
        part["chosen"] = study.chosen[name]
        part["chosen_kendall_tau"] = part[study.chosen[name]]["kendall_tau"]
        out[name] = part
    out["seconds"] = round(study.seconds, 1)
    return out


def scatter_frame(result: CVResult) -> pd.DataFrame:
    """Wide out-of-fold predictions of the first repeat: ``row``, ``measured``, one column per model."""
    first = result.predictions[result.predictions["repeat"] == 0]
    wide = first.pivot_table(index="row", columns="model", values="predicted", sort=False)
    measured = first.drop_duplicates("row").set_index("row")["measured"]
    out = pd.concat([measured, wide], axis=1).sort_index().reset_index()
    models = list(dict.fromkeys(first["model"]))
    return out[["row", "measured", *models]]


def write_study(
    study: StudyResult,
    *,
    source: str,
    models_dir: str | Path,
    metrics_path: str | Path,
    table_path: str | Path,
    plots_dir: str | Path,
) -> None:
    """Write predictors, metrics, comparison table, plot CSVs and PNG figures (atomically)."""
    plots_dir = Path(plots_dir)
    for name, predictor in study.predictors.items():
        predictor.save(Path(models_dir) / name)
    table = study.summary.copy()
    write_csv(table_path, table.round(5))
    for folder in (plots_dir / "scatter", plots_dir / "learning_curve"):
        if folder.is_dir():  # a model dropped from predictors.models leaves no stale file
            for old in folder.glob("*.csv"):
                old.unlink()
    for name, result in study.cv.items():
        wide = scatter_frame(result)
        for model in wide.columns[2:]:
            frame = pd.DataFrame({"measured": wide["measured"], "predicted": wide[model]})
            write_csv(plots_dir / "scatter" / f"{name}_{model}.csv", frame.round(5))
    for name, curve in study.curves.items():
        for model, part in curve.groupby("model", sort=False):
            frame = part[["train_size", "kendall_tau_mean", "kendall_tau_std"]].rename(
                columns={"kendall_tau_mean": "kendall_tau"}
            )
            write_csv(plots_dir / "learning_curve" / f"{name}_{model}.csv", frame.round(5))
    _figures(study, plots_dir)
    write_json(metrics_path, metrics_dict(study, source))


def _figures(study: StudyResult, plots_dir: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(study.cv)
    models = list(dict.fromkeys(study.summary["model"]))
    fig, axes = plt.subplots(len(names), len(models), figsize=(3.2 * len(models), 3.2 * len(names)), squeeze=False)
    for i, name in enumerate(names):
        frame = scatter_frame(study.cv[name])
        taus = study.summary[study.summary["table"] == name].set_index("model")["kendall_tau_mean"]
        lo, hi = frame["measured"].min(), frame["measured"].max()
        for j, model in enumerate(models):
            ax = axes[i][j]
            ax.scatter(frame["measured"], frame[model], s=4, alpha=0.5)
            ax.plot([lo, hi], [lo, hi], color="k", lw=0.8)
            ax.set_title(f"{name}: {model} (tau {taus[model]:.2f})", fontsize=9)
            ax.set_xlabel("measured", fontsize=8)
            ax.set_ylabel("predicted (out of fold)", fontsize=8)
    fig.tight_layout()
    _save(fig, plots_dir / "scatter.png")
    plt.close(fig)
    if study.curves:
        fig, axes = plt.subplots(1, len(study.curves), figsize=(4.5 * len(study.curves), 3.5), squeeze=False)
        for ax, (name, curve) in zip(axes[0], study.curves.items()):
            for model, part in curve.groupby("model", sort=False):
                ax.errorbar(part["train_size"], part["kendall_tau_mean"], yerr=part["kendall_tau_std"], label=model, capsize=2)
            ax.set_xscale("log")
            sizes = sorted(curve["train_size"].unique())
            ax.set_xticks(sizes, [str(int(x)) for x in sizes], fontsize=7)
            ax.minorticks_off()
            ax.set_xlabel("training rows")
            ax.set_ylabel("Kendall tau (held-out folds)")
            ax.set_title(name)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
        fig.tight_layout()
        _save(fig, plots_dir / "learning_curve.png")
        plt.close(fig)


def _save(fig, path: Path) -> None:  # type: ignore[no-untyped-def]
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png", dpi=110)


def chosen_summary(study: StudyResult) -> list[str]:
    """One line per table: the chosen predictor and its cross-validated Kendall tau."""
    lines = []
    for name, pick in study.chosen.items():
        row = study.summary[(study.summary["table"] == name) & (study.summary["model"] == pick)].iloc[0]
        lines.append(f"{name}: {pick}, Kendall tau {row.kendall_tau_mean:.3f} +- {row.kendall_tau_std:.3f} on {study.rows[name]} rows")
    return lines


__all__ = ["StudyResult", "chosen_summary", "metrics_dict", "run_study", "write_study"]
