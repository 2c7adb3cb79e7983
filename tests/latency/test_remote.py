"""The ``remote`` latency backend against a real sshd on 127.0.0.1: SSH -> the ARM image under
qemu -> records -> the result store; a batch killed mid-run resumes without re-measuring what
finished; every failure of the device is one line naming it, with nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hytnas.config import Params, RemoteDeviceConfig
from hytnas.errors import DeviceError
from hytnas.latency.backend import SpaceArch, get_backend
from hytnas.latency.device_timer import RESULT_FIELDS
from hytnas.latency.timing import TimingJob, time_networks
from hytnas.runs.fingerprint import identity
from hytnas.runs.store import ResultStore

from support.arm_image import IMAGE_DIR, RUN_TOOLS, need
from support.archs import write_archs
from support.params import quick_params
from support.sshd import Sshd, free_port, keygen

REPO = Path(__file__).resolve().parents[2]
HOST_TIMER = f"{sys.executable} {REPO / 'src' / 'hytnas' / 'latency' / 'device_timer.py'} {{models}}"
"""The device's timing program run by this machine's Python: the same records, no emulation."""


def _params(sshd: Sshd, **remote: Any) -> Params:
    device = {"host": "127.0.0.1", "port": sshd.port, "user": "root", "key": str(sshd.client_key),
              "known_hosts": str(sshd.known_hosts), "command": HOST_TIMER, "batch": 2, "timeout": 120, **remote}
    return quick_params(latency={"backend": "remote", "remote": device})


def _jobs(tmp_path: Path, count: int) -> list[TimingJob]:
    import pandas as pd

    table = pd.read_csv(write_archs(tmp_path / "archs.csv", count, sampled_seed=3))
    return [TimingJob(a, SpaceArch("table1", a), {"kind": "arch", "space": "table1", "arch_id": a}) for a in table["arch_id"]]


def _time(params: Params, jobs: list[TimingJob], store: ResultStore) -> Any:
    from hytnas.latency.protocol import LatencyProtocol

    cfg = params.latency
    backend = get_backend("remote", protocol=LatencyProtocol.from_config(cfg), executor_cfg=params.executor, latency_cfg=cfg)
    return time_networks(backend, jobs, cfg, params.seed, store, progress=False)


def test_ssh_to_the_arm_image_to_the_store(sshd: Sshd, arm_image: tuple[Path, str], tmp_path: Path) -> None:
    need(RUN_TOOLS)
    command = f"HYTNAS_ARM_CACHE={tmp_path / 'bundles'} bash {IMAGE_DIR / 'run-emulated.sh'} {arm_image[0]} {{models}}"
    params = _params(sshd, command=command, batch=2, timeout=600)
    jobs = _jobs(tmp_path, 3)
    store = ResultStore(tmp_path / "cache")
    timings = _time(params, jobs, store)
    assert timings.summary.ran == 3 and timings.summary.failed == 0
    assert timings.environment["machine"] == "aarch64" and timings.environment["runtime"] == "onnxruntime"
    assert identity(timings.environment)["runtime_version"] == timings.environment["runtime_version"]
    for record in timings.records:
        assert set(RESULT_FIELDS) <= set(record.result)
        assert record.result["calibration_ms"] > 0 and record.result["latency_relative"] > 0
        assert record.source["machine"] == "aarch64" and record.source["backend"] == "remote"
        assert record.inputs["environment"]["cpu_model"] == "BCM2835"
    again = _time(params, jobs, store)
    assert (again.summary.ran, again.summary.cached) == (0, 3)


def test_torch_runtime_sends_torchscript_and_records_torch(sshd: Sshd, tmp_path: Path) -> None:
    timings = _time(_params(sshd, runtime="torch"), _jobs(tmp_path, 2), ResultStore(tmp_path / "cache"))
    assert (timings.summary.ran, timings.summary.failed) == (2, 0)
    assert timings.environment["runtime"] == "torch"
    assert all(r.source["runtime"] == "torch" and r.result["latency_relative"] > 0 for r in timings.records)


def test_the_default_command_runs_the_runtimes_image() -> None:
    from hytnas.latency.protocol import LatencyProtocol
    from hytnas.latency.remote import RemoteExecutor

    onnx, torch_ = (RemoteExecutor(RemoteDeviceConfig(host="pi", runtime=r), LatencyProtocol()) for r in ("onnxruntime", "torch"))
    assert onnx.command == "docker run --rm --network none -v {models}:/models hytnas-latency-arm64:latest"
    assert torch_.command.endswith(" hytnas-latency-arm64-torch:latest") and torch_.suffix == ".pt"


def test_a_killed_batch_resumes_without_remeasuring(sshd: Sshd, tmp_path: Path) -> None:
    # The device dies after printing the first record of a batch that holds a second model.
    dying = f"sh -c 'if grep -q m001 {{models}}/manifest.json; then {HOST_TIMER} | head -n 1; exit 3; else {HOST_TIMER}; fi'"
    jobs = _jobs(tmp_path, 3)
    store = ResultStore(tmp_path / "cache")
    with pytest.raises(DeviceError, match=r"127\.0\.0\.1.*exited with status 3.*2 of the batch's 3 models not timed"):
        _time(_params(sshd, command=dying, batch=3), jobs, store)
    assert len(list(store.keys())) == 1
    resumed = _time(_params(sshd, batch=3), jobs, store)
    assert (resumed.summary.ran, resumed.summary.cached, resumed.summary.failed) == (2, 1, 0)


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ({"command": "sh -c 'echo broken image >&2; exit 7' {models}"}, r"exited with status 7: broken image"),
        ({"command": "echo not-json {models}"}, r"printed a line that is not a timing record: 'not-json"),
        ({"command": "sh -c 'sleep 30' {models}", "timeout": 2}, r"did not finish within 2 s"),
    ],
)
def test_device_failures_are_one_line_naming_the_host(sshd: Sshd, tmp_path: Path, remote: dict, expected: str) -> None:
    store = ResultStore(tmp_path / "cache")
    with pytest.raises(DeviceError, match=expected) as caught:
        _time(_params(sshd, **remote), _jobs(tmp_path, 1), store)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"root@127.0.0.1:{sshd.port}")
    assert list(store.keys()) == []


def test_bad_key_and_unreachable_host(sshd: Sshd, tmp_path: Path) -> None:
    stranger = keygen(tmp_path / "stranger")
    with pytest.raises(DeviceError, match=r"root@127\.0\.0\.1:\d+: login refused"):
        _time(_params(sshd, key=str(stranger)), _jobs(tmp_path, 1), ResultStore(tmp_path / "a"))
    with pytest.raises(DeviceError, match=r"no such key file"):
        _time(_params(sshd, key=str(tmp_path / "none")), _jobs(tmp_path, 1), ResultStore(tmp_path / "b"))
    closed = free_port()
    with pytest.raises(DeviceError, match=rf"root@127\.0\.0\.1:{closed}: cannot connect"):
        _time(_params(sshd, port=closed), _jobs(tmp_path, 1), ResultStore(tmp_path / "c"))


def test_stage_stops_with_one_line_and_writes_nothing(sshd: Sshd, tmp_path: Path) -> None:
    params = _params(sshd, port=free_port())
    (tmp_path / "params.yaml").write_text(json.dumps(params.model_dump(mode="json")))
    archs = write_archs(tmp_path / "archs.csv", 2, sampled_seed=1)
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(REPO / "stages" / "measure_latency.py"), "--params", str(tmp_path / "params.yaml"),
         "--archs", str(archs), "--cache", str(tmp_path / "cache"), "--out-dir", str(out), "--metrics", str(tmp_path / "m.json")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0 and "cannot connect" in result.stderr
    assert not out.exists() and not (tmp_path / "m.json").exists()


def test_host_must_be_set() -> None:
    from hytnas.errors import ConfigError
    from hytnas.latency.protocol import LatencyProtocol
    from hytnas.latency.remote import RemoteExecutor

    with pytest.raises(ConfigError, match="latency.remote.host"):
        RemoteExecutor(RemoteDeviceConfig(), LatencyProtocol())
    with pytest.raises(ValueError, match="{models}"):
        RemoteDeviceConfig(command="docker run image")


def test_device_check_command(sshd: Sshd, tmp_path: Path) -> None:
    params = _params(sshd)
    (tmp_path / "params.yaml").write_text(json.dumps(params.model_dump(mode="json")))
    hytnas = [sys.executable, "-m", "hytnas.cli", "latency", "device", "check", "--params", str(tmp_path / "params.yaml")]
    result = subprocess.run(hytnas, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"runtime": "onnxruntime"' in result.stdout and "calibration network:" in result.stdout
    refused = subprocess.run([*hytnas, "--port", str(free_port())], capture_output=True, text=True)
    assert refused.returncode == 2 and refused.stderr.strip().count("\n") == 0 and "cannot connect" in refused.stderr


def test_a_detector_exports_its_dense_part(tmp_path: Path) -> None:
    import io

    from hytnas.detection.backbones import DetectionBackbone
    from hytnas.latency import device_timer
    from hytnas.latency.protocol import LatencyProtocol
    from hytnas.latency.remote import RemotePayload, export_task
    from hytnas.pipeline.detect import DetectorNetwork

    network = DetectorNetwork(DetectionBackbone("mobilevit_xxs", "zoo", "mobilevit_xxs"), 2, 64)
    assert export_task(RemotePayload(network, 0, LatencyProtocol(resolution=64)), tmp_path / "m.onnx")["status"] == "ok"
    (tmp_path / "manifest.json").write_text(json.dumps({"warmup": 1, "runs": 3, "threads": 1, "models": [{"name": "m", "file": "m.onnx"}]}))
    out = io.StringIO()
    device_timer.run_manifest(tmp_path, out)
    assert json.loads(out.getvalue())["status"] == "ok"


def test_measure_latency_stage_on_the_device(sshd: Sshd, tmp_path: Path) -> None:
    import pandas as pd

    from hytnas.pipeline.measure_latency import MeasureLatencyPaths, run

    params = _params(sshd)
    paths = MeasureLatencyPaths(archs=write_archs(tmp_path / "archs.csv", 3, sampled_seed=2), cache=tmp_path / "cache",
                                out_dir=tmp_path / "lat", metrics=tmp_path / "latency.json")
    run(params, paths, progress=False)
    table = pd.read_csv(tmp_path / "lat" / f"{params.latency.device}.csv")
    assert (table["status"] == "ok").all() and (table["latency_relative"] > 0).all()
    assert all(json.loads(s)["runtime"] == "onnxruntime" for s in table["source"])
