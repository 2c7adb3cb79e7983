"""Reading COCO instances files and locating COCO-format datasets on disk.

A :class:`CocoSource` is one annotation file plus the folder its ``file_name`` entries live
in. :func:`coco2014_sources` and :func:`synthetic_sources` check a dataset's layout and return
its sources; :func:`read_instances` loads one file and checks, field by field, that it is a
COCO instances file, raising :class:`~hytnas.errors.DataError` with one line naming the file
and the first missing or malformed field.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Any

from hytnas.errors import DataError
from hytnas.io import read_json

COCO2014_LAYOUT = (
    "annotations/instances_train2014.json, annotations/instances_val2014.json, train2014/, val2014/"
)
SYNTHETIC_LAYOUT = "annotations/instances_train.json, annotations/instances_val.json, images/"

_IMAGE_FIELDS = ("id", "file_name", "width", "height")
_ANNOTATION_FIELDS = ("image_id", "category_id", "bbox", "area")
_CATEGORY_FIELDS = ("id", "name")


@dataclass(frozen=True)
class CocoSource:
    """One COCO instances file and where its images are.

    Attributes:
        annotations: the instances JSON file.
        root: dataset folder; image paths in tables are relative to it.
        image_dir: folder of this file's images, relative to ``root`` (e.g. ``train2014``).
    """

    annotations: Path
    root: Path
    image_dir: str

    def relative_file(self, file_name: str) -> str:
        """``<image_dir>/<file_name>``: an image's path relative to ``root``."""
        return f"{self.image_dir}/{file_name}" if self.image_dir else file_name


@dataclass(frozen=True)
class Instances:
    """The parts of a COCO instances file the VWW builder uses (entries are the file's dicts)."""

    path: Path
    images: list[dict[str, Any]]
    annotations: list[dict[str, Any]]
    categories: dict[int, str]

    def category_id(self, name: str) -> int:
        """Id of the category called ``name``; :class:`DataError` if there is none."""
        for cid, cname in self.categories.items():
            if cname == name:
                return cid
        raise DataError(f"{self.path}: no category named {name!r} in 'categories'")


def _layout_error(root: Path, what: str, layout: str) -> DataError:
    return DataError(f"{what}: not found; expected {root} to hold {layout}")


def coco2014_sources(root: str | Path) -> list[CocoSource]:
    """The train2014 and val2014 sources of a COCO 2014 folder, after checking its layout."""
    root = Path(root)
    if not root.is_dir():
        raise DataError(f"data.coco_root {root}: not found; expected a COCO 2014 folder with {COCO2014_LAYOUT}")
    sources = []
    for split in ("train2014", "val2014"):
        annotations = root / "annotations" / f"instances_{split}.json"
        if not annotations.is_file():
            raise _layout_error(root, str(annotations), COCO2014_LAYOUT)
        if not (root / split).is_dir():
            raise _layout_error(root, str(root / split) + "/", COCO2014_LAYOUT)
        sources.append(CocoSource(annotations, root, split))
    return sources


def synthetic_sources(root: str | Path) -> list[CocoSource]:
    """The train and val sources of a generated dataset (``hytnas data synth``)."""
    root = Path(root)
    sources = []
    for split in ("train", "val"):
        annotations = root / "annotations" / f"instances_{split}.json"
        if not annotations.is_file():
            raise DataError(
                f"{annotations}: not found; expected generated scenes in {root} ({SYNTHETIC_LAYOUT}), "
                "made by `hytnas data synth` or the synth_data stage"
            )
        sources.append(CocoSource(annotations, root, "images"))
    if not (root / "images").is_dir():
        raise DataError(f"{root / 'images'}/: not found; expected generated scenes in {root} ({SYNTHETIC_LAYOUT})")
    return sources


def read_instances(path: str | Path) -> Instances:
    """Load and check a COCO instances file.

    Checks the top-level ``images``, ``annotations`` and ``categories`` lists, and in each
    entry the fields the VWW builder reads: images ``id, file_name, width, height``;
    annotations ``image_id, category_id, bbox, area``; categories ``id, name``.
    """
    path = Path(path)
    data = read_json(path, "a COCO instances file")
    if not isinstance(data, dict):
        raise DataError(f"{path}: not a COCO instances file: expected a JSON object with images, annotations, categories")
    for key in ("images", "annotations", "categories"):
        if key not in data:
            raise DataError(f"{path}: not a COCO instances file: missing field {key!r}")
        if not isinstance(data[key], list):
            raise DataError(f"{path}: not a COCO instances file: field {key!r} is not a list")
    images, annotations, categories = data["images"], data["annotations"], data["categories"]
    _check_entries(path, "images", images, _IMAGE_FIELDS)
    _check_entries(path, "annotations", annotations, _ANNOTATION_FIELDS)
    _check_entries(path, "categories", categories, _CATEGORY_FIELDS)
    for i, image in enumerate(images):
        for key in ("width", "height"):
            value = image[key]
            if not isinstance(value, Real) or isinstance(value, bool) or value <= 0:
                raise DataError(f"{path}: images[{i}].{key} = {value!r}: expected a positive number")
    for i, ann in enumerate(annotations):
        bbox = ann["bbox"]
        if not isinstance(bbox, list) or len(bbox) != 4 or not all(isinstance(v, Real) for v in bbox):
            raise DataError(f"{path}: annotations[{i}].bbox = {bbox!r}: expected [x, y, width, height]")
        if not isinstance(ann["area"], Real):
            raise DataError(f"{path}: annotations[{i}].area = {ann['area']!r}: expected a number")
    return Instances(path, images, annotations, {int(c["id"]): str(c["name"]) for c in categories})


def _check_entries(path: Path, key: str, entries: list[Any], fields: tuple[str, ...]) -> None:
    required = set(fields)
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise DataError(f"{path}: {key}[{i}] is not a JSON object")
        missing = required - entry.keys()
        if missing:
            field = next(f for f in fields if f in missing)
            raise DataError(f"{path}: not a COCO instances file: {key}[{i}] has no field {field!r}")
