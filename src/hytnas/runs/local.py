"""The ``local`` executor: a process pool on this machine.

A ``concurrent.futures.ProcessPoolExecutor`` with the *spawn* start method, with
``workers x threads <= cores`` (more workers than that are cut down, with a note). Each
worker sets ``torch.set_num_threads(threads)`` and exits on its own if the driver dies (even
by ``kill -9``). A worker killed mid-task (e.g. by the out-of-memory killer) breaks the pool:
the pool is restarted and the tasks that were in flight are retried one at a time; a task
that kills its worker while running alone is recorded as ``worker_died``. Results travel
back to the driver, which alone writes them (:mod:`hytnas.runs.runner`), so a worker that
dies mid-task never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable, Iterable, Iterator

from hytnas.runs.executor import Executor, ExecutorError, Task, by_cost, run_task, set_threads, usable_cores
from hytnas.runs.outcome import TaskFn, outcome, one_line

log = logging.getLogger(__name__)


_PR_SET_PDEATHSIG = 1


def _init_worker(threads: int, parent_pid: int) -> None:
    """Pool worker start-up: thread limits, and exit when the driver goes away."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(threads)
    with contextlib.suppress(Exception):  # Linux: the kernel kills us when the driver dies
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(3)

    def watch() -> None:  # portable fallback: poll the parent
        while True:
            time.sleep(0.5)
            if os.getppid() != parent_pid:
                os._exit(3)

    threading.Thread(target=watch, name="hytnas-parent-watch", daemon=True).start()
    set_threads(threads)


class LocalExecutor(Executor):
    """A process pool (spawn start method) of ``workers`` processes of ``threads`` threads.

    ``workers x threads`` is capped at the usable cores; on this kind of 2-core machine two
    1-thread workers train faster than one 2-thread worker.
    """

    kind = "local"
    MAX_BREAKS = 4
    """Consecutive pool breaks without any finished task before giving up."""

    def __init__(self, workers: int, threads: int = 1, *, cores: int | None = None, quiet: bool = False) -> None:
        cores = cores or usable_cores()
        self.threads = max(1, min(threads, cores))
        allowed = max(1, cores // self.threads)
        if workers > allowed and not quiet:
            log.warning("executor: %d workers x %d threads > %d cores; using %d workers", workers, self.threads, cores, allowed)
        self.workers = max(1, min(workers, allowed))
        self._pool: ProcessPoolExecutor | None = None

    @property
    def slots(self) -> int:
        return self.workers

    def _start(self) -> ProcessPoolExecutor:
        import multiprocessing

        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.threads, os.getpid()),
            )
        return self._pool

    def _kill(self) -> None:
        """Stop the pool now: cancel queued tasks and kill the worker processes it started."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=5)

    def map_unordered(self, fn: TaskFn, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        """Run every task; a worker death is pinned on a task by rerunning the tasks that were in
        flight when the pool broke one at a time: only a task that kills its worker while
        running alone is recorded as ``worker_died``, so its neighbours are not blamed."""
        pending = deque(by_cost(tasks))
        suspects: deque[Task] = deque()  # in flight when the pool broke; rerun alone
        solo: Task | None = None  # the suspect running alone, if any
        inflight: dict[Future[dict[str, Any]], Task] = {}
        breaks_without_result = 0
        finished = False
        try:
            while pending or suspects or inflight:
                pool = self._start()
                if solo is None and suspects:  # a break empties the pool, so nothing else runs
                    solo = suspects.popleft()
                    inflight[pool.submit(run_task, fn, solo.payload, self.threads)] = solo
                elif solo is None:
                    while pending and len(inflight) < self.workers:
                        task = pending.popleft()
                        inflight[pool.submit(run_task, fn, task.payload, self.threads)] = task
                done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                broken = False
                for future in done:
                    task = inflight.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        broken = True
                        if task is solo:
                            yield task, outcome(
                                "worker_died",
                                "the worker process died while running this task alone (out of memory or a crash)",
                            )
                        else:
                            suspects.append(task)
                        continue
                    except Exception as err:  # noqa: BLE001 - e.g. an unpicklable result
                        result = outcome("error", one_line(err))
                    breaks_without_result = 0
                    yield task, result
                if not inflight:
                    solo = None
                if broken:
                    suspects.extend(inflight.values())  # the rest failed with the pool
                    inflight.clear()
                    self._kill()
                    breaks_without_result += 1
                    if breaks_without_result >= self.MAX_BREAKS:
                        raise ExecutorError(
                            f"executor: the worker processes died {breaks_without_result} times in a row without "
                            "finishing a task (a crash at start-up? run the stage from a file, not from stdin, "
                            "so that spawned workers can import it)"
                        )
            finished = True
        finally:
            if not finished:  # interrupted (Ctrl-C, error in the driver): stop the workers now
                self._kill()

    def probe(self, fn: Callable[[], Any]) -> list[Any]:
        return [fn()]

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)



def local_pool(workers: int) -> Executor:
    """``workers`` 1-thread processes on this machine, or this process alone for one (the
    command-line tools' ``--workers``)."""
    from hytnas.runs.executor import InlineExecutor

    return LocalExecutor(workers, 1, quiet=True) if workers > 1 else InlineExecutor()


__all__ = ["LocalExecutor", "local_pool"]
