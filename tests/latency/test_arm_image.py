"""The ARM latency image: built here without a Docker engine, reproducibly, and run here under
qemu in a private user namespace, where its timing program returns one record per model."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path

import pytest

from hytnas.latency.device_timer import RESULT_FIELDS

from support.arm_image import IMAGE_DIR, NAME, RUN_TOOLS, build_image, need


def _image_config(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        def blob(digest: str) -> dict:
            return json.load(tar.extractfile(f"blobs/sha256/{digest.split(':')[1]}"))  # type: ignore[arg-type]

        index = json.load(tar.extractfile("index.json"))  # type: ignore[arg-type]
        manifest = blob(index["manifests"][0]["digest"])
        return blob(manifest["config"]["digest"])


def test_image_is_arm64_and_rebuilds_to_the_same_digest(arm_image: tuple[Path, str], tmp_path: Path) -> None:
    archive, digest = arm_image
    config = _image_config(archive)
    assert (config["architecture"], config["os"]) == ("arm64", "linux")
    assert config["config"]["Entrypoint"] == ["python3", "/opt/hytnas/device_timer.py"]
    assert (archive.parent / f"{NAME}.docker.tar").stat().st_size > 10_000_000
    assert build_image(tmp_path) == digest


def _models(folder: Path) -> Path:
    import torch

    from hytnas.nn.onnx_export import export_onnx

    folder.mkdir()
    torch.manual_seed(0)
    small = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, stride=2), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1),
                                torch.nn.Flatten(), torch.nn.Linear(16, 2)).eval()
    export_onnx(small, folder / "net.onnx", 32)
    export_onnx(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3 * 32 * 32, 2)).eval(), folder / "calibration.onnx", 32)
    manifest = {"warmup": 1, "runs": 3, "threads": 1, "calibration": "calibration.onnx",
                "models": [{"name": "net", "file": "net.onnx", "seed": 5}, {"name": "gone", "file": "gone.onnx"}]}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_image_times_models_under_qemu(arm_image: tuple[Path, str], tmp_path: Path) -> None:
    need(RUN_TOOLS)
    models = _models(tmp_path / "models")
    result = subprocess.run(
        ["bash", str(IMAGE_DIR / "run-emulated.sh"), str(arm_image[0]), str(models)],
        capture_output=True, text=True, timeout=600, env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HYTNAS_ARM_CACHE": str(tmp_path / "cache")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["name"] for r in records] == ["net", "gone"]
    ok, failed = records
    assert ok["status"] == "ok" and set(RESULT_FIELDS) <= set(ok) and ok["runs"] == 3
    assert 0 < ok["latency_p10_ms"] <= ok["latency_ms"] <= ok["latency_p90_ms"]
    assert ok["calibration_ms"] > 0
    print_ = ok["fingerprint"]
    assert print_["machine"] == "aarch64"
    assert (print_["runtime"], print_["cpu_model"]) == ("onnxruntime", "BCM2835")
    assert failed["status"] == "error" and "gone.onnx" in failed["message"] and "\n" not in failed["message"]


def test_emulated_run_names_a_missing_image(tmp_path: Path) -> None:
    result = subprocess.run(["bash", str(IMAGE_DIR / "run-emulated.sh"), str(tmp_path / "none.oci.tar"), str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "none.oci.tar" in result.stderr
