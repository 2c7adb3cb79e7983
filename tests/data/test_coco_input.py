"""Bad COCO input: one line naming the file and the missing field or the expected layout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hytnas.data.coco import coco2014_sources, read_instances, synthetic_sources
from hytnas.errors import DataError

GOOD_IMAGE = {"id": 1, "file_name": "a.jpg", "width": 4, "height": 4}
GOOD_ANN = {"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1], "area": 1.0}
CATS = [{"id": 1, "name": "person"}]


def _one_line(error: pytest.ExceptionInfo[DataError]) -> str:
    text = str(error.value)
    assert "\n" not in text
    return text


@pytest.mark.parametrize(
    "content, message",
    [
        ({"images": [], "annotations": []}, "not a COCO instances file: missing field 'categories'"),
        ({"images": [], "categories": CATS}, "missing field 'annotations'"),
        ([1, 2], "expected a JSON object with images, annotations, categories"),
        ({"images": {}, "annotations": [], "categories": CATS}, "field 'images' is not a list"),
        ({"images": [{"id": 1, "file_name": "a.jpg", "height": 4}], "annotations": [], "categories": CATS},
         "images[0] has no field 'width'"),
        ({"images": [GOOD_IMAGE], "annotations": [GOOD_ANN, {**GOOD_ANN, "area": None} | {"id": 2}], "categories": CATS},
         "annotations[1].area = None: expected a number"),
        ({"images": [GOOD_IMAGE], "annotations": [{k: v for k, v in GOOD_ANN.items() if k != "bbox"}], "categories": CATS},
         "annotations[0] has no field 'bbox'"),
        ({"images": [GOOD_IMAGE], "annotations": [{**GOOD_ANN, "bbox": [0, 0, 1]}], "categories": CATS},
         "annotations[0].bbox = [0, 0, 1]: expected [x, y, width, height]"),
        ({"images": [{**GOOD_IMAGE, "width": 0}], "annotations": [], "categories": CATS},
         "images[0].width = 0: expected a positive number"),
        ({"images": [], "annotations": [], "categories": [{"id": 1}]}, "categories[0] has no field 'name'"),
    ],
)
def test_not_coco(tmp_path: Path, content: object, message: str) -> None:
    path = tmp_path / "instances.json"
    path.write_text(json.dumps(content))
    with pytest.raises(DataError) as error:
        read_instances(path)
    text = _one_line(error)
    assert text.startswith(str(path)) and message in text


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "instances.json"
    path.write_text('{"images": [\n  oops')
    with pytest.raises(DataError) as error:
        read_instances(path)
    assert "not valid JSON" in _one_line(error) and "line 2" in str(error.value)


def test_no_person_category(tmp_path: Path) -> None:
    from hytnas.data.coco import CocoSource
    from hytnas.data.vww import VWWRule, label_images

    path = tmp_path / "instances.json"
    path.write_text(json.dumps({"images": [], "annotations": [], "categories": [{"id": 3, "name": "car"}]}))
    with pytest.raises(DataError, match="no category named 'person'"):
        label_images([CocoSource(path, tmp_path, "")], VWWRule())


def test_missing_coco_root_names_path_and_layout(tmp_path: Path) -> None:
    with pytest.raises(DataError) as error:
        coco2014_sources(tmp_path / "nowhere")
    text = _one_line(error)
    assert str(tmp_path / "nowhere") in text and "annotations/instances_train2014.json" in text and "val2014/" in text


def test_missing_annotation_file_names_it(tmp_path: Path) -> None:
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "instances_train2014.json").write_text("{}")
    (tmp_path / "train2014").mkdir()
    with pytest.raises(DataError) as error:
        coco2014_sources(tmp_path)
    text = _one_line(error)
    assert "instances_val2014.json: not found" in text and "train2014/" in text


def test_missing_synthetic_scenes_say_what_makes_them(tmp_path: Path) -> None:
    with pytest.raises(DataError) as error:
        synthetic_sources(tmp_path)
    assert "hytnas data synth" in _one_line(error)
