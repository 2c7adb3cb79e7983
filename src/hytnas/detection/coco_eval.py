"""COCO detection scores with pycocotools: the ground truth checked, the detections checked,
``COCOeval`` run, its 12 standard numbers returned (and AP of one category, e.g. person).

Ground truth is a COCO instances file (:func:`hytnas.data.coco.read_instances` checks its
fields); :func:`check_boxes` adds what detection needs: every box inside its image with a
positive size, and every annotation on a listed image. Detections are COCO results: a list of
``{"image_id", "category_id", "bbox": [x, y, w, h], "score"}`` in pixels of the original image.
"""

from __future__ import annotations

import contextlib
import io
import math
from numbers import Real
from pathlib import Path
from typing import Any, Sequence

from hytnas.data.coco import Instances, read_instances
from hytnas.errors import DataError
from hytnas.io import read_json

STAT_NAMES = (
    "map", "map_50", "map_75", "map_small", "map_medium", "map_large",
    "mar_1", "mar_10", "mar_100", "mar_small", "mar_medium", "mar_large",
)
"""``COCOeval.stats`` in order: AP@[.5:.95], AP50, AP75, AP small/medium/large, AR@1/10/100,
AR small/medium/large (fractions in [0, 1]; -1 where no box of that size exists)."""
BOX_TOLERANCE = 1.0
"""Pixels a box may stick out of its image (COCO's own boxes round to the pixel grid)."""


def check_boxes(instances: Instances) -> None:
    """:class:`DataError` naming the file and annotation if a box lies outside its image, has a
    non-positive width or height, or belongs to an image the file does not list."""
    sizes = {int(image["id"]): (float(image["width"]), float(image["height"])) for image in instances.images}
    for i, ann in enumerate(instances.annotations):
        where = f"{instances.path}: annotations[{i}] (id {ann.get('id', '?')}, image {ann['image_id']})"
        if int(ann["image_id"]) not in sizes:
            raise DataError(f"{where}: image_id {ann['image_id']} is not in 'images'")
        x, y, w, h = (float(v) for v in ann["bbox"])
        if not (w > 0 and h > 0):
            raise DataError(f"{where}: bbox {ann['bbox']} has a non-positive width or height")
        width, height = sizes[int(ann["image_id"])]
        if x < -BOX_TOLERANCE or y < -BOX_TOLERANCE or x + w > width + BOX_TOLERANCE or y + h > height + BOX_TOLERANCE:
            raise DataError(f"{where}: bbox {ann['bbox']} falls outside its {width:g} x {height:g} image")


def read_ground_truth(path: str | Path) -> Instances:
    """A COCO instances file checked for detection (fields, then boxes)."""
    instances = read_instances(path)
    check_boxes(instances)
    return instances


def check_detections(detections: Any, instances: Instances, source: str = "detections") -> list[dict[str, Any]]:
    """The detections as COCO results, checked against the ground truth.

    Raises:
        DataError: not a list of result objects, a missing or malformed field, an image id
            not in the ground truth, or a category id not among its categories (one line
            naming ``source`` and the entry).
    """
    if not isinstance(detections, list):
        raise DataError(f"{source}: expected a JSON list of detections, got {type(detections).__name__}")
    images = {int(image["id"]) for image in instances.images}
    out = []
    for i, det in enumerate(detections):
        where = f"{source}: [{i}]"
        if not isinstance(det, dict):
            raise DataError(f"{where} is not a JSON object")
        for key in ("image_id", "category_id", "bbox", "score"):
            if key not in det:
                raise DataError(f"{where} has no field {key!r}")
        if det["image_id"] not in images:
            raise DataError(f"{where}: image_id {det['image_id']!r} is not in the ground truth's images")
        if det["category_id"] not in instances.categories:
            raise DataError(f"{where}: category_id {det['category_id']!r} is not among the ground truth's categories")
        box = det["bbox"]
        if not isinstance(box, list) or len(box) != 4 or not all(isinstance(v, Real) and math.isfinite(v) for v in box):
            raise DataError(f"{where}: bbox = {box!r}: expected [x, y, width, height] of finite numbers")
        if not isinstance(det["score"], Real) or not math.isfinite(det["score"]):
            raise DataError(f"{where}: score = {det['score']!r}: expected a finite number")
        out.append(det)
    return out


def read_detections(path: str | Path, instances: Instances) -> list[dict[str, Any]]:
    """Detections from a COCO results JSON file, checked (:func:`check_detections`)."""
    data = read_json(path, "a COCO results file (a list of detections)")
    return check_detections(data, instances, str(path))


def _coco(instances: Instances) -> Any:
    from pycocotools.coco import COCO

    coco = COCO()
    annotations = []
    for i, ann in enumerate(instances.annotations):
        annotations.append({"id": i + 1, "iscrowd": 0, **ann} if "id" not in ann else {"iscrowd": 0, **ann})
    coco.dataset = {
        "images": instances.images,
        "annotations": annotations,
        "categories": [{"id": cid, "name": name} for cid, name in instances.categories.items()],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def evaluate(
    instances: Instances, detections: Sequence[dict[str, Any]], *, category_ids: Sequence[int] | None = None
) -> dict[str, float]:
    """COCOeval (``bbox``) of ``detections`` against ``instances``: the 12 :data:`STAT_NAMES`.

    Args:
        instances: the ground truth (checked: :func:`read_ground_truth`).
        detections: checked detections (:func:`check_detections`).
        category_ids: evaluate these categories only (default: all of the ground truth's).

    Returns:
        ``{name: value}``; with no detections at all every value is 0 (COCOeval's -1 for sizes
        without ground truth is kept).
    """
    from pycocotools.cocoeval import COCOeval

    gt = _coco(instances)
    with contextlib.redirect_stdout(io.StringIO()):
        if detections:
            dt = gt.loadRes([dict(d) for d in detections])
        else:
            dt = _empty_results(gt)
        evaluator = COCOeval(gt, dt, "bbox")
        if category_ids is not None:
            evaluator.params.catIds = list(category_ids)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return {name: float(value) for name, value in zip(STAT_NAMES, evaluator.stats)}


def _empty_results(gt: Any) -> Any:
    from pycocotools.coco import COCO

    dt = COCO()
    dt.dataset = {"images": gt.dataset["images"], "categories": gt.dataset["categories"], "annotations": []}
    dt.createIndex()
    return dt


__all__ = ["BOX_TOLERANCE", "STAT_NAMES", "check_boxes", "check_detections", "evaluate", "read_detections", "read_ground_truth"]
