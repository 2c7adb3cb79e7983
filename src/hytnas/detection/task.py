"""The training task of the ``detect`` stage, run by an executor's workers.

:func:`detect_task` builds one SSDLite detector, trains it with the one training loop and the
:class:`~hytnas.detection.objective.Detection` objective, scores the validation split with
COCOeval (the 12 standard numbers and the person AP), saves its weights and validation
detections into the job's artifact folder, and returns the numbers as an outcome. The driver
alone writes the records and the stage's outputs.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hytnas.detection.backbones import DetectionBackbone
from hytnas.detection.data import DetectionSplit, detection_sources, load_split
from hytnas.io import atomic_open, write_text
from hytnas.runs.outcome import is_out_of_memory, one_line, outcome
from hytnas.seeds import arch_seed
from hytnas.training.recipe import Recipe

WEIGHTS_FILE = "weights.pt"
DETECTIONS_FILE = "detections.json"
DETECT_VERSION = 1
"""Bump when a change to the detector, its data or its scoring must redo stored results."""


@dataclass(frozen=True)
class DetectionData:
    """The two splits every detector of a run sees (a picklable description).

    Attributes:
        source: ``synthetic`` or ``coco``.
        coco_root: the COCO folder (``coco``).
        raw: the generated scenes (``synthetic``), absolute.
        categories: names to detect (``None``: all).
        resolution: image side, pixels.
        train_images, val_images: seeded subset sizes (``None``: all).
        subset_seed: seed of the subsets.
    """

    source: str
    coco_root: str | None
    raw: str
    categories: tuple[str, ...] | None
    resolution: int
    train_images: int | None
    val_images: int | None
    subset_seed: int

    def load(self) -> tuple[DetectionSplit, DetectionSplit]:
        train, val = detection_sources(self.source, coco_root=self.coco_root, raw=self.raw)
        return (
            load_split(train, self.resolution, categories=self.categories, max_images=self.train_images, seed=self.subset_seed),
            load_split(val, self.resolution, categories=self.categories, max_images=self.val_images, seed=self.subset_seed + 1),
        )


@functools.lru_cache(maxsize=2)
def load_detection_data(data: DetectionData) -> tuple[DetectionSplit, DetectionSplit]:
    """The splits of ``data``, loaded once per worker process."""
    return data.load()


def split_digest(train: DetectionSplit, val: DetectionSplit) -> str:
    """SHA-256 (16 hex digits) of both splits' images, boxes, labels and image ids."""
    digest = hashlib.sha256()
    for split in (train, val):
        for array in (split.images, split.image_ids, *split.boxes, *split.labels):
            array = np.ascontiguousarray(array)
            digest.update(f"{array.shape}{array.dtype}".encode())
            digest.update(array.tobytes())
        digest.update(json.dumps([split.category_ids, split.names]).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class DetectPayload:
    """One detector, one seed.

    Attributes:
        backbone: what to build the detector around.
        data: the splits.
        recipe: optimiser and schedule (``label_smoothing`` unused: SSD's loss has none).
        seed: the run's seed (weights, batch order, flips).
        augment: random horizontal flips.
        artifacts: folder for the weights and validation detections (absolute).
        device: ``cpu`` or ``cuda``.
    """

    backbone: DetectionBackbone
    data: DetectionData
    recipe: Recipe
    seed: int
    augment: bool
    artifacts: str
    device: str = "cpu"


def detect_task(payload: DetectPayload) -> dict[str, Any]:
    """Train and score one detector; an outcome whose result holds the 12 COCO numbers
    (``map`` ... ``mar_large``, fractions), ``person_ap`` (when person is a category),
    ``params``, ``macs``, ``seconds``, ``images_per_second`` and ``history``. Failures:
    ``invalid_arch``, ``diverged``, ``out_of_memory``."""
    import torch

    from hytnas.detection.coco_eval import evaluate
    from hytnas.detection.objective import Detection, detection_batches
    from hytnas.detection.pretrained import load_backbone_weights
    from hytnas.detection.ssdlite import build_detector, detector_macs
    from hytnas.nn import count_params
    from hytnas.runs.fingerprint import fingerprint
    from hytnas.training.loop import Diverged, seed_everything, train

    source = {"device": payload.device, **fingerprint(torch.get_num_threads())}
    train_split, val_split = load_detection_data(payload.data)
    resolution, recipe = payload.data.resolution, payload.recipe
    try:
        seed_everything(payload.seed)
        model = build_detector(payload.backbone.detector_spec(train_split.num_classes, resolution))
    except Exception as err:  # noqa: BLE001
        if is_out_of_memory(err):
            return outcome("out_of_memory", one_line(err), source=source)
        return outcome("invalid_arch", f"{payload.backbone.label} does not build a detector: {one_line(err)}", source=source)
    if payload.backbone.weights is not None:
        load_backbone_weights(model, payload.backbone.weights)
    steps = max(1, len(train_split) // recipe.batch_size)
    backbone = payload.backbone

    def batches(epoch: int) -> Any:
        return detection_batches(
            train_split, recipe.batch_size, augment=payload.augment, shuffle=True,
            seed=arch_seed(payload.seed, backbone.seed_id, f"epoch{epoch}"), drop_last=len(train_split) >= recipe.batch_size,
        )

    objective = Detection(val_split)
    try:
        result = train(model, batches, lambda: iter(()), recipe, steps_per_epoch=steps, seed=payload.seed,
                       device=payload.device, objective=objective)
    except Diverged as err:
        return outcome("diverged", str(err), source=source)
    except Exception as err:  # noqa: BLE001
        if is_out_of_memory(err):
            return outcome("out_of_memory", one_line(err), source=source)
        raise
    model = model.cpu().float()
    detections = objective.detections  # the last epoch's evaluation: the trained model's
    values: dict[str, Any] = {**objective.stats}
    if "person" in val_split.names:
        person = val_split.category_ids[val_split.names.index("person")]
        values["person_ap"] = evaluate(val_split.ground_truth, detections, category_ids=[person])["map"]
    folder = Path(payload.artifacts)
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    with atomic_open(folder / WEIGHTS_FILE, "wb") as handle:
        torch.save(state, handle)
    write_text(folder / DETECTIONS_FILE, json.dumps(detections) + "\n")
    values.update(
        params=count_params(model),
        macs=detector_macs(model, resolution),
        train_images=len(train_split),
        val_images=len(val_split),
        seconds=result.seconds,
        images_per_second=result.images_per_second,
        history=[asdict(epoch) for epoch in result.history],
    )
    return outcome("ok", result=values, source=source)


__all__ = [
    "DETECTIONS_FILE",
    "DETECT_VERSION",
    "DetectPayload",
    "DetectionData",
    "WEIGHTS_FILE",
    "detect_task",
    "load_detection_data",
    "split_digest",
]
