"""Stage compare_search: HyT-NAS against Random Search, NSGA-II and GP-MOBO (Fig. 4 and 5).

Every strategy of ``search.strategies`` runs ``search.seeds`` times with ``search.budget``
distinct evaluations on each oracle: the pipeline's own predictors over ``sample.space``
and, when ``search.released_dir`` is set, XGBoost predictors fitted on the authors'
released measurements over the ``released`` space. Writes HV curves, fronts, the summary
metrics, the figures, and the HyT-NAS Pareto set that ``train_final`` reads.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from hytnas.cli import run_stage
from hytnas.config import Params, load_params
from hytnas.errors import ConfigError

CHECKPOINTS = (100, 200, 300, 500, 1000)
TARGETS = (0.95, 0.99)


def _released_oracle(params: Params, params_path: Path, models: Path):
    """Fit the released-data predictors (XGBoost, the paper's choice) and describe the oracle."""
    from hytnas.predictors.oracle import PredictorOracle
    from hytnas.predictors.predictor import fit_predictor
    from hytnas.predictors.tables import read_released_dir

    folder = (params_path.resolve().parent / str(params.search.released_dir)).resolve()
    cfg = params.predictors
    tables = read_released_dir(folder, min_rows=cfg.min_rows, duplicates=cfg.duplicates)
    for target, table in tables.items():
        predictor = fit_predictor(table, "xgboost", feature_set=cfg.feature_set, resolution=224, seed=cfg.seed)
        predictor.save(models / "released" / target)
    return PredictorOracle(
        "released", "released", str(models / "released" / "accuracy"), str(models / "released" / "latency")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--predictors", default="models/predictors", help="folder with accuracy/ and latency/")
    parser.add_argument("--models", default="models/search", help="oracles fitted by this stage")
    parser.add_argument("--out", default="reports/search", help="curves, fronts, figures")
    parser.add_argument("--metrics", default="reports/search.json")
    parser.add_argument(
        "--oracles", nargs="+", choices=["pipeline", "released"], default=None,
        help="oracles to search (default: pipeline, and released when search.released_dir is set)",
    )
    args = parser.parse_args()

    params = load_params(args.params)
    cfg = params.search
    if cfg.budget <= cfg.initial and any(s in ("hytnas", "gp-mobo", "qnehvi") for s in cfg.strategies):
        raise ConfigError(
            f"{args.params}: search.budget = {cfg.budget} must exceed search.initial = {cfg.initial} "
            "(the initial design of the BO strategies)"
        )

    from hytnas.io import write_json
    from hytnas.predictors.oracle import PredictorOracle
    from hytnas.search import get_strategy, strategy_options
    from hytnas.search.compare import SearchJob, long_nsga2_front, run_jobs, score, summarize, uniform_bounds
    from hytnas.search.report import write_reports

    for name in cfg.strategies:  # unknown names and bad options fail here, before any work
        get_strategy(name, **strategy_options(name, cfg.model_dump()))

    wanted = args.oracles or ["pipeline", *(["released"] if cfg.released_dir else [])]
    if "released" in wanted and not cfg.released_dir:
        raise ConfigError(f"{args.params}: --oracles released needs search.released_dir (the authors' CSV folder)")
    predictors = Path(args.predictors)
    oracles = []
    if "pipeline" in wanted:
        oracles.append(
            PredictorOracle("pipeline", params.sample.space, str(predictors / "accuracy"), str(predictors / "latency"))
        )
        oracles[0].load()  # a predictor of another space fails here, naming both spaces
    models = Path(args.models)
    models.mkdir(parents=True, exist_ok=True)
    if "released" in wanted:
        oracles.append(_released_oracle(params, Path(args.params), models))
    write_json(models / "oracles.json", {o.name: {"space": o.space, "accuracy": o.accuracy_dir, "latency": o.latency_dir} for o in oracles})

    workers = params.executor.workers if params.executor.kind == "local" else 1
    comparisons = []
    for oracle in oracles:
        start = time.perf_counter()
        jobs = [
            SearchJob(oracle, name, seed, cfg.budget, strategy_options(name, cfg.model_dump()))
            for seed in range(params.seed, params.seed + cfg.seeds)
            for name in cfg.strategies
        ]
        done = 0

        def progress(job: SearchJob, history) -> None:
            nonlocal done
            done += 1
            print(
                f"compare_search: {oracle.name} {job.strategy} seed {job.seed}: {history.n_evals} evaluations "
                f"in {history.wall_time:.1f} s ({done}/{len(jobs)})",
                file=sys.stderr,
            )

        bounds = uniform_bounds(oracle, n=cfg.bounds_sample, seed=params.seed)
        histories = run_jobs(jobs, workers, progress)
        long_front = long_nsga2_front(oracle, cfg.reference_budget, seed=params.seed)
        comparison = score(oracle.name, bounds, histories, extra_fronts=[long_front])
        summary = summarize(comparison, [c for c in CHECKPOINTS if c <= cfg.budget], TARGETS)
        comparisons.append((oracle, comparison, summary, time.perf_counter() - start))
    from hytnas.archs import with_costs
    from hytnas.space import get_space

    def add_costs(space: str, frame):
        return with_costs(get_space(space), frame, params.latency.resolution)

    write_reports(comparisons, params, Path(args.out), Path(args.metrics), add_costs)


if __name__ == "__main__":
    run_stage(main)
