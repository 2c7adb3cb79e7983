"""Stage ``compare_search``: HyT-NAS against Random Search, NSGA-II and GP-MOBO (Fig. 4 and 5).

Every strategy of ``search.strategies`` runs ``search.seeds`` times with ``search.budget``
distinct evaluations on each oracle: the pipeline's own predictors over ``sample.space``
and, when ``search.released_dir`` is set, XGBoost predictors fitted on the authors'
released measurements over the ``released`` space. Every run is one task on the executor
(``executor``: a local pool or a Dask cluster). Writes HV curves, fronts, the summary
metrics, the figures, and the HyT-NAS Pareto set that ``train_final`` reads.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from hytnas.archs import with_costs
from hytnas.config import Params
from hytnas.errors import ConfigError
from hytnas.io import write_json
from hytnas.predictors.oracle import PredictorOracle
from hytnas.runs import Executor, ResultStore, make_executor
from hytnas.search import get_strategy, resolve_entry
from hytnas.search.compare import SearchJob, run_searches
from hytnas.search.hypervolume import Bounds
from hytnas.search.ledger import History
from hytnas.search.report import write_reports
from hytnas.search.scoring import (
    OracleComparison,
    add_nsga2_ratios,
    long_nsga2_front,
    reach_past_budget,
    score,
    summarize,
    uniform_bounds,
)
from hytnas.space import get_space

log = logging.getLogger(__name__)

CHECKPOINTS = (100, 200, 300, 500, 1000)
"""Evaluation counts at which the HV fraction is reported (those within the budget)."""
TARGETS = (0.95, 0.99)
"""Fractions of the reference HV whose evaluations-to-reach are reported."""
ORACLES = ("pipeline", "released")


@dataclass(frozen=True)
class CompareSearchPaths:
    """Where ``compare_search`` reads and writes.

    Attributes:
        predictors: folder with the pipeline's ``accuracy/`` and ``latency/`` predictors.
        models: oracles fitted by this stage (the released-data predictors).
        out: curves, fronts, figures and ``pareto_hytnas.csv``.
        metrics: the summary metrics JSON.
        params_dir: folder that relative folders in the params (``search.released_dir``)
            are relative to: the params file's.
    """

    predictors: Path = Path("models/predictors")
    models: Path = Path("models/search")
    out: Path = Path("reports/search")
    metrics: Path = Path("reports/search.json")
    params_dir: Path = Path(".")


@dataclass
class CompareSearchRun:
    """What :func:`run` produced: per oracle its scored comparison, and the metrics written."""

    comparisons: list[tuple[PredictorOracle, OracleComparison, dict[str, Any], float]]
    report: dict[str, Any]


def check_search(params: Params) -> None:
    """Bad search params, before any work: an unknown strategy, a bad option, or a budget that
    leaves nothing after the BO strategies' initial design."""
    cfg = params.search
    search = cfg.model_dump()
    for label in cfg.strategies:
        base, options = resolve_entry(label, search)
        strategy = get_strategy(base, **options)
        initial = int(strategy.options.get("initial", 0) or 0)
        if cfg.budget <= initial:
            raise ConfigError(
                f"search.budget = {cfg.budget} must exceed the initial design of {label} ({initial} architectures)"
            )


def pipeline_oracle(params: Params, predictors: Path) -> PredictorOracle:
    """The pipeline's oracle: its predictors (``predictors/accuracy``, ``/latency``) over ``sample.space``."""
    return PredictorOracle("pipeline", params.sample.space, str(predictors / "accuracy"), str(predictors / "latency"))


def released_oracle(params: Params, folder: Path, models: Path) -> PredictorOracle:
    """Fit the released-data predictors (XGBoost, the paper's choice) into ``models/released``
    and describe the oracle."""
    from hytnas.predictors.predictor import fit_predictor
    from hytnas.predictors.tables import read_released_dir

    cfg = params.predictors
    tables = read_released_dir(folder, min_rows=cfg.min_rows, duplicates=cfg.duplicates)
    for target, table in tables.items():
        predictor = fit_predictor(table, "xgboost", feature_set=cfg.feature_set, resolution=224, seed=cfg.seed)
        predictor.save(models / "released" / target)
    return PredictorOracle("released", "released", str(models / "released" / "accuracy"), str(models / "released" / "latency"))


