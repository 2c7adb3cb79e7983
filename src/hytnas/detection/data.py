"""Detection data: COCO-format instances and images, as arrays a detector trains on.

Sources: the generated scenes (``data/raw/synthetic``: exact boxes for persons and eight other
categories) or a COCO folder, 2017 (``annotations/instances_{train,val}2017.json``,
``train2017/``, ``val2017/``) or 2014. Each split is read once, checked for detection
(:func:`hytnas.detection.coco_eval.read_ground_truth`), restricted to the chosen categories,
and its images squashed to ``resolution x resolution`` (the whole frame kept, as the VWW arrays
are) with the boxes scaled alike.

Labels are contiguous, ``1..C`` in the order of the chosen categories (0 is the background);
:func:`to_results` maps a detector's outputs back to COCO results in the original images'
pixels, so COCOeval scores them against the untouched ground truth.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from hytnas.data.coco import CocoSource, Instances, coco2014_sources, synthetic_sources
from hytnas.detection.coco_eval import read_ground_truth
from hytnas.errors import DataError

log = logging.getLogger(__name__)

COCO2017_LAYOUT = "annotations/instances_train2017.json, annotations/instances_val2017.json, train2017/, val2017/"


def detection_sources(source: str, *, coco_root: str | Path | None, raw: str | Path) -> list[CocoSource]:
    """``[train, val]`` sources: the generated scenes under ``raw`` (``synthetic``) or COCO 2017
    (else 2014) under ``coco_root`` (``coco``).

    Raises:
        DataError: a missing folder or file, naming what the layout should be.
    """
    if source == "synthetic":
        return synthetic_sources(raw)
    if source != "coco":
        raise DataError(f"detect.source = {source!r}: expected synthetic or coco")
    if not coco_root:
        raise DataError("detect.coco_root is not set; with detect.source: coco it must name a COCO 2017 or 2014 folder")
    root = Path(coco_root)
    if (root / "annotations" / "instances_train2017.json").is_file():
        sources = []
        for split in ("train2017", "val2017"):
            annotations = root / "annotations" / f"instances_{split}.json"
            if not annotations.is_file() or not (root / split).is_dir():
                raise DataError(f"{annotations if not annotations.is_file() else root / split}: not found; expected {root} to hold {COCO2017_LAYOUT}")
            sources.append(CocoSource(annotations, root, split))
        return sources
    return coco2014_sources(root)


def select_categories(instances: Instances, wanted: Sequence[str] | None, key: str = "detect.categories") -> list[int]:
    """COCO category ids of the ``wanted`` names, in that order (``None``: every category of the
    file, by id).

    Raises:
        DataError: a name the file's categories do not have (one line listing them).
    """
    if wanted is None:
        return sorted(instances.categories)
    by_name = {name: cid for cid, name in instances.categories.items()}
    missing = [name for name in wanted if name not in by_name]
    if missing:
        raise DataError(
            f"{key}: {', '.join(map(repr, missing))} not among the categories of {instances.path} "
            f"({', '.join(sorted(by_name))})"
        )
    return [by_name[name] for name in wanted]


@dataclass(frozen=True)
class DetectionSplit:
    """One split ready for training or evaluation.

    Attributes:
        images: ``n x R x R x 3`` uint8 RGB, squashed to ``resolution``.
        boxes: per image a ``k x 4`` float32 array, ``x1 y1 x2 y2`` in pixels of the ``R x R`` image.
        labels: per image ``k`` int64 labels in ``1..C``.
        image_ids: ``n`` COCO image ids.
        sizes: ``n x 2`` original ``(width, height)`` in pixels.
        resolution: ``R``.
        category_ids: the ``C`` COCO category ids; label ``j`` is ``category_ids[j - 1]``.
        names: their names.
        ground_truth: the instances restricted to these images and categories (for COCOeval).
    """

    images: np.ndarray
    boxes: list[np.ndarray]
    labels: list[np.ndarray]
    image_ids: np.ndarray
    sizes: np.ndarray
    resolution: int
    category_ids: tuple[int, ...]
    names: tuple[str, ...]
    ground_truth: Instances

    @property
    def num_classes(self) -> int:
        """Classes of a detector for this split, the background included."""
        return 1 + len(self.category_ids)

    def __len__(self) -> int:
        return len(self.image_ids)


def _choose(images: list[dict[str, Any]], max_images: int | None, seed: int) -> list[dict[str, Any]]:
    ordered = sorted(images, key=lambda image: int(image["id"]))
    if max_images is None or max_images >= len(ordered):
        return ordered
    keep = np.sort(np.random.default_rng(seed).choice(len(ordered), size=max_images, replace=False))
    return [ordered[i] for i in keep]


def load_split(
    source: CocoSource,
    resolution: int,
    *,
    categories: Sequence[str] | None = None,
    max_images: int | None = None,
    seed: int = 0,
) -> DetectionSplit:
    """Read, check and prepare one split.

    Args:
        source: the instances file and its image folder.
        resolution: side of the prepared images, pixels.
        categories: names to detect (default: all of the file's); others are dropped.
        max_images: a seeded subset of this many images (default: all).
        seed: seed of the subset.

    Raises:
        DataError: a bad instances file or box, an unknown category, an unreadable image.
    """
    from hytnas.data.prepare import decode

    instances = read_ground_truth(source.annotations)
    category_ids = select_categories(instances, categories)
    label_of = {cid: j + 1 for j, cid in enumerate(category_ids)}
    chosen = _choose(instances.images, max_images, seed)
    by_image: dict[int, list[dict[str, Any]]] = {int(image["id"]): [] for image in chosen}
    for ann in instances.annotations:
        if int(ann["image_id"]) in by_image and int(ann["category_id"]) in label_of and not ann.get("iscrowd", 0):
            by_image[int(ann["image_id"])].append(ann)
    arrays, boxes, labels, ids, sizes = [], [], [], [], []
    for image in chosen:
        path = source.root / source.relative_file(str(image["file_name"]))
        try:
            arrays.append(decode(path, [resolution])[0])
        except Exception as err:  # noqa: BLE001 - PIL raises many types on bad data
            raise DataError(f"{path}: cannot read image {image['id']} ({type(err).__name__}: {err})") from None
        width, height = float(image["width"]), float(image["height"])
        anns = by_image[int(image["id"])]
        xywh = np.array([ann["bbox"] for ann in anns], dtype=np.float64).reshape(-1, 4)
        scale = np.array([resolution / width, resolution / height] * 2)
        xyxy = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1) * scale
        boxes.append(np.clip(xyxy, 0, resolution).astype(np.float32))
        labels.append(np.array([label_of[int(ann["category_id"])] for ann in anns], dtype=np.int64))
        ids.append(int(image["id"]))
        sizes.append((width, height))
    kept_ids = set(ids)
    ground_truth = Instances(
        instances.path,
        [image for image in instances.images if int(image["id"]) in kept_ids],
        [ann for anns in by_image.values() for ann in anns],
        {cid: instances.categories[cid] for cid in category_ids},
    )
    log.info(
        "detection data: %d images, %d boxes of %d categories from %s at %d px",
        len(ids), sum(len(b) for b in boxes), len(category_ids), source.annotations, resolution,
    )
    return DetectionSplit(
        images=np.stack(arrays) if arrays else np.zeros((0, resolution, resolution, 3), np.uint8),
        boxes=boxes,
        labels=labels,
        image_ids=np.array(ids, dtype=np.int64),
        sizes=np.array(sizes, dtype=np.float64).reshape(-1, 2),
        resolution=resolution,
        category_ids=tuple(category_ids),
        names=tuple(instances.categories[cid] for cid in category_ids),
        ground_truth=ground_truth,
    )


def to_results(
    split: DetectionSplit, index: int, boxes: np.ndarray, scores: np.ndarray, labels: np.ndarray
) -> list[dict[str, Any]]:
    """COCO results of image ``index``: ``boxes`` ``k x 4`` (``x1 y1 x2 y2`` in the ``R x R``
    image), ``scores`` ``k``, ``labels`` ``k`` in ``1..C``, mapped to its original pixels."""
    width, height = split.sizes[index]
    scale = np.array([width / split.resolution, height / split.resolution] * 2)
    xyxy = np.asarray(boxes, dtype=np.float64).reshape(-1, 4) * scale
    out = []
    for (x1, y1, x2, y2), score, label in zip(xyxy, np.asarray(scores).ravel(), np.asarray(labels).ravel()):
        out.append(
            {
                "image_id": int(split.image_ids[index]),
                "category_id": int(split.category_ids[int(label) - 1]),
                "bbox": [round(float(x1), 2), round(float(y1), 2), round(float(x2 - x1), 2), round(float(y2 - y1), 2)],
                "score": round(float(score), 5),
            }
        )
    return out


__all__ = ["COCO2017_LAYOUT", "DetectionSplit", "detection_sources", "load_split", "select_categories", "to_results"]
