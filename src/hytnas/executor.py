"""Where many independent jobs run: a local process pool or a Dask cluster.

Both executors run the same picklable wrapper, :func:`run_task`, around the same task
function (e.g. :func:`hytnas.proxy.proxy_task`): it sets the worker's torch thread count,
calls the task and turns any exception into a failure result. Results travel back to the
driver, which alone writes them (:mod:`hytnas.jobs`), so a worker that dies mid-task never
leaves a half-written file.

- ``local``: a ``concurrent.futures.ProcessPoolExecutor`` with the *spawn* start method, with
  ``workers x threads <= cores`` (more workers than that are cut down, with a note). Each
  worker sets ``torch.set_num_threads(threads)`` and exits on its own if the driver dies
  (even by ``kill -9``). A worker killed mid-task (e.g. by the out-of-memory killer) breaks
  the pool: the pool is restarted and the tasks that were in flight are retried one at a
  time; a task that kills its worker while running alone is recorded as ``worker_died``.
- ``dask``: an existing ``dask.distributed`` scheduler at ``address``; one task per job with
  worker resources ``threads`` (and ``GPU`` if ``gpus > 0``). Dask reschedules tasks of a
  lost worker; a task whose workers keep dying comes back as ``worker_died``. Start a
  cluster by hand::

      dask scheduler --host 127.0.0.1 --port 8786 &
      dask worker tcp://127.0.0.1:8786 --nworkers 2 --nthreads 1 --resources "threads=1" &

  or on SLURM / PBS / OAR machines with dask-jobqueue (one scheduler in the driver job,
  workers as batch jobs)::

      from dask_jobqueue import SLURMCluster   # PBSCluster, OARCluster alike
      cluster = SLURMCluster(cores=4, processes=4, memory="16GB", walltime="02:00:00",
                             worker_extra_args=["--resources", "threads=1"])
      cluster.scale(jobs=8); print(cluster.scheduler_address)  # -> executor.address

  Workers need the ``hytnas`` package and the data folder at the same path (shared file
  system).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
from abc import ABC, abstractmethod
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping

from hytnas.errors import HytnasError

TaskFn = Callable[[Any], dict[str, Any]]
"""A task: picklable top-level function ``payload -> outcome`` (see :func:`outcome`)."""


class ExecutorError(HytnasError):
    """The executor cannot start: unreachable scheduler, no suitable workers, bad address."""


# --- outcomes ---------------------------------------------------------------------------------


def outcome(
    status: str = "ok",
    message: str = "",
    result: Mapping[str, Any] | None = None,
    source: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a task returns: ``status`` (``ok`` or a failure kind), a one-line ``message``,
    the measured ``result`` (column -> value) and its ``source`` (how it was produced)."""
    return {"status": status, "message": message, "result": dict(result or {}), "source": dict(source or {})}


