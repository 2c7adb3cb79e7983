"""The device's timing program, run here on onnxruntime: the protocol's statistics, one record
per model, a failing model reported without stopping the others, a bad manifest one line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from hytnas.latency import device_timer
from hytnas.latency.protocol import RESULT_COLUMNS, summarize_times


def test_statistics_are_the_protocols() -> None:
    seconds = list(np.random.default_rng(0).uniform(0.01, 0.02, size=21))
    ours = device_timer.summarize_times(seconds)
    assert ours == summarize_times(seconds).to_result()
    assert tuple(ours) == RESULT_COLUMNS


def _folder(tmp_path: Path) -> Path:
    import torch

    from hytnas.nn.onnx_export import export_onnx

    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.Flatten(), torch.nn.LazyLinear(2))
    net(torch.zeros(1, 3, 16, 16))
    export_onnx(net.eval(), tmp_path / "net.onnx", 16)
    manifest = {"warmup": 1, "runs": 4, "threads": 1, "calibration": "net.onnx",
                "models": [{"name": "bad", "file": "missing.onnx"}, {"name": "net", "file": "net.onnx", "seed": 1}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    return tmp_path


def test_one_record_per_model_in_manifest_order(tmp_path: Path) -> None:
    out = io.StringIO()
    assert device_timer.run_manifest(_folder(tmp_path), out) == 0
    bad, good = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (bad["name"], bad["status"]) == ("bad", "error") and "missing.onnx" in bad["message"]
    assert (good["name"], good["status"], good["runs"]) == ("net", "ok", 4)
    assert good["latency_p10_ms"] <= good["latency_ms"] <= good["latency_p90_ms"] and good["calibration_ms"] > 0
    assert good["fingerprint"]["runtime"] == "onnxruntime" and good["fingerprint"]["threads"] == 1


def test_bad_manifest_and_usage_are_one_line(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"warmup": 1}')
    script = device_timer.__file__
    result = subprocess.run([sys.executable, script, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "manifest.json" in result.stderr and "runs" in result.stderr
    usage = subprocess.run([sys.executable, script], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stderr.startswith("usage:")


IMAGE_DIR = Path(__file__).resolve().parents[2] / "docker" / "latency-arm64"


def test_torch_runtime_times_torchscript_archives(tmp_path: Path) -> None:
    import torch

    from hytnas.nn.torchscript_export import INPUT_SHAPE_FILE, export_torchscript

    assert INPUT_SHAPE_FILE == device_timer.INPUT_SHAPE_FILE  # the image's copy of the contract
    net = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, stride=2), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 2))
    export_torchscript(net, tmp_path / "net.pt", 24)
    torch.jit.save(torch.jit.trace(net.eval(), torch.zeros(1, 3, 24, 24)), str(tmp_path / "bare.pt"))
    manifest = {"runtime": "torch", "warmup": 1, "runs": 3, "threads": 1, "calibration": "net.pt",
                "models": [{"name": "net", "file": "net.pt", "seed": 2}, {"name": "bare", "file": "bare.pt"}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    out = io.StringIO()
    assert device_timer.run_manifest(tmp_path, out) == 0
    good, bare = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (good["status"], good["runs"]) == ("ok", 3) and good["latency_ms"] > 0 and good["calibration_ms"] > 0
    assert (good["fingerprint"]["runtime"], good["fingerprint"]["runtime_version"]) == ("torch", torch.__version__)
    assert bare["status"] == "error" and INPUT_SHAPE_FILE in bare["message"]


def test_torch_runtime_needs_an_armv82_core() -> None:
    pi3b, pi5 = (IMAGE_DIR / f"{board}-cpuinfo" for board in ("pi3b", "pi5"))
    reason = device_timer.torch_unsupported_reason(pi3b.read_text(), "aarch64")
    assert reason is not None and "Armv8.2" in reason and "asimdrdm, atomics, dcpop" in reason and "onnxruntime" in reason
    assert device_timer.torch_unsupported_reason(pi5.read_text(), "aarch64") is None
    assert device_timer.torch_unsupported_reason(pi3b.read_text(), "x86_64") is None  # checked on aarch64 only
    assert device_timer.torch_unsupported_reason("", "aarch64") is not None


def test_unknown_runtime_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text(json.dumps({"runtime": "tflite", "warmup": 1, "runs": 3, "threads": 1, "models": []}))
    result = subprocess.run([sys.executable, device_timer.__file__, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "'tflite'" in result.stderr and "onnxruntime, torch" in result.stderr
