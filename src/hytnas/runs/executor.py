"""The executor interface and the executors that need no pool: inline and threads.

An :class:`Executor` runs :class:`Task` s and yields ``(task, outcome)`` as each finishes.
Every executor runs the same wrapper, :func:`run_task`: it sets the worker's torch thread
count, calls the task and turns any exception into an ``error`` outcome, so one task's
failure never stops a stage. :func:`hytnas.runs.factory.make_executor` builds one from the
``executor`` params section (``local``: :mod:`hytnas.runs.local`; ``dask``:
:mod:`hytnas.runs.dask`).

:func:`map_values` and :func:`iter_values` are the plain parallel map (no store, no resumption) that the search
comparison, predictor cross-validation and data generation use: any picklable function,
results in input order, a failure raised in the driver.
"""

from __future__ import annotations

import contextlib
import os
import traceback
from abc import ABC, abstractmethod
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from hytnas.errors import HytnasError
from hytnas.runs.outcome import TaskFn, one_line, outcome


class ExecutorError(HytnasError):
    """The executor cannot start: unreachable scheduler, no suitable workers, bad address."""


class TaskFailed(RuntimeError):
    """A task of :func:`map_values` did not return (its message and traceback, on one line)."""


def usable_cores() -> int:
    """CPU cores this process may run on (affinity mask where the OS has one)."""
    with contextlib.suppress(AttributeError, OSError):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def set_threads(threads: int) -> None:
    """Set torch's intra-op threads (and, once per process, inter-op threads) to ``threads``."""
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    with contextlib.suppress(RuntimeError):  # allowed once, before any parallel work
        torch.set_num_interop_threads(threads)


def run_task(fn: TaskFn, payload: Any, threads: int) -> dict[str, Any]:
    """Run one task where it lands (pool worker, Dask worker or in-process).

    Sets the torch thread count, calls ``fn(payload)``, and turns an exception escaping the
    task into an ``error`` outcome carrying the exception on one line.
    """
    set_threads(threads)
    try:
        return fn(payload)
    except Exception as err:  # noqa: BLE001 - one architecture's failure must not stop a stage
        return outcome("error", one_line(err), source={"traceback": traceback.format_exc(limit=-3)})


@dataclass(frozen=True)
class Task:
    """One unit of work for :meth:`Executor.map_unordered`.

    Attributes:
        name: unique name among the tasks of one call (e.g. the result key).
        payload: picklable argument of the task function.
        cost: scheduling hint; larger tasks start first (shortens the tail).
    """

    name: str
    payload: Any
    cost: float = 0.0


class Executor(ABC):
    """Runs tasks and yields ``(task, outcome)`` as each one finishes (in any order)."""

    kind: str = ""
    threads: int = 1

    @property
    @abstractmethod
    def slots(self) -> int:
        """Tasks that can run at the same time (known workers x their capacity)."""

    @abstractmethod
    def map_unordered(self, fn: TaskFn, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        """Run ``fn`` on every task's payload; yield each task with its outcome when done."""

    @abstractmethod
    def probe(self, fn: Callable[[], Any]) -> list[Any]:
        """``fn()`` evaluated where the tasks run: once per distinct worker host (driver for
        the local executor). Used to fingerprint the hardware before keying results."""

    def describe(self) -> dict[str, Any]:
        """Flat summary for reports."""
        return {"executor": self.kind, "executor_slots": self.slots, "executor_threads": self.threads}

    def close(self) -> None:
        """Release workers and connections."""

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def by_cost(tasks: Iterable[Task]) -> list[Task]:
    return sorted(tasks, key=lambda t: -t.cost)


class InlineExecutor(Executor):
    """Runs tasks one after another in this process (debugging, tiny runs, benchmarks)."""

    kind = "inline"

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads

    @property
    def slots(self) -> int:
        return 1

    def map_unordered(self, fn: TaskFn, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        for task in by_cost(tasks):
            yield task, run_task(fn, task.payload, self.threads)

    def probe(self, fn: Callable[[], Any]) -> list[Any]:
        return [fn()]


class ThreadExecutor(Executor):
    """Tasks on ``workers`` threads of this process (for work that releases the GIL, such as
    fitting XGBoost models; torch's thread count is left alone)."""

    kind = "threads"

    def __init__(self, workers: int) -> None:
        self.workers = max(1, int(workers))

    @property
    def slots(self) -> int:
        return self.workers

    def map_unordered(self, fn: TaskFn, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        def call(payload: Any) -> dict[str, Any]:
            try:
                return fn(payload)
            except Exception as err:  # noqa: BLE001
                return outcome("error", one_line(err), source={"traceback": traceback.format_exc(limit=-3)})

        with ThreadPoolExecutor(self.workers) as pool:
            futures = {pool.submit(call, task.payload): task for task in by_cost(tasks)}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield futures[future], future.result()

    def probe(self, fn: Callable[[], Any]) -> list[Any]:
        return [fn()]


@dataclass(frozen=True)
class _Returning:
    """Wraps a plain function ``payload -> value`` as a task whose outcome carries the value."""

    fn: Callable[[Any], Any]

    def __call__(self, payload: Any) -> dict[str, Any]:
        return outcome("ok", result={"value": self.fn(payload)})


def iter_values(
    executor: Executor,
    fn: Callable[[Any], Any],
    payloads: Sequence[Any],
    *,
    costs: Sequence[float] | None = None,
) -> Iterator[Any]:
    """``fn(p)`` for each payload computed on ``executor``, yielded in input order as soon as
    each is available (later results that finish first wait in memory).

    Args:
        executor: where the calls run.
        fn: picklable top-level function (or picklable callable object).
        payloads: its arguments (picklable).
        costs: scheduling hints (larger first); default: input order.

    Raises:
        TaskFailed: a call raised; the first failure, naming its index and the error.
    """
    costs = list(costs) if costs is not None else [float(len(payloads) - i) for i in range(len(payloads))]
    tasks = [Task(str(i), payload, cost) for i, (payload, cost) in enumerate(zip(payloads, costs))]
    waiting: dict[int, Any] = {}
    following = 0
    for task, out in executor.map_unordered(_Returning(fn), tasks):
        if out.get("status") != "ok":
            raise TaskFailed(f"task {task.name} of {len(tasks)} failed: {out.get('message', '')}")
        waiting[int(task.name)] = out["result"]["value"]
        while following in waiting:
            yield waiting.pop(following)
            following += 1


def map_values(
    executor: Executor,
    fn: Callable[[Any], Any],
    payloads: Sequence[Any],
    *,
    costs: Sequence[float] | None = None,
    done: Callable[[int, Any], None] | None = None,
) -> list[Any]:
    """``[fn(p) for p in payloads]`` computed on ``executor`` (:func:`iter_values`); ``done(index,
    value)`` is called in the driver as each value arrives in input order."""
    values = []
    for index, value in enumerate(iter_values(executor, fn, payloads, costs=costs)):
        values.append(value)
        if done is not None:
            done(index, value)
    return values


__all__ = [
    "Executor",
    "ExecutorError",
    "InlineExecutor",
    "Task",
    "TaskFailed",
    "ThreadExecutor",
    "iter_values",
    "map_values",
    "run_task",
    "set_threads",
    "usable_cores",
]
