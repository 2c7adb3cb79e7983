"""Where many independent jobs run, and how a stage resumes them.

Modules, one job each:

- :mod:`~hytnas.runs.outcome`: what a task returns (:func:`outcome`) and failure helpers.
- :mod:`~hytnas.runs.executor`: the :class:`Executor` interface, the inline and thread
  executors, and :func:`map_values` / :func:`iter_values` (a plain parallel map).
- :mod:`~hytnas.runs.local`: the ``local`` process pool.
- :mod:`~hytnas.runs.dask`: the ``dask`` executor on an existing cluster.
- :mod:`~hytnas.runs.factory`: :func:`make_executor`, from the ``executor`` params.
- :mod:`~hytnas.runs.store`: the per-result store (one JSON file per key).
- :mod:`~hytnas.runs.runner`: :func:`run_jobs`, the resumable loop over keyed jobs.
- :mod:`~hytnas.runs.fingerprint`: what a job ran on (CPU, board, cores, versions).
- :mod:`~hytnas.runs.commands`: ``hytnas executor check``.

Nothing here imports torch at import time; only a worker sets its thread count.
"""

from hytnas.runs.executor import (
    Executor,
    ExecutorError,
    InlineExecutor,
    Task,
    TaskFailed,
    ThreadExecutor,
    iter_values,
    map_values,
    run_task,
    set_threads,
    usable_cores,
)
from hytnas.runs.factory import make_executor
from hytnas.runs.outcome import TaskFn, is_out_of_memory, one_line, outcome
from hytnas.runs.runner import RETRY_STATUSES, Job, Redo, RunSummary, run_jobs, unique_jobs
from hytnas.runs.store import Record, ResultStore, make_key

__all__ = [
    "Executor",
    "ExecutorError",
    "InlineExecutor",
    "Job",
    "RETRY_STATUSES",
    "Record",
    "Redo",
    "ResultStore",
    "RunSummary",
    "Task",
    "TaskFailed",
    "TaskFn",
    "ThreadExecutor",
    "is_out_of_memory",
    "iter_values",
    "make_executor",
    "make_key",
    "map_values",
    "one_line",
    "outcome",
    "run_jobs",
    "run_task",
    "set_threads",
    "unique_jobs",
    "usable_cores",
]
