"""COCOeval through hytnas: perfect detections score 1, bad ground truth and bad detections
are one line each (library and ``hytnas detect eval``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from hytnas.detection.coco_eval import STAT_NAMES, evaluate, read_detections, read_ground_truth
from hytnas.errors import DataError

from support.coco import annotation, write_coco


def _gt(path: Path, boxes: list[tuple[int, int, list[float]]] | None = None) -> Path:
    """Two 100 x 80 images; ``boxes`` as (image_id, category_id, [x, y, w, h])."""
    boxes = boxes or [(1, 1, [10, 10, 30, 40]), (1, 62, [50, 20, 20, 20]), (2, 1, [5, 5, 60, 50])]
    images = [{"id": i, "file_name": f"{i}.jpg", "width": 100, "height": 80} for i in (1, 2)]
    anns = []
    for k, (image_id, category, box) in enumerate(boxes, start=1):
        ann = annotation(k, image_id, box[2] * box[3], (box[2], box[3]), category=category)
        ann["bbox"] = [float(v) for v in box]
        anns.append(ann)
    return write_coco(path, images, anns)


def _perfect(gt: Path) -> list[dict]:
    data = json.loads(gt.read_text())
    return [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"], "score": 0.9} for a in data["annotations"]]


def test_perfect_detections_score_one_and_missing_ones_less(tmp_path: Path) -> None:
    gt = read_ground_truth(_gt(tmp_path / "gt.json"))
    perfect = evaluate(gt, _perfect(tmp_path / "gt.json"))
    assert list(perfect) == list(STAT_NAMES)
    assert perfect["map"] == pytest.approx(1.0) and perfect["map_50"] == pytest.approx(1.0)
    half = evaluate(gt, _perfect(tmp_path / "gt.json")[:1])
    assert 0.0 < half["map"] < 1.0
    person = evaluate(gt, _perfect(tmp_path / "gt.json")[:1], category_ids=[gt.category_id("person")])
    assert person["map"] == pytest.approx(0.5, abs=0.02)  # one of the two persons found
    assert evaluate(gt, [])["map"] <= 0.0


@pytest.mark.parametrize(
    "boxes, message",
    [
        ([(1, 1, [90, 10, 30, 40])], "falls outside its 100 x 80 image"),
        ([(1, 1, [10, 10, 0, 40])], "has a non-positive width or height"),
        ([(3, 1, [10, 10, 5, 5])], "image_id 3 is not in 'images'"),
    ],
)
def test_bad_ground_truth_is_one_line(tmp_path: Path, boxes, message: str) -> None:
    path = _gt(tmp_path / "gt.json", boxes)
    with pytest.raises(DataError) as err:
        read_ground_truth(path)
    assert message in str(err.value) and str(path) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    "detection, message",
    [
        ({"image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.5}, "image_id 7 is not in the ground truth's images"),
        ({"image_id": 1, "category_id": 5, "bbox": [1, 1, 2, 2], "score": 0.5}, "category_id 5 is not among"),
        ({"image_id": 1, "category_id": 1, "bbox": [1, 1, 2], "score": 0.5}, "expected [x, y, width, height]"),
        ({"image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}, "has no field 'score'"),
    ],
)
def test_bad_detections_are_one_line(tmp_path: Path, detection: dict, message: str) -> None:
    gt = read_ground_truth(_gt(tmp_path / "gt.json"))
    dt = tmp_path / "dt.json"
    dt.write_text(json.dumps([detection]))
    with pytest.raises(DataError) as err:
        read_detections(dt, gt)
    assert message in str(err.value) and str(dt) in str(err.value) and "\n" not in str(err.value)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hytnas.cli", "detect", *args], capture_output=True, text=True, timeout=300)


def test_eval_command_prints_the_twelve_numbers_and_person_ap(tmp_path: Path) -> None:
    gt = _gt(tmp_path / "gt.json")
    dt = tmp_path / "dt.json"
    dt.write_text(json.dumps(_perfect(gt)))
    done = _cli("eval", "--gt", str(gt), "--dt", str(dt), "--category", "person", "--json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert set(stats) == {*STAT_NAMES, "person_ap"} and stats["map"] == pytest.approx(1.0)


def test_eval_command_refuses_unknown_image_ids_on_one_line(tmp_path: Path) -> None:
    gt = _gt(tmp_path / "gt.json")
    dt = tmp_path / "dt.json"
    dt.write_text(json.dumps([{"image_id": 42, "category_id": 1, "bbox": [1, 1, 2, 2], "score": 0.3}]))
    done = _cli("eval", "--gt", str(gt), "--dt", str(dt))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [f"hytnas: error: {dt}: [0]: image_id 42 is not in the ground truth's images"]


def test_build_command_describes_the_detector() -> None:
    done = _cli("build", "mobilevit_xxs", "--resolution", "160", "--classes", "2")
    assert done.returncode == 0, done.stderr
    assert "params:" in done.stdout and "MACs:" in done.stdout and "feature map 4: " in done.stdout
    bad = _cli("build", "resnet9000")
    assert bad.returncode == 2 and bad.stderr.strip().startswith("hytnas: error: backbone 'resnet9000': unknown")


def test_build_command_loads_backbone_weights(tmp_path: Path) -> None:
    import torch

    from hytnas.nn import get_model

    torch.save(get_model("mobilevit_xxs", 2).state_dict(), tmp_path / "xxs.pt")
    torch.save(get_model("mobilevit_xs", 2).state_dict(), tmp_path / "xs.pt")
    done = _cli("build", "mobilevit_xxs", "--resolution", "128", "--classes", "2", "--weights", str(tmp_path / "xxs.pt"))
    assert done.returncode == 0, done.stderr
    assert "backbone weights: " in done.stdout and f"tensors from {tmp_path / 'xxs.pt'}" in done.stdout
    bad = _cli("build", "mobilevit_xxs", "--resolution", "128", "--weights", str(tmp_path / "xs.pt"))
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "does not fit the backbone's" in bad.stderr
