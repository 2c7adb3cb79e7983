"""The ARM latency image with torch (`make arm-image-torch`): run here under qemu, it times
TorchScript models on an emulated Armv8.2 core (a Raspberry Pi 5's Cortex-A76), and on an
emulated Pi 3B it refuses the torch runtime with one line before importing torch."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from hytnas.latency.device_timer import RESULT_FIELDS

from support.arm_image import IMAGE_DIR, RUN_TOOLS, build_image, need

pytestmark = [pytest.mark.image, pytest.mark.slow, pytest.mark.timeout(1800)]
NAME = "hytnas-latency-arm64-torch"


@pytest.fixture(scope="module")
def torch_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("arm-torch-image")
    build_image(out, with_torch=True)
    return out / f"{NAME}.oci.tar"


def _models(folder: Path) -> Path:
    import torch

    from hytnas.nn.torchscript_export import export_torchscript

    folder.mkdir()
    torch.manual_seed(0)
    small = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, stride=2), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
                                torch.nn.Flatten(), torch.nn.Linear(8, 2))
    export_torchscript(small, folder / "net.pt", 32)
    export_torchscript(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 32 * 32, 2)), folder / "calibration.pt", 32)
    manifest = {"runtime": "torch", "warmup": 1, "runs": 3, "threads": 1, "calibration": "calibration.pt",
                "models": [{"name": "net", "file": "net.pt", "seed": 5}]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def _run(image: Path, models: Path, board: str, cache: Path) -> subprocess.CompletedProcess[str]:
    need(RUN_TOOLS)
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HYTNAS_ARM_CACHE": str(cache), "HYTNAS_EMULATED_BOARD": board}
    return subprocess.run(["bash", str(IMAGE_DIR / "run-emulated.sh"), str(image), str(models)],
                          capture_output=True, text=True, timeout=1200, env=env)


def test_torch_image_times_torchscript_on_an_armv82_core(torch_image: Path, tmp_path: Path) -> None:
    result = _run(torch_image, _models(tmp_path / "models"), "pi5", tmp_path / "cache")
    assert result.returncode == 0, result.stderr[-3000:]
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["status"] == "ok" and set(RESULT_FIELDS) <= set(record) and record["calibration_ms"] > 0
    print_ = record["fingerprint"]
    assert (print_["machine"], print_["runtime"]) == ("aarch64", "torch") and print_["runtime_version"].startswith("2.10.0")
    assert print_["board"] is None or "Raspberry Pi" not in print_["board"]  # no device tree under emulation
    assert print_["cpu_model"] == "ARM implementer 0x41 part 0xd0b"


def test_torch_image_refuses_a_pi3b_with_one_line(torch_image: Path, tmp_path: Path) -> None:
    result = _run(torch_image, _models(tmp_path / "models"), "pi3b", tmp_path / "cache")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "needs an Armv8.2 core" in result.stderr and "BCM2835" in result.stderr and "manifest.json" in result.stderr