def run(
    params: Params,
    paths: CompareSearchPaths = CompareSearchPaths(),
    *,
    oracles: Sequence[str] | None = None,
    executor: Executor | None = None,
    store: Path | None = None,
) -> CompareSearchRun:
    """Run stage ``compare_search``.

    Args:
        params: validated params (``seed``, ``sample.space``, ``search``, ``predictors``,
            ``latency.resolution``, ``executor``).
        paths: where to read and write.
        oracles: names among :data:`ORACLES` (default: pipeline, and released when
            ``search.released_dir`` is set).
        executor: where the runs go (default: from ``params.executor``, 1 thread per run;
            closed afterwards).
        store: a folder of finished runs (:mod:`hytnas.search.runstore`): runs stored there
            are read back, the others run and are stored as each finishes.

    Raises:
        ConfigError, DataError: bad input, before any search runs.
    """
    cfg = params.search
    check_search(params)
    wanted = list(oracles or ["pipeline", *(["released"] if cfg.released_dir else [])])
    unknown = [name for name in wanted if name not in ORACLES]
    if unknown:
        raise ConfigError(f"oracles: unknown {', '.join(unknown)}; expected {', '.join(ORACLES)}")
    if "released" in wanted and not cfg.released_dir:
        raise ConfigError("--oracles released needs search.released_dir (the authors' CSV folder)")
    chosen: list[PredictorOracle] = []
    if "pipeline" in wanted:
        pipeline = pipeline_oracle(params, paths.predictors)
        pipeline.load()  # a predictor of another space fails here, naming both spaces
        chosen.append(pipeline)
    paths.models.mkdir(parents=True, exist_ok=True)
    if "released" in wanted:
        folder = (paths.params_dir.resolve() / str(cfg.released_dir)).resolve()
        chosen.append(released_oracle(params, folder, paths.models))
    write_json(
        paths.models / "oracles.json",
        {o.name: {"space": o.space, "accuracy": o.accuracy_dir, "latency": o.latency_dir} for o in chosen},
    )

    own = executor is None
    executor = executor or make_executor(params.executor, threads=1, quiet=True)
    comparisons = []
    try:
        for oracle in chosen:
            comparisons.append(_compare(params, oracle, executor, None if store is None else ResultStore(store)))
    finally:
        if own:
            executor.close()

    def add_costs(space: str, frame: pd.DataFrame) -> pd.DataFrame:
        return with_costs(get_space(space), frame, params.latency.resolution)

    report = write_reports(comparisons, params, paths.out, paths.metrics, add_costs)
    return CompareSearchRun(comparisons, report)


def _compare(
    params: Params, oracle: PredictorOracle, executor: Executor, store: ResultStore | None
) -> tuple[PredictorOracle, OracleComparison, dict[str, Any], float]:
    """Every strategy and seed on one oracle, scored in one frame."""
    cfg = params.search
    start = time.perf_counter()
    search = cfg.model_dump()
    entries = {label: resolve_entry(label, search) for label in cfg.strategies}
    jobs = [
        SearchJob(oracle, entries[label][0], seed, cfg.budget, entries[label][1], label=label)
        for seed in range(params.seed, params.seed + cfg.seeds)
        for label in cfg.strategies
    ]
    done = 0

    def progress(job: SearchJob, history: History) -> None:
        nonlocal done
        done += 1
        log.info(
            "compare_search: %s %s seed %d: %d evaluations in %.1f s (%d/%d)",
            oracle.name, job.label or job.strategy, job.seed, history.n_evals, history.wall_time, done, len(jobs),
        )

    bounds = uniform_bounds(oracle, n=cfg.bounds_sample, seed=params.seed)
    histories = run_searches(jobs, executor, progress, store)
    long_front = long_nsga2_front(oracle, cfg.reference_budget, seed=params.seed)
    comparison = score(oracle.name, bounds, histories, extra_fronts=[long_front])
    summary = summarize(comparison, [c for c in CHECKPOINTS if c <= cfg.budget], TARGETS)
    return oracle, comparison, summary, time.perf_counter() - start


def continue_nsga2(params: Params, oracle: Any, bounds: Bounds, reference_hv: float, entry: dict[str, Any], budget: int) -> None:
    """NSGA-II's runs of one oracle's comparison (``params``' seeds) continued to ``budget``
    evaluations and scored in its frame (``bounds``, ``reference_hv``;
    :func:`~hytnas.search.scoring.reach_past_budget`), into NSGA-II's summary in the oracle's
    ``entry``; the ratios are computed again (in place).

    Raises:
        ValueError: NSGA-II is not in ``entry``, or ``budget`` is not past the comparison's.
    """
    if "nsga2" not in entry:
        raise ValueError("NSGA-II's runs cannot be continued: it is not among the strategies")
    if budget <= params.search.budget:
        raise ValueError(f"NSGA-II's runs continued to {budget}: expected more than the budget, {params.search.budget}")
    _, options = resolve_entry("nsga2", params.search.model_dump())
    seeds = range(params.seed, params.seed + params.search.seeds)
    entry["nsga2"].update(reach_past_budget(oracle, "nsga2", options, seeds, budget, bounds, reference_hv, TARGETS))
    add_nsga2_ratios(entry)


def continue_nsga2_runs(params: Params, stage: CompareSearchRun, budget: int) -> None:
    """:func:`continue_nsga2` for every oracle of a stage run, into its ``report``."""
    for oracle, comparison, _, _ in stage.comparisons:
        continue_nsga2(params, oracle, comparison.bounds, comparison.reference_hv, stage.report[oracle.name], budget)


__all__ = [
    "CHECKPOINTS",
    "CompareSearchPaths",
    "CompareSearchRun",
    "TARGETS",
    "check_search",
    "continue_nsga2",
    "continue_nsga2_runs",
    "pipeline_oracle",
    "released_oracle",
    "run",
]
