"""Resumable runs of many per-network jobs: skip what is stored, run the rest, store each.

:func:`run_jobs` is the loop of every stage that trains or times networks. It looks up
every job's key in a :class:`~hytnas.runs.store.ResultStore`, sends the missing ones to an
:class:`~hytnas.runs.executor.Executor`, and stores each outcome the moment it comes back, so a
run killed at any point loses only the jobs in flight, and a rerun does only what is
missing. A progress bar (quiet when stderr is not a terminal) shows jobs done, rate and ETA.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from tqdm import tqdm

from hytnas.runs.executor import Executor, Task
from hytnas.runs.outcome import TaskFn
from hytnas.runs.store import Record, ResultStore, make_key


RETRY_STATUSES = frozenset({"worker_died", "out_of_memory"})
"""Failures that depend on circumstances (a crash, memory taken by other jobs) rather than on
the architecture: recorded, shown in the table, but run again by the next run."""

Redo = Callable[["Job", Record], bool]
"""A stage's own rule for a stored record that must run again (e.g. its weights file is gone)."""


@dataclass(frozen=True)
class Job:
    """One architecture to train or measure.

    Attributes:
        arch_id: the architecture.
        inputs: everything that determines the result (hashed into ``key``); plain JSON.
        payload: the task function's argument (picklable); may hold more than ``inputs``
            (e.g. a data path whose content digest is in ``inputs``).
        cost: scheduling hint (e.g. MACs); larger jobs start first.
    """

    arch_id: str
    inputs: Mapping[str, Any]
    payload: Any
    cost: float = 0.0
    key: str = field(default="", init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", make_key(self.inputs))


@dataclass
class RunSummary:
    """What one :func:`run_jobs` call did.

    Attributes:
        total: distinct jobs asked for.
        cached: jobs answered from the store.
        ran: jobs run now.
        redone: of ``ran``, jobs whose stored record was run again (a transient failure, or
            the stage's ``redo`` rule).
        failed: jobs (cached or run) whose record is not ``ok``.
        seconds: wall time of the run, s.
        records: the record of every job, in the order of the jobs given.
    """

    total: int = 0
    cached: int = 0
    ran: int = 0
    redone: int = 0
    failed: int = 0
    seconds: float = 0.0
    records: list[Record] = field(default_factory=list)

    @property
    def per_minute(self) -> float | None:
        """Jobs run per minute of wall time (cached ones excluded); ``None`` when none ran."""
        return 60.0 * self.ran / self.seconds if self.seconds > 0 and self.ran else None

    def report(self, ran_as: str) -> dict[str, Any]:
        """The run's figures for a stage's metrics: ``ran_as`` (jobs run), ``from_store``,
        ``seconds`` and ``archs_per_minute`` (``None`` when nothing ran)."""
        rate = self.per_minute
        return {
            ran_as: self.ran,
            "from_store": self.cached,
            "seconds": round(self.seconds, 2),
            "archs_per_minute": None if rate is None else round(rate, 2),
        }

    def line(self, name: str) -> str:
        """One summary line for the log."""
        rate = f", {self.per_minute:.1f}/min" if self.per_minute is not None else ""
        redone = f" ({self.redone} of them again)" if self.redone else ""
        failed = f", {self.failed} failed" if self.failed else ""
        return (
            f"{name}: {self.total} architectures: {self.cached} from the store, {self.ran} run{redone} "
            f"in {self.seconds:.1f} s{rate}{failed}"
        )


def unique_jobs(jobs: Iterable[Job]) -> list[Job]:
    """Jobs with distinct keys, first occurrence kept."""
    seen: dict[str, Job] = {}
    for job in jobs:
        seen.setdefault(job.key, job)
    return list(seen.values())


def run_jobs(
    fn: TaskFn,
    jobs: Sequence[Job],
    store: ResultStore,
    executor: Executor,
    *,
    desc: str = "jobs",
    progress: bool | None = None,
    redo: Redo | None = None,
    done: Callable[[Job, Record], None] | None = None,
) -> RunSummary:
    """Run the jobs whose result is not in ``store`` yet, whose stored failure is one of
    :data:`RETRY_STATUSES`, or whose stored record ``redo`` rejects; return every job's record.

    Args:
        fn: task function (top-level, picklable) mapping a job's payload to an outcome
            (:func:`hytnas.runs.outcome.outcome`).
        jobs: the jobs; duplicates (same key) run once.
        store: where records are looked up and written (by this process only).
        executor: where the missing jobs run.
        desc: progress bar label.
        progress: show a bar (``None``: only when stderr is a terminal).
        redo: the stage's extra rule for stored records to run again; a redone record is
            replaced only when its new outcome comes back.
        done: called in the driver with each job run now and its record, once stored.
    """
    start = time.perf_counter()
    store.remove_temporaries()
    jobs = unique_jobs(jobs)
    records: dict[str, Record] = {}
    todo: list[Job] = []
    redone = 0
    for job in jobs:
        record = store.get(job.key, job.inputs)
        if record is None:
            todo.append(job)
        elif record.status in RETRY_STATUSES or (redo is not None and redo(job, record)):
            todo.append(job)
            redone += 1
        else:
            records[job.key] = record
    summary = RunSummary(total=len(jobs), cached=len(records), redone=redone)
    by_name = {job.key: job for job in todo}
    disable = None if progress is None else not progress
    with tqdm(total=len(todo), desc=desc, unit="arch", disable=disable, file=sys.stderr, dynamic_ncols=True) as bar:
        if records:
            bar.set_postfix(stored=len(records))
        tasks = [Task(job.key, job.payload, job.cost) for job in todo]
        failed_now = 0
        for task, out in executor.map_unordered(fn, tasks):
            job = by_name[task.name]
            record = store.put(
                Record(
                    key=job.key,
                    arch_id=job.arch_id,
                    inputs=dict(job.inputs),
                    status=str(out.get("status", "error")),
                    message=str(out.get("message", "")),
                    result=dict(out.get("result") or {}),
                    source=dict(out.get("source") or {}),
                )
            )
            records[job.key] = record
            if done is not None:
                done(job, record)
            summary.ran += 1
            if not record.ok:
                failed_now += 1
                bar.set_postfix(stored=summary.cached, failed=failed_now)
            bar.update(1)
    summary.records = [records[job.key] for job in jobs]
    summary.failed = sum(not r.ok for r in summary.records)
    summary.seconds = time.perf_counter() - start
    return summary


__all__ = ["Job", "RETRY_STATUSES", "Redo", "RunSummary", "run_jobs", "unique_jobs"]
