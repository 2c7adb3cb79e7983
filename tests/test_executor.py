"""Executors: the local pool and a real Dask LocalCluster give the same proxy table;
failures, dead workers, thread limits and unreachable schedulers."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from hytnas.pipeline.proxy_train import ProxyTrainPaths, run
from hytnas.runs import ExecutorError, InlineExecutor, Task, make_executor, outcome
from hytnas.runs.dask import DaskExecutor
from hytnas.runs.local import LocalExecutor

from support.archs import write_archs
from support.data import write_vww
from support.params import quick_params

VOLATILE = ["seconds", "images_per_second", "source"]


# Task functions must be importable by name in worker processes.
def echo_or_die(payload: Any) -> dict[str, Any]:
    if payload == "die":
        os._exit(3)
    if payload == "raise":
        raise ValueError("bad payload")
    import torch

    return outcome(result={"payload": payload, "threads": torch.get_num_threads(), "pid": os.getpid()})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("proxy")
    return write_archs(root / "archs.csv", 3), write_vww(root / "vww")


def test_local_pool_and_dask_cluster_give_the_same_table(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    from distributed import LocalCluster

    archs, vww = inputs
    params = quick_params()
    local = run(
        params, ProxyTrainPaths(archs=archs, data=vww, cache=tmp_path / "local", out=tmp_path / "local.csv", metrics=None),
        executor=LocalExecutor(2, 1), progress=False,
    ).table
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        resources={"threads": 1}, silence_logs=50,
    ) as cluster:
        dask_params = quick_params(executor={"kind": "dask", "address": cluster.scheduler_address, "threads": 1})
        on_dask = run(
            dask_params,
            ProxyTrainPaths(archs=archs, data=vww, cache=tmp_path / "dask", out=tmp_path / "dask.csv", metrics=tmp_path / "dask.json"),
            progress=False,
        ).table
    assert (local["status"] == "ok").all() and len(local) == 3
    pd.testing.assert_frame_equal(local.drop(columns=VOLATILE), on_dask.drop(columns=VOLATILE))
    assert pd.read_csv(tmp_path / "dask.csv").shape == on_dask.shape
    assert '"executor": "dask"' in (tmp_path / "dask.json").read_text()


def test_a_dead_worker_is_retried_then_recorded_and_the_rest_finishes() -> None:
    tasks = [Task("a", 1), Task("die", "die"), Task("b", 2), Task("raise", "raise")]
    with LocalExecutor(2, 1) as executor:
        results = {task.name: out for task, out in executor.map_unordered(echo_or_die, tasks)}
    assert results["a"]["status"] == results["b"]["status"] == "ok"
    assert results["die"]["status"] == "worker_died"
    assert results["raise"]["status"] == "error" and results["raise"]["message"] == "ValueError: bad payload"
    assert results["a"]["result"]["threads"] == 1


def test_workers_times_threads_never_exceed_cores() -> None:
    assert LocalExecutor(8, 1, cores=2, quiet=True).workers == 2
    assert LocalExecutor(2, 2, cores=2, quiet=True).workers == 1
    assert LocalExecutor(1, 4, cores=2, quiet=True).threads == 2


def test_inline_executor_runs_largest_first() -> None:
    order = [t.name for t, _ in InlineExecutor().map_unordered(echo_or_die, [Task("s", 1, 1.0), Task("l", 2, 9.0)])]
    assert order == ["l", "s"]


def test_unreachable_scheduler_fails_fast_on_one_line() -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    params = quick_params(executor={"kind": "dask", "address": address, "connect_timeout": 3})
    start = time.perf_counter()
    with pytest.raises(ExecutorError) as err:
        make_executor(params.executor)
    assert time.perf_counter() - start < 5
    assert str(err.value).startswith(f"executor.address = '{address}': no Dask scheduler is reachable")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("address, message", [(None, "executor.address is not set"), ("tcp://host:port", "not a scheduler address")])
def test_bad_scheduler_address(address: str | None, message: str) -> None:
    with pytest.raises(ExecutorError, match=message):
        DaskExecutor(address, timeout=2)


def test_workers_without_the_resources_are_refused() -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=None, silence_logs=50) as cluster:
        with pytest.raises(ExecutorError, match='offers the resources threads=1; start workers with `dask worker .* --resources "threads=1"`'):
            DaskExecutor(cluster.scheduler_address, threads=1, timeout=5)


def test_workers_that_always_die_stop_the_run_with_one_line() -> None:
    with LocalExecutor(2, 1) as executor:
        executor.MAX_BREAKS = 2
        with pytest.raises(ExecutorError, match="died 2 times in a row without finishing a task"):
            list(executor.map_unordered(echo_or_die, [Task(f"d{i}", "die") for i in range(4)]))


def test_a_task_in_flight_beside_a_dying_one_is_never_blamed() -> None:
    """Twelve innocent tasks around two that kill their worker: whatever the timing, only the
    killers are recorded as ``worker_died``."""
    tasks = [Task(f"ok{i}", i) for i in range(12)]
    tasks[3:3] = [Task("die1", "die")]
    tasks[9:9] = [Task("die2", "die")]
    with LocalExecutor(2, 1) as executor:
        results = {task.name: out["status"] for task, out in executor.map_unordered(echo_or_die, tasks)}
    assert results == {**{f"ok{i}": "ok" for i in range(12)}, "die1": "worker_died", "die2": "worker_died"}
