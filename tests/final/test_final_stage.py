"""Stage train_final end to end on tiny data; resuming; bad input stops before training."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hytnas.config import parse_params
from hytnas.errors import ConfigError, DataError
from hytnas.final.selection import SelectionError
from hytnas.latency.local import LocalBackend, NetworkPayload, network_latency_task
from hytnas.latency.protocol import LatencyProtocol
from hytnas.pipeline.train_final import FinalPaths, run
from hytnas.runs import Executor, InlineExecutor

from support.archs import write_pareto
from support.data import DATA
from support.params import quick_params


def _run(params, pareto: Path, root: Path):
    return run(
        params, FinalPaths.under(root, pareto=pareto), data=DATA,
        executor=InlineExecutor(), latency_executor=InlineExecutor(), progress=False,
    )


@pytest.mark.slow
def test_train_final_end_to_end_then_resume(tmp_path: Path) -> None:
    pareto = write_pareto(tmp_path / "pareto.csv", acc=[80, 85, 89, 90], lat=[10, 15, 20, 40])
    paths = FinalPaths.under(tmp_path)
    run = _run(quick_params(), pareto, tmp_path)

    labels = ["hytnas_bl", "hytnas_ba", "hytnas_o", "mobilenetv1_025"]
    assert list(run.table["label"]) == labels
    assert (run.table["status"] == "ok").all(), run.table[["label", "status", "message"]]
    assert run.train.ran == 4 and run.latency.ran == 4
    assert (run.table["onnx_max_abs_diff"] < 1e-4).all()
    assert run.table.loc[3, "params"] == 213_586  # MLPerf Tiny MobileNetV1 x0.25, 2 classes

    metrics = json.loads(paths.metrics.read_text())
    for key in ("hytnas_o_val_acc", "mobilenetv1_025_latency_ms", "headline_o_acc_gain", "headline_bl_params"):
        assert key in metrics
    assert all(v is None or isinstance(v, (int, float)) for v in metrics.values())
    table = paths.table.read_text()
    assert "| HyT-NAS-O |" in table and "1 epochs at 32x32 px on 64 training images" in table
    for label in labels:
        folder = paths.models / label
        spec = json.loads((folder / "spec.json").read_text())
        assert spec["label"] == label and spec["runs"][0]["weights"] == "seed0.pt"
        assert (folder / "seed0.pt").is_file() and (folder / "model.onnx").is_file()
        assert (paths.live / f"{label}_s0" / "plots" / "metrics" / "val" / "acc.tsv").is_file()
    assert paths.figure.is_file() and paths.curves.is_file() and paths.bench.is_file()
    bench = json.loads(paths.bench.read_text())
    assert bench["paper_o_acc_gain"] == 6.32 and bench["paper_text_o_acc_gain"] == 6.3 and bench["train_jobs_run"] == 4

    # rerun: nothing to do, same metrics
    again = _run(quick_params(), pareto, tmp_path)
    assert again.train.ran == 0 and again.latency.ran == 0
    assert json.loads(paths.metrics.read_text()) == metrics

    # lost weights: exactly that network trains again, to the same accuracy
    key = json.loads((paths.models / "hytnas_o" / "spec.json").read_text())["runs"][0]["key"]
    (paths.cache / "artifacts" / key / "weights.pt").unlink()
    third = _run(quick_params(), pareto, tmp_path)
    assert third.train.ran == 1 and third.train.redone == 1
    assert json.loads(paths.metrics.read_text())["hytnas_o_val_acc"] == metrics["hytnas_o_val_acc"]

    # a second seed: only the new runs train; the spread appears
    fourth = _run(quick_params(final={"seeds": 2}), pareto, tmp_path)
    assert fourth.train.ran == 4 and fourth.train.cached == 4 and fourth.latency.ran == 0
    assert fourth.headline["o_acc_gain_seeds"] == 2
    assert (paths.models / "hytnas_o" / "seed1.pt").is_file()


def board_task(payload: NetworkPayload) -> dict[str, Any]:
    out = network_latency_task(payload)
    out["source"]["backend"] = "board"
    return out


class BoardBackend(LocalBackend):
    """Stands in for a measuring backend that times on another device."""

    name = "board"
    task = staticmethod(board_task)

    def executor(self) -> Executor:
        return InlineExecutor(1)


def test_the_networks_are_timed_by_the_given_measuring_backend(tmp_path: Path) -> None:
    pareto = write_pareto(tmp_path / "pareto.csv", acc=[80, 90], lat=[10, 40])
    params = quick_params()
    backend = BoardBackend(LatencyProtocol.from_config(params.latency), params.executor)
    run_ = run(
        params, FinalPaths.under(tmp_path, pareto=pareto), data=DATA, executor=InlineExecutor(),
        latency_backend=backend, progress=False,
    )
    assert run_.latency.ran == run_.latency.total >= 3 and (run_.table["latency_ms"] > 0).all()
    assert {r.source["backend"] for r in run_.latency.records} == {"board"}
    assert {r.inputs["backend"] for r in run_.latency.records} == {"board"}  # not mixed with local timings


@pytest.mark.parametrize(
    "final, pareto_rows, error, message",
    [
        ({"baselines": ["mobilenetv1_025", "resnet9000"]}, 2, ConfigError, "final.baselines: unknown network 'resnet9000'"),
        ({"reference": "mobilevit_s"}, 2, ConfigError, "final.reference = 'mobilevit_s': not among final.baselines"),
        ({"max_params": 10}, 2, SelectionError, "no architecture satisfies final.max_params = 10"),
        ({}, 0, DataError, "the Pareto set has no rows"),
        ({}, None, DataError, "Pareto set not found"),
    ],
)
def test_bad_input_stops_before_any_training(tmp_path: Path, final, pareto_rows, error, message) -> None:
    pareto = tmp_path / "pareto.csv"
    if pareto_rows is not None:
        write_pareto(pareto, acc=[80, 90][:pareto_rows], lat=[10, 40][:pareto_rows])
    with pytest.raises(error) as info:
        _run(quick_params(final=final), pareto, tmp_path / "out")
    assert message in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "out").exists()


def test_data_at_another_resolution_is_refused(tmp_path: Path) -> None:
    pareto = write_pareto(tmp_path / "pareto.csv", acc=[80, 90], lat=[10, 40])
    with pytest.raises(ConfigError, match="final.resolution = 48: the data hold 32 px images"):
        _run(quick_params(final={"resolution": 48}), pareto, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_final_config_checks() -> None:
    with pytest.raises(ConfigError, match="baseline\\(s\\) listed twice: mobilenetv1_025"):
        parse_params({"final": {"baselines": ["mobilenetv1_025", "mobilenetv1_025"]}})
    with pytest.raises(ConfigError, match="final.onnx_opset = 9"):
        parse_params({"final": {"onnx_opset": 9}})
    assert parse_params({}).final.reference in parse_params({}).final.baselines


@pytest.mark.slow
def test_stage_script_reports_bad_input_on_one_line(tmp_path: Path, repo_root: Path) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("final:\n  baselines: [mobilenetv1_025, nope]\n")
    write_pareto(tmp_path / "pareto.csv", acc=[80, 90], lat=[10, 40])
    done = subprocess.run(
        [sys.executable, str(repo_root / "stages" / "train_final.py"), "--params", str(params),
         "--pareto", str(tmp_path / "pareto.csv"), "--cache", str(tmp_path / "cache")],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: final.baselines: unknown network 'nope'; expected one of mobilenetv1_025, mobilenetv1_050, "
        "mobilenetv2_035, mobilevit_s, mobilevit_xs, mobilevit_xxs, proxylessnas_mobile"
    ]
    assert not (tmp_path / "cache").exists()
