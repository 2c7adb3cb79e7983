"""``hytnas predictors ...``: fit, evaluate and query predictors on one's own measurements.

- ``hytnas predictors fit --space NAME --table FILE --target COLUMN --out DIR``
- ``hytnas predictors eval --space NAME --table FILE --target COLUMN [--models ...]``
- ``hytnas predictors predict DIR --space NAME ARCH_ID...``

Tables are pipeline CSVs (``arch_id``, genome columns, target) or, with ``--space released``,
the authors' headerless files.
"""

from __future__ import annotations

import argparse
import sys
import warnings

from hytnas.predictors.features import FEATURE_SETS
from hytnas.predictors.models import PAPER_MODELS, list_models
from hytnas.predictors.tables import DUPLICATE_POLICIES, MIN_ROWS


def _table_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--space", required=True, help="space the table's architectures belong to")
    parser.add_argument("--table", required=True, help="CSV: arch_id, genome columns, target (or the authors' file)")
    parser.add_argument("--target", required=True, help="target column, e.g. latency_ms or val_acc")
    parser.add_argument("--features", choices=FEATURE_SETS, default="costs", help="predictor inputs (default costs)")
    parser.add_argument("--resolution", type=int, default=224, help="input side for cost features, pixels")
    parser.add_argument("--duplicates", choices=DUPLICATE_POLICIES, default="keep", help="repeated architectures")
    parser.add_argument("--min-rows", type=int, default=MIN_ROWS, help=f"fewest usable rows (default {MIN_ROWS})")
    parser.add_argument("--seed", type=int, default=0)


def add_commands(sub: argparse._SubParsersAction) -> None:
    root = sub.add_parser("predictors", help="fit and compare accuracy/latency predictors")
    actions = root.add_subparsers(dest="predictors_command", metavar="ACTION", required=True)

    fit = actions.add_parser("fit", help="fit one predictor on a table and save it to a folder")
    _table_args(fit)
    fit.add_argument("--model", choices=list_models(), default="xgboost")
    fit.add_argument("--transform", choices=["auto", "log", "none"], default="auto", help="target transform")
    fit.add_argument("--out", required=True, help="folder to write (predictor.json + model file)")
    fit.set_defaults(func=_fit)

    ev = actions.add_parser("eval", help="repeated k-fold cross-validation: Kendall tau, Spearman, RMSE, MAPE")
    _table_args(ev)
    ev.add_argument("--models", default=",".join(PAPER_MODELS), help=f"comma-separated, from {', '.join(list_models())}")
    ev.add_argument("--folds", type=int, default=5)
    ev.add_argument("--repeats", type=int, default=3)
    ev.add_argument("--workers", type=int, default=1, help="parallel single-threaded fits")
    ev.add_argument("--csv", default=None, help="also write the summary table here")
    ev.set_defaults(func=_eval)

    pred = actions.add_parser("predict", help="predict architectures given by arch_id with a saved predictor")
    pred.add_argument("predictor", help="folder written by `hytnas predictors fit`")
    pred.add_argument("--space", required=True)
    pred.add_argument("arch_ids", nargs="+")
    pred.set_defaults(func=_predict)


def _read(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from hytnas.predictors.tables import read_table

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = read_table(args.table, args.space, args.target, min_rows=args.min_rows, duplicates=args.duplicates)
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    return table


def _fit(args: argparse.Namespace) -> None:
    from hytnas.predictors.predictor import fit_predictor

    table = _read(args)
    predictor = fit_predictor(
        table, args.model, feature_set=args.features, resolution=args.resolution, transform=args.transform, seed=args.seed
    )
    folder = predictor.save(args.out)
    print(f"{args.model} on {len(table)} rows of {args.table} ({args.target}, transform {predictor.transform}) -> {folder}")


def _eval(args: argparse.Namespace) -> None:
    from hytnas.errors import DataError
    from hytnas.io import write_csv
    from hytnas.predictors.evaluate import cross_validate, summarize

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in list_models()]
    if unknown:
        raise DataError(f"--models: unknown predictor(s) {', '.join(unknown)}; expected {', '.join(list_models())}")
    table = _read(args)
    from hytnas.runs.local import local_pool

    with local_pool(args.workers) as executor:
        result = cross_validate(
            table, models, folds=args.folds, repeats=args.repeats, seed=args.seed,
            feature_set=args.features, resolution=args.resolution, executor=executor,
        )
    summary = summarize(result.folds)
    print(f"{len(table)} rows, {args.repeats} x {args.folds}-fold cross-validation ({args.target}, {table.unit})")
    print(f"{'model':<10} {'kendall tau':>15} {'spearman':>15} {'rmse':>12} {'mape %':>8}")
    for row in summary.itertuples():
        print(
            f"{row.model:<10} {row.kendall_tau_mean:>7.3f} +- {row.kendall_tau_std:.3f} "
            f"{row.spearman_mean:>7.3f} +- {row.spearman_std:.3f} {row.rmse_mean:>12.4g} {row.mape_mean:>8.2f}"
        )
    if args.csv:
        write_csv(args.csv, summary.round(5))


def _predict(args: argparse.Namespace) -> None:
    import numpy as np

    from hytnas.predictors.predictor import load_predictor
    from hytnas.space import get_space

    predictor = load_predictor(args.predictor)
    space = get_space(args.space)
    genomes = np.array([space.parse_arch_id(a) for a in args.arch_ids], dtype=np.int64)
    for arch_id, value in zip(args.arch_ids, predictor.predict_genomes(space, genomes)):
        print(f"{arch_id}\t{value:.6g}")
