"""Stage fit_predictors: the paper's predictor comparison (Kendall tau) and the search's oracles.

Reads the pipeline's accuracy and latency tables (``predictors.source: pipeline``) or the
authors' released measurements (``source: released``, folder ``predictors.released_dir``,
relative to the params file), cross-validates every predictor of ``predictors.models``,
draws learning curves, and writes the chosen predictor per table, the metrics, the comparison
table and the plot data.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from hytnas.cli import run_stage
from hytnas.config import load_params
from hytnas.errors import ConfigError


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--accuracy", default="data/proxy/accuracy.csv", help="proxy accuracy table (source pipeline)")
    parser.add_argument("--latency", default=None, help="latency table (default data/latency/<latency.device>.csv)")
    parser.add_argument("--models-dir", default="models/predictors")
    parser.add_argument("--metrics", default="reports/predictors.json")
    parser.add_argument("--table", default="reports/predictors.csv")
    parser.add_argument("--plots", default="reports/predictors")
    args = parser.parse_args()

    params = load_params(args.params)
    cfg = params.predictors

    from hytnas.predictors.study import chosen_summary, run_study, write_study
    from hytnas.predictors.tables import read_pipeline_table, read_released_dir

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if cfg.source == "released":
            if not cfg.released_dir:
                raise ConfigError(f"{args.params}: predictors.released_dir must be set when predictors.source is released")
            folder = Path(args.params).resolve().parent / cfg.released_dir
            tables = read_released_dir(folder, min_rows=cfg.min_rows, duplicates=cfg.duplicates)
            resolutions = {"accuracy": 224, "latency": 224}
            source = "released"
        else:
            latency_path = args.latency or f"data/latency/{params.latency.device}.csv"
            space = params.sample.space
            tables = {
                "accuracy": read_pipeline_table(args.accuracy, space, "val_acc", min_rows=cfg.min_rows, duplicates=cfg.duplicates),
                "latency": read_pipeline_table(latency_path, space, "latency_ms", min_rows=cfg.min_rows, duplicates=cfg.duplicates),
            }
            resolutions = {"accuracy": params.proxy.resolution, "latency": params.latency.resolution}
            source = "pipeline"
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)

    workers = params.executor.workers if params.executor.kind == "local" else 1
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
        workers=workers,
        log=lambda line: print(f"fit_predictors: {line}", flush=True),
    )
    write_study(
        study,
        source=source,
        models_dir=args.models_dir,
        metrics_path=args.metrics,
        table_path=args.table,
        plots_dir=args.plots,
    )
    for line in chosen_summary(study):
        print(f"fit_predictors: chosen for {line}")
    print(f"fit_predictors: {study.seconds:.1f} s -> {args.models_dir}, {args.metrics}, {args.table}, {args.plots}/")


if __name__ == "__main__":
    run_stage(main)