def one_line(err: BaseException, limit: int = 300) -> str:
    """``Type: message`` on one line, at most ``limit`` characters."""
    text = " ".join(f"{type(err).__name__}: {err}".split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_out_of_memory(err: BaseException) -> bool:
    """Whether ``err`` is an out-of-memory failure (CPU or GPU)."""
    text = str(err).lower()
    return (
        isinstance(err, MemoryError)
        or type(err).__name__ == "OutOfMemoryError"
        or "out of memory" in text
        or "can't allocate memory" in text
    )


# --- threads ----------------------------------------------------------------------------------


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


# --- executors --------------------------------------------------------------------------------


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


def _by_cost(tasks: Iterable[Task]) -> list[Task]:
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
        for task in _by_cost(tasks):
            yield task, run_task(fn, task.payload, self.threads)

    def probe(self, fn: Callable[[], Any]) -> list[Any]:
        return [fn()]


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
            print(
                f"executor: {workers} workers x {self.threads} threads > {cores} cores; using {allowed} workers",
                file=sys.stderr,
            )
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
        pending = deque(_by_cost(tasks))
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


def check_scheduler_address(address: str | None, timeout: float) -> str:
    """Fail fast, on one line, if no Dask scheduler can be reached at ``address``.

    A plain TCP connection is tried first (a refused or unroutable address fails at once);
    other protocols (``tls://``, ``ucx://``) are left to Dask's own connection timeout.
    """
    if not address:
        raise ExecutorError("executor.address is not set; executor.kind: dask needs a scheduler address such as tcp://127.0.0.1:8786")
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme not in ("tcp", "tls"):
            return address
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as err:
        raise ExecutorError(f"executor.address = {address!r}: not a scheduler address like tcp://host:8786 ({err})") from None
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise ExecutorError(
            f"executor.address = {address!r}: no Dask scheduler is reachable ({reason}); "
            "start one with `dask scheduler` or check the address"
        ) from None
    return address


class DaskExecutor(Executor):
    """Tasks on an existing ``dask.distributed`` cluster.

    Each task asks for the worker resources ``{"threads": threads}`` (plus ``{"GPU": gpus}``
    when ``gpus > 0``), so workers must be started with matching ``--resources``; a worker
    offering ``threads=4`` runs four 1-thread tasks at once.
    """

    kind = "dask"

    def __init__(self, address: str | None, threads: int = 1, gpus: int = 0, *, timeout: float = 10.0) -> None:
        from distributed import Client

        address = check_scheduler_address(address, timeout)
        self.address = address
        self.threads = threads
        self.gpus = gpus
        self.resources: dict[str, float] = {"threads": threads}
        if gpus:
            self.resources["GPU"] = gpus
        quiet = logging.getLogger("distributed")
        level = quiet.level
        quiet.setLevel(logging.CRITICAL)
        try:
            self.client = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError) as err:
            raise ExecutorError(f"executor.address = {address!r}: the Dask scheduler did not answer within {timeout:g} s ({one_line(err)})") from None
        finally:
            quiet.setLevel(level)
        self._check_workers()

    def _workers(self) -> dict[str, dict[str, Any]]:
        return dict(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def _check_workers(self) -> None:
        workers = self._workers()
        if not workers:
            print(f"executor: no Dask worker yet at {self.address}; tasks wait for workers to join", file=sys.stderr)
            return
        fits = [w for w in workers.values() if all(w.get("resources", {}).get(k, 0) >= v for k, v in self.resources.items())]
        if not fits:
            wanted = ",".join(f"{k}={v:g}" for k, v in self.resources.items())
            raise ExecutorError(
                f"executor.address = {self.address!r}: none of the {len(workers)} Dask worker(s) offers the resources "
                f"{wanted}; start workers with `dask worker {self.address} --nthreads 1 --resources \"{wanted}\"`"
            )

    @property
    def slots(self) -> int:
        total = 0
        for worker in self._workers().values():
            resources = worker.get("resources", {})
            fits = min(int(resources.get(k, 0) // v) for k, v in self.resources.items())
            total += min(fits, int(worker.get("nthreads", 1)))
        return total

    def map_unordered(self, fn: TaskFn, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        from distributed import as_completed

        run = uuid.uuid4().hex[:8]
        by_key: dict[str, Task] = {}
        futures = []
        for task in _by_cost(tasks):
            key = f"hytnas-{getattr(fn, '__name__', 'task')}-{task.name}-{run}"
            by_key[key] = task
            futures.append(
                self.client.submit(
                    run_task, fn, task.payload, self.threads, key=key, pure=False, resources=self.resources,
                    priority=int(task.cost) if task.cost else 0,
                )
            )
        finished = False
        try:
            for future in as_completed(futures, loop=self.client.loop):
                task = by_key[future.key]
                try:
                    result = future.result()
                except Exception as err:  # noqa: BLE001 - KilledWorker, a lost connection, ...
                    status = "worker_died" if type(err).__name__ == "KilledWorker" else "error"
                    result = outcome(status, one_line(err))
                future.release()
                yield task, result
            finished = True
        finally:
            if not finished:
                with contextlib.suppress(Exception):
                    self.client.cancel(futures)

    def probe(self, fn: Callable[[], Any]) -> list[Any]:
        """``fn()`` on every worker; distinct answers only (one per kind of host)."""
        answers = list(self.client.run(fn).values())
        unique: list[Any] = []
        for answer in answers:
            if answer not in unique:
                unique.append(answer)
        return unique

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "executor_address": self.address}

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close(timeout=5)


def make_executor(cfg: Any, *, threads: int | None = None, workers: int | None = None, quiet: bool = False) -> Executor:
    """Executor from the ``executor`` params section.

    Args:
        cfg: an :class:`~hytnas.config.ExecutorConfig`.
        threads: torch threads per task (default ``cfg.threads``).
        workers: local worker processes (default ``cfg.workers``); ignored for Dask.
        quiet: no note when the local pool is cut down to the cores.
    """
    threads = cfg.threads if threads is None else threads
    if cfg.kind == "dask":
        return DaskExecutor(cfg.address, threads, cfg.gpus, timeout=cfg.connect_timeout)
    return LocalExecutor(cfg.workers if workers is None else workers, threads, quiet=quiet)


__all__ = [
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "InlineExecutor",
    "LocalExecutor",
    "Task",
    "add_commands",
    "check_scheduler_address",
    "make_executor",
    "one_line",
    "outcome",
    "run_task",
    "set_threads",
    "usable_cores",
]


def add_commands(sub: Any) -> None:
    """``hytnas executor check``: is a Dask scheduler reachable, with which workers?"""
    executor = sub.add_parser("executor", help="check where jobs would run")
    executor_sub = executor.add_subparsers(dest="executor_command", metavar="ACTION", required=True)
    check = executor_sub.add_parser("check", help="connect to a Dask scheduler and list its workers")
    check.add_argument("address", help="scheduler address, e.g. tcp://127.0.0.1:8786")
    check.add_argument("--threads", type=int, default=1, help="threads resource each task asks for (default 1)")
    check.add_argument("--gpus", type=int, default=0, help="GPU resource each task asks for (default 0)")
    check.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the scheduler (default 10)")
    check.set_defaults(func=_check_command)


def _check_command(args: Any) -> None:
    with DaskExecutor(args.address, args.threads, args.gpus, timeout=args.timeout) as executor:
        workers = executor._workers()
        print(f"{args.address}: {len(workers)} worker(s), {executor.slots} task slot(s) for threads={args.threads}")
        for address, info in sorted(workers.items()):
            print(f"  {address}: nthreads={info.get('nthreads')} resources={info.get('resources', {})}")
