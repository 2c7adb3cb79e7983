"""Stage measure_latency with the local backend: table, store reuse, re-measuring on change."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from hytnas.latency.local import LocalBackend, NetworkPayload, network_latency_task
from hytnas.latency.protocol import RESULT_COLUMNS, LatencyProtocol
from hytnas.pipeline.measure_latency import MeasureLatencyPaths
from hytnas.pipeline.measure_latency import run as measure
from hytnas.runs import Executor, InlineExecutor, ResultStore, outcome
from hytnas.space import get_space

from support.archs import write_archs
from support.params import quick_params


class InlineBackend(LocalBackend):
    """The local backend timing in this process (no worker start-up)."""

    def executor(self) -> Executor:
        return InlineExecutor(self.protocol.threads)


def inline(params: Any) -> InlineBackend:
    return InlineBackend(LatencyProtocol.from_config(params.latency), params.executor, params.latency.workers)


def run(params: Any, archs: Path, tmp: Path, backend: Any = None) -> pd.DataFrame:
    paths = MeasureLatencyPaths(archs=archs, cache=tmp / "cache", out_dir=tmp / "lat", metrics=tmp / "latency.json")
    measure(params, paths, progress=False, backend=backend or inline(params))
    return pd.read_csv(tmp / "lat" / f"{params.latency.device}.csv")


def test_table_columns_and_source(params: Any, arch_table: Path, tmp_path: Path) -> None:
    table = run(params, arch_table, tmp_path)
    space = get_space("table1")
    assert list(table.columns) == ["arch_id", *space.dim_names, "params", "macs", *RESULT_COLUMNS, "status", "message", "source"]
    assert (table["status"] == "ok").all() and (table["latency_ms"] > 0).all() and (table["runs"] == 3).all()
    assert (table["latency_p10_ms"] <= table["latency_ms"]).all() and (table["latency_ms"] <= table["latency_p90_ms"]).all()
    source = json.loads(table["source"][0])
    assert {"cpu_model", "cores_logical", "threads", "torch", "governor"} <= set(source)
    assert source["protocol"]["resolution"] == 32 and source["protocol"]["batch"] == 1
    report = json.loads((tmp_path / "latency.json").read_text())
    assert report["ok"] == 3 and report["measured"] == 3 and report["device_cpu_model"] == source["cpu_model"]
    loads = [json.loads(text)["load_average_1min"] for text in table["source"]]
    assert all(isinstance(v, float) and v >= 0 for v in loads)
    assert report["load_average_max"] == max(loads)


def test_rerun_measures_nothing_and_changed_protocol_measures_again(params: Any, arch_table: Path, tmp_path: Path) -> None:
    first = run(params, arch_table, tmp_path)
    again = run(params, arch_table, tmp_path)
    pd.testing.assert_frame_equal(first, again)
    assert json.loads((tmp_path / "latency.json").read_text())["measured"] == 0

    more_runs = quick_params(latency={"runs": 4})
    changed = run(more_runs, arch_table, tmp_path)
    assert json.loads((tmp_path / "latency.json").read_text())["measured"] == 3
    assert (changed["runs"] == 4).all()  # no stale 3-run record leaks in
    assert len(ResultStore(tmp_path / "cache")) == 6

    back = run(params, arch_table, tmp_path)  # the first settings' records are still there
    pd.testing.assert_frame_equal(first, back)


def failing_task(payload: NetworkPayload) -> dict[str, Any]:
    if payload.network.arch_id.startswith("b1"):
        raise RuntimeError("device unplugged")
    return network_latency_task(payload)


class FlakyBackend(InlineBackend):
    task = staticmethod(failing_task)


def test_a_failing_architecture_is_recorded_and_the_stage_finishes(params: Any, tmp_path: Path) -> None:
    archs = write_archs(tmp_path / "archs.csv", 8, sampled_seed=3)
    backend = FlakyBackend(LatencyProtocol.from_config(params.latency), params.executor, 1)
    table = run(params, archs, tmp_path, backend)
    bad = table["arch_id"].str.startswith("b1")
    assert bad.any() and (~bad).any()
    assert (table.loc[bad, "status"] == "error").all() and table.loc[bad, "latency_ms"].isna().all()
    assert table.loc[bad, "message"].str.contains("RuntimeError: device unplugged").all()
    report = json.loads((tmp_path / "latency.json").read_text())
    assert report["failed"] == int(bad.sum()) and report["failed_error"] == int(bad.sum())


def test_local_process_pool_backend(params: Any, arch_table: Path, tmp_path: Path) -> None:
    table = run(params, arch_table, tmp_path, LocalBackend(LatencyProtocol.from_config(params.latency), params.executor, 1))
    assert (table["status"] == "ok").all()


def test_outcome_shape() -> None:
    assert outcome() == {"status": "ok", "message": "", "result": {}, "source": {}}
