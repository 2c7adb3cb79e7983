"""The strategy comparison of the paper's Fig. 4 and 5: many strategies, many seeds, one oracle.

Every run is an independent job (oracle, strategy, seed) that an executor runs
(:mod:`hytnas.runs`: a local pool or a Dask cluster); the oracle is described by a picklable
factory, so workers build it themselves. Scoring happens
in the driver: fixed bounds per oracle (a large uniform sample), HV curves in that frame,
a reference front pooled from every run plus one long NSGA-II run, and the summary figures
(HV at given evaluation counts, evaluations to reach a fraction of the reference HV).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

import numpy as np

from hytnas.runs.executor import Executor, InlineExecutor, TaskFailed, map_values
from hytnas.runs.outcome import outcome
from hytnas.runs.runner import Job, run_jobs
from hytnas.runs.store import Record, ResultStore
from hytnas.search.hypervolume import REF, Bounds, bounds_from_sample, evaluations_to_reach, front_hv, hv_curve
from hytnas.search.ledger import History
from hytnas.search.operators import first_occurrences
from hytnas.search.pareto import pareto_mask
from hytnas.search.problem import Problem
from hytnas.search.runstore import history_of, history_result, oracle_digest, run_inputs
from hytnas.search.strategies import get_strategy
from hytnas.space import CategoricalSpace

log = logging.getLogger(__name__)


class OracleFactory(Protocol):
    """Picklable description of an oracle; calling it builds ``(space, objective)``."""

    name: str

    def __call__(self) -> tuple[CategoricalSpace, Callable[[np.ndarray], np.ndarray]]: ...


@dataclass(frozen=True)
class SearchJob:
    """One run: ``strategy`` with ``options`` on the oracle ``factory`` for ``budget``
    evaluations; ``label`` names it in the comparison (a ``search.variants`` name; default
    the strategy's)."""

    factory: Any
    strategy: str
    seed: int
    budget: int
    options: dict[str, Any] = field(default_factory=dict)
    label: str = ""


def run_job(job: SearchJob) -> History:
    """Build the oracle, run the strategy, return its history under the job's label (runs
    where the executor puts it)."""
    space, objective = job.factory()
    problem = Problem(space, objective, n_obj=2, names=("error_pct", "latency_ms"))
    history = get_strategy(job.strategy, **job.options).run(problem, job.budget, seed=job.seed)
    return replace(history, strategy=job.label) if job.label and job.label != history.strategy else history


def search_task(job: SearchJob) -> dict[str, Any]:
    """Task function of the job layer: :func:`run_job`, its history as an outcome's result."""
    return outcome(result=history_result(run_job(job)))


def run_searches(
    jobs: Sequence[SearchJob],
    executor: Executor,
    progress: Callable[[SearchJob, History], None] | None = None,
    store: ResultStore | None = None,
) -> list[History]:
    """Histories of ``jobs`` in order, each run as one task on ``executor`` (a local pool, a
    Dask cluster or this process); ``progress(job, history)`` is called as each arrives.

    With a ``store`` (:mod:`hytnas.search.runstore`), the runs are resumable jobs: a run
    stored there is read back instead of run (``progress`` sees it after the runs made now),
    the others are stored as each finishes (a killed comparison keeps the runs it finished).

    Raises:
        TaskFailed: a run raised (the first, with its error on one line).
    """
    jobs = list(jobs)
    if store is None:
        return map_values(
            executor, run_job, jobs, done=None if progress is None else (lambda i, history: progress(jobs[i], history))
        )
    digests: dict[int, str] = {}  # oracle factory -> its digest, computed once

    def keyed_job(job: SearchJob) -> Job:
        if id(job.factory) not in digests:
            digests[id(job.factory)] = oracle_digest(job.factory)
        return Job(f"{job.label or job.strategy} seed {job.seed}", run_inputs(job, digests[id(job.factory)]), job)

    keyed = [keyed_job(job) for job in jobs]

    def unreadable(_: Job, record: Record) -> bool:
        try:
            history_of(record)
        except ValueError as error:
            log.warning("%s: running it again", error)
            return True
        return False

    ran: set[str] = set()

    def arrived(job: Job, record: Record) -> None:
        if not record.ok:
            raise TaskFailed(f"search run {job.arch_id} failed: {record.message}")
        ran.add(job.key)
        if progress is not None:
            progress(job.payload, history_of(record))

    summary = run_jobs(search_task, keyed, store, executor, desc="search runs", progress=False, redo=unreadable, done=arrived)
    log.info("search runs: %d of %d from the store %s", summary.cached, summary.total, store.root)
    by_key = {record.key: record for record in summary.records}
    histories = []
    for job in keyed:
        record = by_key[job.key]
        if not record.ok:
            raise TaskFailed(f"search run {job.arch_id} failed: {record.message}")
        histories.append(history_of(record))
        if progress is not None and job.key not in ran:
            progress(job.payload, histories[-1])
    return histories


@dataclass
class OracleComparison:
    """All runs on one oracle, scored in one frame.

    Attributes:
        oracle: the oracle's name.
        bounds: per-objective normalisation.
        histories: one per (strategy, seed) run.
        reference_front: ``k x m`` non-dominated objective values pooled from every run.
        reference_hv: HV of ``reference_front``.
        curves: ``(strategy, seed) -> (budget,)`` HV after each evaluation (padded).
    """

    oracle: str
    bounds: Bounds
    histories: list[History]
    reference_front: np.ndarray
    reference_hv: float
    curves: dict[tuple[str, int], np.ndarray]


def score(oracle: str, bounds: Bounds, histories: Iterable[History], extra_fronts: Iterable[np.ndarray] = (), ref: float = REF) -> OracleComparison:
    """HV curves of every run and the pooled reference front (runs plus ``extra_fronts``)."""
    histories = list(histories)
    pooled = np.vstack([h.F for h in histories] + [np.asarray(f, dtype=np.float64) for f in extra_fronts])
    front = pooled[pareto_mask(pooled)]
    front = np.unique(front, axis=0)
    curves = {(h.strategy, h.seed): hv_curve(h, bounds, ref, pad_to=h.budget) for h in histories}
    return OracleComparison(oracle, bounds, histories, front, front_hv(front, bounds, ref), curves)


def long_nsga2_front(factory: Any, budget: int, seed: int) -> np.ndarray:
    """``k x m`` front of one long NSGA-II run (part of the reference front)."""
    history = run_searches([SearchJob(factory, "nsga2", seed, budget, {"pop_size": 100})], InlineExecutor())[0]
    return history.F[pareto_mask(history.F)]


def summarize(comparison: OracleComparison, checkpoints: Sequence[int], targets: Sequence[float], baseline: str = "hytnas") -> dict[str, Any]:
    """Per strategy: HV fraction at ``checkpoints`` (mean, std over seeds), evaluations to
    reach each target fraction of the reference HV (median over seeds; not reached counts as
    budget + 1), the ratio of those to ``baseline``'s, and wall time.

    Returns a nested dict ``{strategy: {...}}`` with flat, DVC-friendly leaves.
    """
    out: dict[str, Any] = {}
    strategies = sorted({s for s, _ in comparison.curves})
    ref_hv = comparison.reference_hv
    reach: dict[str, dict[float, float]] = {}
    for strategy in strategies:
        runs = {seed: curve for (s, seed), curve in comparison.curves.items() if s == strategy}
        walls = [h.wall_time for h in comparison.histories if h.strategy == strategy]
        entry: dict[str, Any] = {"seeds": len(runs), "wall_s_mean": float(np.mean(walls))}
        for n in checkpoints:
            values = [c[min(n, len(c)) - 1] / ref_hv for c in runs.values() if len(c) >= 1]
            if all(len(c) >= n for c in runs.values()):
                entry[f"hv_at_{n}_mean"] = float(np.mean(values))
                entry[f"hv_at_{n}_std"] = float(np.std(values))
        reach[strategy] = {}
        for target in targets:
            evals = [evaluations_to_reach(c, target * ref_hv, budget=len(c)) for c in runs.values()]
            median = float(np.median(evals))
            reach[strategy][target] = median
            budget = max(len(c) for c in runs.values())
            entry[f"evals_to_{round(target * 100)}pct_median"] = median
            entry[f"reached_{round(target * 100)}pct_runs"] = int(sum(e <= budget for e in evals))
        out[strategy] = entry
    if baseline in reach:
        for strategy in strategies:
            for target in targets:
                ratio = reach[strategy][target] / reach[baseline][target]
                out[strategy][f"evals_ratio_to_{baseline}_{round(target * 100)}pct"] = float(ratio)
    add_nsga2_ratios(out)
    return out


RATIO_KEY = "nsga2_ratio_95pct"
"""Summary key: NSGA-II's median evaluations to 95% of the reference HV over the strategy's."""

BOUND_KEY = "nsga2_ratio_95pct_bound"
"""Summary key: what :data:`RATIO_KEY` is, ``exact``, ``at most``, ``at least`` or ``unmeasured``."""


def nsga2_ratios(entry: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The paper's claim figure for every strategy of one oracle's summary but NSGA-II.

    ``entry`` maps strategy -> summary (``seeds``, ``evals_to_95pct_median``,
    ``reached_95pct_runs``); other values are skipped. A median is a real count only when
    more than half the runs reached 95%; otherwise it rests on runs counted as the budget
    plus one and is only a bound. So the ratio NSGA-II / strategy is ``exact`` when both
    medians are real, ``at most`` when only NSGA-II's is, ``at least`` when only the
    strategy's is, and ``unmeasured`` (value None) when neither is.

    Returns ``{strategy: {RATIO_KEY: float | None, BOUND_KEY: str}}``; empty when the entry
    has no NSGA-II.
    """

    def real(stats: Mapping[str, Any]) -> bool:
        return 2 * int(stats.get("reached_95pct_runs") or 0) > int(stats.get("seeds") or 0)

    nsga2 = entry.get("nsga2")
    if not isinstance(nsga2, Mapping) or not nsga2.get("evals_to_95pct_median"):
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name, stats in entry.items():
        if name == "nsga2" or not isinstance(stats, Mapping) or not stats.get("evals_to_95pct_median"):
            continue
        bound = {(True, True): "exact", (True, False): "at most", (False, True): "at least"}.get((real(nsga2), real(stats)), "unmeasured")
        ratio = None if bound == "unmeasured" else round(float(nsga2["evals_to_95pct_median"]) / float(stats["evals_to_95pct_median"]), 4)
        out[name] = {RATIO_KEY: ratio, BOUND_KEY: bound}
    return out


def add_nsga2_ratios(entry: dict[str, Any]) -> None:
    """Merge :func:`nsga2_ratios` into the strategies' summaries of ``entry`` (in place)."""
    for name, figures in nsga2_ratios(entry).items():
        entry[name].update(figures)


def pooled_front(histories: Iterable[History]) -> tuple[np.ndarray, np.ndarray]:
    """``(X, F)``: distinct non-dominated evaluations pooled over ``histories`` (``k x d``, ``k x m``)."""
    histories = list(histories)
    X = np.vstack([h.X for h in histories])
    F = np.vstack([h.F for h in histories])
    first = first_occurrences(X)
    X, F = X[first], F[first]
    mask = pareto_mask(F)
    order = np.argsort(F[mask][:, 1], kind="stable")
    return X[mask][order], F[mask][order]


def uniform_bounds(factory: Any, n: int, seed: int) -> Bounds:
    """Fixed normalisation of an oracle from ``n`` uniform genomes."""
    space, objective = factory()
    return bounds_from_sample(objective, space, n=n, seed=seed)


__all__ = [
    "BOUND_KEY",
    "OracleComparison",
    "RATIO_KEY",
    "SearchJob",
    "add_nsga2_ratios",
    "long_nsga2_front",
    "nsga2_ratios",
    "pooled_front",
    "run_job",
    "run_searches",
    "search_task",
    "score",
    "summarize",
    "uniform_bounds",
]
