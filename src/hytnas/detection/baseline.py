"""The floor a detector must clear: boxes drawn at random from the training set's statistics.

Each validation image gets ``per_image`` boxes whose centre, width and height (fractions of the
image side) and label are drawn from the training boxes (an empirical joint draw: one whole
training box per guess, its centre jittered), with uniform scores. A trained detector far
above this score has learnt where objects are, not only their typical sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hytnas.detection.data import DetectionSplit, to_results


def random_detections(train: DetectionSplit, val: DetectionSplit, *, per_image: int = 10, seed: int = 0) -> list[dict[str, Any]]:
    """COCO results for every image of ``val``: ``per_image`` random boxes each (none when the
    training split has no box)."""
    rng = np.random.default_rng(seed)
    pool = [b / train.resolution for b in train.boxes if len(b)]
    if not pool:
        return []
    boxes = np.concatenate(pool)  # m x 4, fractions
    labels = np.concatenate([l for b, l in zip(train.boxes, train.labels) if len(b)])
    out: list[dict[str, Any]] = []
    for index in range(len(val)):
        pick = rng.integers(0, len(boxes), size=per_image)
        w = boxes[pick, 2] - boxes[pick, 0]
        h = boxes[pick, 3] - boxes[pick, 1]
        cx = rng.uniform(w / 2, 1 - w / 2)
        cy = rng.uniform(h / 2, 1 - h / 2)
        xyxy = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1) * val.resolution
        out += to_results(val, index, xyxy, rng.uniform(size=per_image), labels[pick])
    return out


__all__ = ["random_detections"]
