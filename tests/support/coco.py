"""Hand-made COCO files and tiny COCO 2014 trees, as the data tests (and detection) need them."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

PERSON = {"id": 1, "name": "person", "supercategory": "person"}
CHAIR = {"id": 62, "name": "chair", "supercategory": "furniture"}


def annotation(ann_id: int, image_id: int, area: float, box: tuple[float, float], category: int = 1) -> dict[str, Any]:
    """A COCO annotation whose segmentation area and box size (w, h) are set independently."""
    w, h = box
    return {
        "id": ann_id, "image_id": image_id, "category_id": category, "iscrowd": 0, "area": float(area),
        "bbox": [1.0, 1.0, float(w), float(h)],
        "segmentation": [[1.0, 1.0, 1.0 + w, 1.0, 1.0 + w, 1.0 + h, 1.0, 1.0 + h]],
    }


def write_coco(
    path: Path, images: list[dict[str, Any]], annotations: list[dict[str, Any]], categories: list[dict[str, Any]] | None = None
) -> Path:
    """An instances file at ``path`` (categories: person and chair unless given)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"images": images, "annotations": annotations, "categories": categories or [PERSON, CHAIR]}))
    return path


def jpeg_bytes(width: int, height: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    buffer = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)).save(buffer, format="JPEG")
    return buffer.getvalue()


def write_coco2014_tree(root: Path) -> Path:
    """A COCO 2014-shaped folder at ``root``: 4 train + 3 val images, one truncated JPEG, one missing file.

    Image 3 (train) is truncated, image 7 (val) is listed but absent. Persons: image 1 has a
    large one (positive), image 2 a tiny one (negative under pyvww), image 5 a large one.
    """
    layout = {"train2014": [1, 2, 3, 4], "val2014": [5, 6, 7]}
    for split, ids in layout.items():
        (root / split).mkdir(parents=True)
        images, anns = [], []
        for image_id in ids:
            name = f"COCO_{split}_{image_id:012d}.jpg"
            width, height = 80 + 8 * image_id, 60
            images.append({"id": image_id, "file_name": name, "width": width, "height": height})
            data = jpeg_bytes(width, height, image_id)
            if image_id == 3:
                data = data[: len(data) // 2]
            if image_id != 7:
                (root / split / name).write_bytes(data)
        for ann_id, (image_id, area) in enumerate([(1, 900.0), (2, 10.0), (5, 1200.0), (6, 3.0)], start=1):
            if image_id in ids:
                anns.append(annotation(ann_id, image_id, area, (20, 20)))
        anns.append(annotation(99 if split == "train2014" else 98, ids[-1], 2000.0, (40, 40), category=62))
        write_coco(root / "annotations" / f"instances_{split}.json", images, anns)
    return root


def coco80_categories() -> list[dict[str, Any]]:
    """COCO's 80 detection categories with their own (gapped, 1..90) ids, from torchvision's list."""
    from torchvision.models._meta import _COCO_CATEGORIES

    return [{"id": i, "name": name, "supercategory": "coco"} for i, name in enumerate(_COCO_CATEGORIES)
            if name not in ("__background__", "N/A")]


def write_coco2017_tree(root: Path, *, bad_box: bool = False) -> Path:
    """A COCO 2017-shaped folder at ``root`` with the 80 categories: 6 train + 3 val images,
    every one readable, each with a person and, on odd ids, a chair (62) and a toothbrush (90).
    ``bad_box``: train image 2's person ends past the image's right edge."""
    categories = coco80_categories()
    ann_id = 0
    for split, ids in {"train2017": [1, 2, 3, 4, 5, 6], "val2017": [7, 8, 9]}.items():
        (root / split).mkdir(parents=True)
        images, anns = [], []
        for image_id in ids:
            name = f"{image_id:012d}.jpg"
            width, height = 96 + 8 * image_id, 80
            images.append({"id": image_id, "file_name": name, "width": width, "height": height})
            (root / split / name).write_bytes(jpeg_bytes(width, height, image_id))
            boxes = [(1, (10.0, 8.0, 40.0, 60.0))] + ([(62, (60.0, 30.0, 30.0, 40.0)), (90, (4.0, 4.0, 12.0, 6.0))] if image_id % 2 else [])
            for category, (x, y, w, h) in boxes:
                if bad_box and image_id == 2 and category == 1:
                    x = width - 5.0
                ann_id += 1
                anns.append({"id": ann_id, "image_id": image_id, "category_id": category, "iscrowd": 0, "area": w * h,
                             "bbox": [x, y, w, h]})
        write_coco(root / "annotations" / f"instances_{split}.json", images, anns, categories)
    return root
