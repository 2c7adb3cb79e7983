"""The ``dask`` executor: tasks on an existing ``dask.distributed`` cluster.

One task per job with worker resources ``threads`` (and ``GPU`` if ``gpus > 0``). Dask
reschedules tasks of a lost worker; a task whose workers keep dying comes back as
``worker_died``. Start a cluster by hand::

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
import logging
import socket
import uuid
from typing import Any, Callable, Iterable, Iterator

from hytnas.runs.executor import Executor, ExecutorError, Task, by_cost, run_task
from hytnas.runs.outcome import TaskFn, one_line, outcome

log = logging.getLogger(__name__)


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
            log.warning("executor: no Dask worker yet at %s; tasks wait for workers to join", self.address)
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
        for task in by_cost(tasks):
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


__all__ = ["DaskExecutor", "check_scheduler_address"]
