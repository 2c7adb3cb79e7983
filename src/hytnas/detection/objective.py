"""Training a detector with the one training loop: its batches and its objective.

:func:`detection_batches` yields ``(images, targets)``: ``images`` float ``B x 3 x R x R`` in
[0, 1] (SSD's own transform normalises them), ``targets`` one ``{"boxes": k x 4, "labels": k}``
per image (boxes ``x1 y1 x2 y2`` in pixels), with random horizontal flips when augmenting.
:class:`Detection` is the :class:`~hytnas.training.loop.Objective` the loop takes: SSD's loss
(box regression plus classification) on a training batch, COCO mAP@[.5:.95] (in percent) of
the validation split as the score.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from hytnas.detection.coco_eval import evaluate as coco_evaluate
from hytnas.detection.data import DetectionSplit, to_results


def detection_batches(
    split: DetectionSplit,
    batch_size: int,
    *,
    augment: bool = False,
    shuffle: bool = False,
    seed: int = 0,
    drop_last: bool = False,
    indices: np.ndarray | None = None,
) -> Iterator[tuple[Any, list[dict[str, Any]]]]:
    """Batches of ``split`` (all images, or ``indices``), seeded by ``seed``.

    Yields:
        ``(images, targets)``: a float32 ``B x 3 x R x R`` tensor in [0, 1] and per image
        ``{"boxes": float32 k x 4, "labels": int64 k, "index": position in the split}``.
    """
    import torch

    order = np.arange(len(split)) if indices is None else np.asarray(indices)
    rng = np.random.default_rng(seed)
    if shuffle:
        order = order[rng.permutation(len(order))]
    stop = len(order) - (len(order) % batch_size if drop_last else 0)
    side = float(split.resolution)
    for start in range(0, stop, batch_size):
        chosen = order[start : start + batch_size]
        if len(chosen) == 0:
            break
        images = split.images[chosen].astype(np.float32) / 255.0
        flips = rng.random(len(chosen)) < 0.5 if augment else np.zeros(len(chosen), dtype=bool)
        targets = []
        for k, index in enumerate(chosen):
            boxes = split.boxes[index].copy()
            if flips[k]:
                images[k] = images[k][:, ::-1]
                boxes[:, [0, 2]] = side - boxes[:, [2, 0]]
            targets.append(
                {
                    "boxes": torch.from_numpy(boxes.reshape(-1, 4)),
                    "labels": torch.from_numpy(split.labels[index]),
                    "index": int(index),
                }
            )
        yield torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2))), targets


def predict(model: Any, split: DetectionSplit, batch_size: int = 16, device: Any = "cpu") -> list[dict[str, Any]]:
    """COCO results of ``model`` (eval mode, no gradients) on every image of ``split``."""
    import torch

    was_training = model.training
    model.eval()
    results: list[dict[str, Any]] = []
    try:
        with torch.inference_mode():
            for images, targets in detection_batches(split, batch_size):
                outputs = model(list(images.to(device)))
                for target, out in zip(targets, outputs):
                    results += to_results(
                        split, target["index"], out["boxes"].cpu().numpy(), out["scores"].cpu().numpy(), out["labels"].cpu().numpy()
                    )
    finally:
        model.train(was_training)
    return results


class Detection:
    """SSD's loss on training batches; COCO mAP@[.5:.95] of ``val`` as the score (percent).

    The validation batches the loop passes are ignored: the score is always the whole of
    ``val`` (COCOeval needs every image at once)."""

    score_name = "map"

    def __init__(self, val: DetectionSplit, batch_size: int = 16) -> None:
        self.val = val
        self.batch_size = batch_size
        self.detections: list[dict[str, Any]] = []
        """The COCO results of the last evaluation."""
        self.stats: dict[str, float] = {}
        """The 12 COCOeval numbers (fractions) of the last evaluation."""

    def step(self, model: Any, batch: Any, device: Any, channels_last: bool, amp: bool) -> tuple[Any, int, None]:
        import torch

        images, targets = batch
        images = images.to(device, non_blocking=True)
        moved = [{"boxes": t["boxes"].to(device), "labels": t["labels"].to(device)} for t in targets]
        with torch.autocast(images.device.type, dtype=torch.float16, enabled=amp):
            losses = model(list(images), moved)
        return losses["bbox_regression"] + losses["classification"], len(targets), None

    def evaluate(self, model: Any, batches: Any, device: Any, channels_last: bool, amp: bool) -> tuple[float, float]:
        self.detections = predict(model, self.val, self.batch_size, device)
        self.stats = coco_evaluate(self.val.ground_truth, self.detections)
        return float("nan"), 100.0 * max(0.0, self.stats["map"])


__all__ = ["Detection", "detection_batches", "predict"]
