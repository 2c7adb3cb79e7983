"""The executor that the ``executor`` params section asks for."""

from __future__ import annotations

from hytnas.config import ExecutorConfig
from hytnas.runs.dask import DaskExecutor
from hytnas.runs.executor import Executor
from hytnas.runs.local import LocalExecutor


def make_executor(cfg: ExecutorConfig, *, threads: int | None = None, workers: int | None = None, quiet: bool = False) -> Executor:
    """Executor from the ``executor`` params section.

    Args:
        cfg: the ``executor`` params section.
        threads: torch threads per task (default ``cfg.threads``).
        workers: local worker processes (default ``cfg.workers``); ignored for Dask.
        quiet: no note when the local pool is cut down to the cores.
    """
    threads = cfg.threads if threads is None else threads
    if cfg.kind == "dask":
        return DaskExecutor(cfg.address, threads, cfg.gpus, timeout=cfg.connect_timeout)
    return LocalExecutor(cfg.workers if workers is None else workers, threads, quiet=quiet)


__all__ = ["make_executor"]
