"""The runs of the strategy comparison (the paper's Fig. 4 and 5): many strategies, many
seeds, one oracle.

Every run is an independent job (oracle, strategy, seed) that an executor runs
(:mod:`hytnas.runs`: a local pool or a Dask cluster), or, with a store, a resumable job of
the job layer (:mod:`hytnas.search.runstore`); the oracle is described by a picklable
factory, so workers build it themselves. :mod:`hytnas.search.scoring` scores the histories.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Protocol, Sequence

import numpy as np

from hytnas.runs.executor import Executor, TaskFailed, map_values
from hytnas.runs.outcome import outcome
from hytnas.runs.runner import Job, run_jobs, unique_jobs
from hytnas.runs.store import Record, ResultStore
from hytnas.search.ledger import History
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

    decoded: dict[str, History] = {}  # key -> history, each record decoded once
    ran: set[str] = set()

    def unreadable(job: Job, record: Record) -> bool:
        if record.ok:
            try:
                decoded[job.key] = history_of(record)
            except ValueError as error:
                log.warning("%s: running it again", error)
                return True
        return False

    def arrived(job: Job, record: Record) -> None:
        if not record.ok:
            raise TaskFailed(f"search run {job.arch_id} failed: {record.message}")
        ran.add(job.key)
        decoded[job.key] = history_of(record)
        if progress is not None:
            progress(job.payload, decoded[job.key])

    summary = run_jobs(search_task, keyed, store, executor, desc="search runs", progress=False, redo=unreadable, done=arrived)
    log.info("search runs: %d of %d from the store %s", summary.cached, summary.total, store.root)
    for job, record in zip(unique_jobs(keyed), summary.records):
        if not record.ok:
            raise TaskFailed(f"search run {job.arch_id} failed: {record.message}")
        if progress is not None and job.key not in ran:
            progress(job.payload, decoded[job.key])
    return [decoded[job.key] for job in keyed]


__all__ = ["OracleFactory", "SearchJob", "run_job", "run_searches", "search_task"]
