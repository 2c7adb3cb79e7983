"""Stage ``fit_predictors``: the paper's predictor comparison (Kendall tau) and the search's oracles.

Reads the pipeline's accuracy and latency tables (``predictors.source: pipeline``) or the
authors' released measurements (``source: released``, folder ``predictors.released_dir``,
relative to the params file), cross-validates every predictor of ``predictors.models`` (each
fit one task on the executor), draws learning curves, and writes the chosen predictor per
table, the metrics, the comparison table and the plot data.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hytnas.config import Params
from hytnas.errors import ConfigError
from hytnas.predictors.study import StudyResult, chosen_summary, metrics_dict, run_study, write_study
from hytnas.predictors.tables import Table, read_pipeline_table, read_released_dir
from hytnas.runs import Executor, make_executor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FitPredictorsPaths:
    """Where ``fit_predictors`` reads and writes.

    Attributes:
        accuracy: the proxy accuracy table (source ``pipeline``).
        latency: the latency table (source ``pipeline``; ``None``: ``data/latency/<latency.device>.csv``).
        models_dir: the chosen predictors, ``accuracy/`` and ``latency/``.
        metrics: flat metrics JSON.
        table: the comparison table (CSV).
        plots: plot data and figures.
        params_dir: folder that ``predictors.released_dir`` is relative to (the params file's).
    """

    accuracy: Path = Path("data/proxy/accuracy.csv")
    latency: Path | None = None
    models_dir: Path = Path("models/predictors")
    metrics: Path = Path("reports/predictors.json")
    table: Path = Path("reports/predictors.csv")
    plots: Path = Path("reports/predictors")
    params_dir: Path = Path(".")


@dataclass
class FitPredictorsRun:
    """What :func:`run` produced: the study and the metrics written."""

    study: StudyResult
    report: dict[str, Any]


def read_tables(params: Params, paths: FitPredictorsPaths) -> tuple[dict[str, Table], dict[str, int], str]:
    """The tables to compare on, their cost-feature resolutions and the source's name."""
    cfg = params.predictors
    if cfg.source == "released":
        if not cfg.released_dir:
            raise ConfigError("predictors.released_dir must be set when predictors.source is released")
        folder = paths.params_dir.resolve() / cfg.released_dir
        tables = read_released_dir(folder, min_rows=cfg.min_rows, duplicates=cfg.duplicates)
        return tables, {"accuracy": 224, "latency": 224}, "released"
    latency = paths.latency or Path(f"data/latency/{params.latency.device}.csv")
    space = params.sample.space
    tables = {
        "accuracy": read_pipeline_table(paths.accuracy, space, "val_acc", min_rows=cfg.min_rows, duplicates=cfg.duplicates),
        "latency": read_pipeline_table(latency, space, "latency_ms", min_rows=cfg.min_rows, duplicates=cfg.duplicates),
    }
    return tables, {"accuracy": params.proxy.resolution, "latency": params.latency.resolution}, "pipeline"


def run(
    params: Params, paths: FitPredictorsPaths = FitPredictorsPaths(), *, executor: Executor | None = None
) -> FitPredictorsRun:
    """Run stage ``fit_predictors`` (params: ``predictors``, ``sample.space``, ``proxy.resolution``,
    ``latency``, ``executor``).

    Raises:
        ConfigError, DataError: bad input, before any fit.
    """
    cfg = params.predictors
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables, resolutions, source = read_tables(params, paths)
    for warning in caught:
        log.warning("fit_predictors: %s", warning.message)
    own = executor is None
    executor = executor or make_executor(params.executor, threads=1, quiet=True)
    try:
        study = run_study(
            tables,
            cfg.models,
            folds=cfg.folds,
            repeats=cfg.repeats,
            seed=cfg.seed,
            feature_set=cfg.feature_set,
            resolutions=resolutions,
            curve_models=cfg.curve_models,
            curve_sizes=cfg.curve_sizes,
            chosen=cfg.chosen,
            executor=executor,
        )
    finally:
        if own:
            executor.close()
    write_study(
        study, source=source, models_dir=paths.models_dir, metrics_path=paths.metrics, table_path=paths.table,
        plots_dir=paths.plots,
    )
    for line in chosen_summary(study):
        log.info("fit_predictors: chosen for %s", line)
    log.info("fit_predictors: %.1f s -> %s, %s, %s, %s/", study.seconds, paths.models_dir, paths.metrics, paths.table, paths.plots)
    return FitPredictorsRun(study, metrics_dict(study, source))


__all__ = ["FitPredictorsPaths", "FitPredictorsRun", "read_tables", "run"]
