"""The prepare_data stage end to end: a tiny COCO 2014 tree, and small generated scenes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from hytnas.data.arrays import load_vww
from hytnas.errors import DataError

REPO = Path(__file__).resolve().parents[2]


def _params(tmp_path: Path, **data: object) -> Path:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["data"].update(data)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def _stage(name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(REPO / "stages" / f"{name}.py"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=REPO)


def test_coco2014_tree(tmp_path: Path, coco2014_tree: Path) -> None:
    params = _params(tmp_path, source="coco", coco_root=str(coco2014_tree), threshold=None, area_source=None,
                     resolution=32, extra_resolutions=[16], val_ids_file=None)
    out, reports = tmp_path / "vww", tmp_path / "reports" / "data.json"
    result = _stage("prepare_data", "--params", params, "--out", out, "--reports", reports)
    assert result.returncode == 0, result.stderr
    assert "COCO_train2014_000000000003.jpg: unreadable" in result.stderr  # truncated, named in the log
    assert "COCO_val2014_000000000007.jpg: missing" in result.stderr

    labels = pd.read_csv(out / "labels.csv")
    assert list(labels.columns) == ["image_id", "file", "split", "label", "person_area_fraction"]
    assert sorted(labels["image_id"]) == [1, 2, 4, 5, 6]
    by_id = labels.set_index("image_id")
    assert by_id.loc[1, "file"] == "train2014/COCO_train2014_000000000001.jpg"
    assert by_id["label"].to_dict() == {1: 1, 2: 0, 4: 0, 5: 1, 6: 0}  # pyvww: 10 px person at 88x60 is < 0.5%
    assert by_id.loc[1, "person_area_fraction"] == pytest.approx(900 / (88 * 60))

    metrics = json.loads(reports.read_text())
    assert metrics["images_listed"] == 7 and metrics["images"] == 5
    assert metrics["skipped"] == 2 and metrics["skipped_unreadable"] == 1 and metrics["skipped_missing"] == 1
    assert metrics["train_images"] + metrics["val_images"] == 5
    assert metrics["train_positive"] + metrics["val_positive"] == 2
    assert metrics["threshold"] == 0.005
    skipped = pd.read_csv(out / "skipped.csv")
    assert sorted(skipped["reason"]) == ["missing", "unreadable"]

    for res in (16, 32):
        images = np.load(out / f"images_{res}.npy", mmap_mode="r")
        assert images.shape == (5, res, res, 3) and images.dtype == np.uint8
    arrays = load_vww(out, 32)
    assert len(arrays.train_y) + len(arrays.val_y) == 5 and arrays.train_y.dtype == np.int64
    assert arrays.train_x.shape[1:] == (32, 32, 3)


@pytest.mark.parametrize(
    "area_source, labels, dropped",
    [
        # Box 20 x 20 = 400 px is above 2.5% of every image, so the box rule keeps images 2 and 6.
        (None, {1: 1, 2: 1, 4: 0, 5: 1, 6: 1}, 0),
        # Their segmentation areas (10 and 3 px) are below it: dropped, not negative.
        ("segmentation", {1: 1, 4: 0, 5: 1}, 2),
    ],
)
def test_coco2014_mlperf_tiny(tmp_path: Path, coco2014_tree: Path, area_source: str | None, labels: dict, dropped: int) -> None:
    params = _params(tmp_path, source="coco", coco_root=str(coco2014_tree), variant="mlperf-tiny",
                     threshold=None, area_source=area_source, resolution=16, extra_resolutions=[])
    result = _stage("prepare_data", "--params", params, "--out", tmp_path / "vww", "--reports", tmp_path / "d.json")
    assert result.returncode == 0, result.stderr
    metrics = json.loads((tmp_path / "d.json").read_text())
    assert metrics["skipped_small_persons"] == dropped and metrics["threshold"] == 0.025
    assert metrics["skipped"] == dropped + 2
    table = pd.read_csv(tmp_path / "vww" / "labels.csv").set_index("image_id")["label"].to_dict()
    assert table == labels


@pytest.mark.parametrize(
    "data, message",
    [
        ({"source": "coco", "coco_root": "/nonexistent/coco"}, "data.coco_root /nonexistent/coco: not found; expected a COCO 2014 folder"),
        ({"source": "coco", "coco_root": None}, "data.coco_root is not set"),
        ({"threshold": 1.5}, "data.threshold = 1.5: expected less than 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, data: dict, message: str) -> None:
    result = _stage("prepare_data", "--params", _params(tmp_path, **data), "--out", tmp_path / "vww",
                    "--reports", tmp_path / "d.json", "--raw", tmp_path / "raw")
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "vww" / "labels.csv").exists()


def test_synthetic_stages(tmp_path: Path) -> None:
    params = _params(tmp_path, synthetic={"images": 40, "image_size": 64, "seed": 3}, resolution=32,
                     extra_resolutions=[], threshold=None, area_source=None)
    raw, out, reports = tmp_path / "raw", tmp_path / "vww", tmp_path / "data.json"
    result = _stage("synth_data", "--params", params, "--out", raw)
    assert result.returncode == 0, result.stderr
    result = _stage("prepare_data", "--params", params, "--raw", raw, "--out", out, "--reports", reports)
    assert result.returncode == 0, result.stderr
    metrics = json.loads(reports.read_text())
    assert metrics["images"] == 40 and metrics["skipped"] == 0
    labels = pd.read_csv(out / "labels.csv")
    assert labels["file"].str.startswith("images/").all()
    # The VWW val split is the generator's val file (same rule, same seed and fraction).
    val_file = json.loads((raw / "annotations" / "instances_val.json").read_text())
    assert sorted(labels.loc[labels["split"] == "val", "image_id"]) == sorted(i["id"] for i in val_file["images"])


def test_load_vww_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="labels.csv: not found; run the prepare_data stage"):
        load_vww(tmp_path, 64)
    (tmp_path / "labels.csv").write_text("image_id,file,split,label,person_area_fraction\n1,a.jpg,train,1,0.1\n")
    with pytest.raises(DataError, match="images_64.npy: not found"):
        load_vww(tmp_path, 64)
    np.save(tmp_path / "images_64.npy", np.zeros((2, 64, 64, 3), np.uint8))
    with pytest.raises(DataError, match="has 2 rows but"):
        load_vww(tmp_path, 64)
