"""Visual Wake Words labels from COCO instances files, as the published builders make them.

Variants (:class:`VWWRule`):

- ``pyvww`` (Chowdhery et al. 2019; the TF-slim and ``pyvww`` builders; MCUNet and the paper):
  an image is positive (1) if some ``person`` annotation has
  ``area / (width * height) > threshold`` (default 0.005, strict ``>``), negative (0)
  otherwise, including images without annotations. ``area_source="segmentation"`` uses the
  annotation's ``area`` field (COCO's segmentation area, as the builders do), ``"bbox"`` the
  box's ``w * h``.
- ``mlperf-tiny``: the same test with threshold 0.025 on the box area by default, but images
  whose persons all fall below it are dropped rather than labelled negative.

Split (:func:`assign_split`): validation is a given list of image ids (e.g. the standard
8,059-image COCO minival list) when there is one, otherwise the seeded per-id rule of
:func:`hytnas.data.split.val_mask`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Sequence, get_args

import numpy as np
import pandas as pd

from hytnas.data.coco import CocoSource, read_instances
from hytnas.data.split import val_mask
from hytnas.errors import ConfigError, DataError

Variant = Literal["pyvww", "mlperf-tiny"]
AreaSource = Literal["segmentation", "bbox"]

#: Each variant's published threshold and area source.
VARIANT_DEFAULTS: dict[str, tuple[float, str]] = {
    "pyvww": (0.005, "segmentation"),
    "mlperf-tiny": (0.025, "bbox"),
}
FOREGROUND = "person"
LABEL_COLUMNS = ["image_id", "file", "split", "label", "person_area_fraction"]


@dataclass(frozen=True)
class VWWRule:
    """How an image's person annotations become its label.

    Attributes:
        variant: ``pyvww`` (small persons -> negative) or ``mlperf-tiny`` (-> dropped).
        threshold: person area over image area above which the image is positive, in (0, 1).
        area_source: ``segmentation`` (the annotation's ``area``) or ``bbox`` (box ``w * h``).
    """

    variant: Variant = "pyvww"
    threshold: float = 0.005
    area_source: AreaSource = "segmentation"

    def __post_init__(self) -> None:
        if self.variant not in VARIANT_DEFAULTS:
            raise ConfigError(f"VWW variant {self.variant!r}: expected one of {', '.join(VARIANT_DEFAULTS)}")
        if self.area_source not in get_args(AreaSource):
            raise ConfigError(f"VWW area_source {self.area_source!r}: expected 'segmentation' or 'bbox'")
        if not 0.0 < float(self.threshold) < 1.0:
            raise ConfigError(f"VWW threshold {self.threshold!r}: expected a fraction of the image area in (0, 1)")

    @classmethod
    def of(cls, variant: str = "pyvww", threshold: float | None = None, area_source: str | None = None) -> "VWWRule":
        """The rule of ``variant`` with its published threshold and area source unless given."""
        if variant not in VARIANT_DEFAULTS:
            raise ConfigError(f"VWW variant {variant!r}: expected one of {', '.join(VARIANT_DEFAULTS)}")
        default_threshold, default_source = VARIANT_DEFAULTS[variant]
        return cls(
            variant,  # type: ignore[arg-type]
            default_threshold if threshold is None else float(threshold),
            (default_source if area_source is None else area_source),  # type: ignore[arg-type]
        )

    def area(self, annotation: dict) -> float:
        """A person annotation's area in pixels, from the rule's area source."""
        if self.area_source == "bbox":
            return float(annotation["bbox"][2]) * float(annotation["bbox"][3])
        return float(annotation["area"])

    def label(self, fraction: float, has_person: bool) -> int | None:
        """1, 0, or None (dropped) for an image whose largest person covers ``fraction``."""
        if fraction > self.threshold:
            return 1
        if has_person and self.variant == "mlperf-tiny":
            return None
        return 0


@dataclass
class LabelStats:
    """What labelling did besides labelling: counts by outcome."""

    images_listed: int = 0
    dropped_small_persons: int = 0  # mlperf-tiny: persons present, all below the threshold
    persons_below_threshold: int = 0  # pyvww: persons present, all below -> negative
    near_threshold: int = 0  # largest person within a factor 2 of the threshold
    per_source: dict[str, int] = field(default_factory=dict)


def label_images(sources: Sequence[CocoSource], rule: VWWRule) -> tuple[pd.DataFrame, LabelStats]:
    """Labels of every image listed in ``sources``.

    Returns:
        A frame with one row per kept image, columns ``image_id`` (int), ``file`` (path
        relative to the source root), ``label`` (0/1), ``person_area_fraction`` (largest
        person area over image area, by the rule's area source; 0 without persons), in the
        sources' order; and :class:`LabelStats`.
    """
    rows: list[tuple[int, str, int, float]] = []
    stats = LabelStats()
    seen: dict[int, Path] = {}
    for source in sources:
        instances = read_instances(source.annotations)
        person = instances.category_id(FOREGROUND)
        largest: dict[int, float] = {}
        for ann in instances.annotations:
            if ann["category_id"] == person:
                image_id = int(ann["image_id"])
                largest[image_id] = max(largest.get(image_id, 0.0), rule.area(ann))
        stats.per_source[str(source.annotations)] = len(instances.images)
        for image in instances.images:
            image_id = int(image["id"])
            if image_id in seen:
                raise DataError(f"{source.annotations}: image id {image_id} also appears in {seen[image_id]}")
            seen[image_id] = source.annotations
            stats.images_listed += 1
            has_person = image_id in largest
            fraction = largest.get(image_id, 0.0) / (float(image["width"]) * float(image["height"]))
            label = rule.label(fraction, has_person)
            if has_person and 0.5 * rule.threshold <= fraction <= 2.0 * rule.threshold:
                stats.near_threshold += 1
            if label is None:
                stats.dropped_small_persons += 1
                continue
            if has_person and label == 0:
                stats.persons_below_threshold += 1
            rows.append((image_id, source.relative_file(str(image["file_name"])), label, fraction))
    frame = pd.DataFrame(rows, columns=["image_id", "file", "label", "person_area_fraction"])
    return frame.astype({"image_id": "int64", "label": "int64", "person_area_fraction": "float64"}), stats


def read_id_list(path: str | Path) -> set[int]:
    """Image ids, one per line (blank lines and ``#`` comments allowed), e.g. COCO minival."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise DataError(f"data.val_ids_file {path}: cannot read ({err.strerror}); expected one COCO image id per line") from None
    ids: set[int] = set()
    for number, line in enumerate(text.splitlines(), 1):
        item = line.split("#", 1)[0].strip()
        if not item:
            continue
        try:
            ids.add(int(item))
        except ValueError:
            raise DataError(f"{path} line {number}: {item!r} is not an image id; expected one integer per line") from None
    if not ids:
        raise DataError(f"{path}: no image ids; expected one COCO image id per line")
    return ids


def assign_split(image_ids: np.ndarray, *, val_ids: set[int] | None, val_fraction: float, seed: int) -> np.ndarray:
    """``"train"``/``"val"`` for each of ``n`` image ids (object array of length ``n``)."""
    ids = np.asarray(image_ids, dtype=np.int64)
    if val_ids is not None:
        in_val = np.isin(ids, np.fromiter(val_ids, dtype=np.int64, count=len(val_ids)))
    else:
        in_val = val_mask(ids, val_fraction, seed)
    return np.where(in_val, "val", "train").astype(object)


def build_vww(
    sources: Sequence[CocoSource],
    rule: VWWRule,
    *,
    val_ids: set[int] | None = None,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> tuple[pd.DataFrame, LabelStats]:
    """The VWW label table: :data:`LABEL_COLUMNS`, train rows then val rows, each by image id."""
    frame, stats = label_images(sources, rule)
    frame["split"] = assign_split(frame["image_id"].to_numpy(), val_ids=val_ids, val_fraction=val_fraction, seed=seed)
    frame["_order"] = (frame["split"] == "val").astype(int)
    frame = frame.sort_values(["_order", "image_id"], kind="stable").drop(columns="_order").reset_index(drop=True)
    return frame[LABEL_COLUMNS], stats


def summarise(frame: pd.DataFrame) -> dict[str, float | int]:
    """Counts per split and class, and positive ratios, of a label table."""
    out: dict[str, float | int] = {"images": int(len(frame))}
    counts = Counter(zip(frame["split"], frame["label"]))
    for split in ("train", "val"):
        pos, neg = counts.get((split, 1), 0), counts.get((split, 0), 0)
        out[f"{split}_images"] = pos + neg
        out[f"{split}_positive"] = pos
        out[f"{split}_negative"] = neg
        out[f"{split}_positive_ratio"] = round(pos / (pos + neg), 4) if pos + neg else 0.0
    out["positive_ratio"] = round(float(frame["label"].mean()), 4) if len(frame) else 0.0
    return out
