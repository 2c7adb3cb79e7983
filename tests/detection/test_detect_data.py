"""Detection data from COCO-format files: generated scenes and a COCO-shaped tree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hytnas.data.synth import generate
from hytnas.detection.baseline import random_detections
from hytnas.detection.coco_eval import evaluate
from hytnas.detection.data import detection_sources, load_split, to_results
from hytnas.errors import DataError

from support.coco import coco80_categories, write_coco2014_tree, write_coco2017_tree


@pytest.fixture(scope="module")
def scenes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scenes") / "raw"
    generate(root, images=24, size=96, seed=3, val_fraction=0.25, split_seed=0)
    return root


def test_generated_scenes_become_arrays_and_boxes(scenes: Path) -> None:
    train, val = detection_sources("synthetic", coco_root=None, raw=scenes)
    split = load_split(train, 64)
    assert split.images.shape[1:] == (64, 64, 3) and split.images.dtype == np.uint8
    assert len(split.boxes) == len(split) == len(split.labels) and split.num_classes == 1 + 9
    every = np.concatenate(split.boxes)
    assert len(every) > 0 and (every >= 0).all() and (every <= 64).all() and (every[:, 2:] > every[:, :2]).all()
    assert set(np.concatenate(split.labels)) <= set(range(1, split.num_classes))


def test_person_only_and_results_round_trip_to_a_perfect_score(scenes: Path) -> None:
    _, val = detection_sources("synthetic", coco_root=None, raw=scenes)
    split = load_split(val, 96, categories=["person"])
    assert split.names == ("person",) and split.category_ids == (1,)
    assert all(set(l) <= {1} for l in split.labels)
    results = [r for i in range(len(split)) for r in to_results(split, i, split.boxes[i], np.ones(len(split.boxes[i])), split.labels[i])]
    assert evaluate(split.ground_truth, results)["map"] == pytest.approx(1.0, abs=1e-6)


def test_random_baseline_is_far_from_perfect(scenes: Path) -> None:
    train, val = detection_sources("synthetic", coco_root=None, raw=scenes)
    tr, va = load_split(train, 64), load_split(val, 64)
    stats = evaluate(va.ground_truth, random_detections(tr, va, per_image=20, seed=0))
    assert 0.0 <= stats["map"] < 0.2


def test_a_seeded_subset_is_the_same_every_time(scenes: Path) -> None:
    train, _ = detection_sources("synthetic", coco_root=None, raw=scenes)
    a, b = load_split(train, 32, max_images=5, seed=2), load_split(train, 32, max_images=5, seed=2)
    assert len(a) == 5 and list(a.image_ids) == list(b.image_ids) and (a.images == b.images).all()
    assert len(a.ground_truth.images) == 5


def test_unknown_category_is_one_line(scenes: Path) -> None:
    train, _ = detection_sources("synthetic", coco_root=None, raw=scenes)
    with pytest.raises(DataError) as err:
        load_split(train, 64, categories=["person", "unicorn"])
    assert "detect.categories: 'unicorn' not among the categories of" in str(err.value) and "\n" not in str(err.value)


def test_coco_tree_is_read_with_its_layout(tmp_path: Path) -> None:
    root = write_coco2014_tree(tmp_path / "coco")
    sources = detection_sources("coco", coco_root=root, raw=tmp_path / "none")
    assert [s.image_dir for s in sources] == ["train2014", "val2014"]
    with pytest.raises(DataError, match="cannot read image 3"):  # the tree's truncated JPEG
        load_split(sources[0], 32)
    with pytest.raises(DataError, match="cannot read image 7"):  # listed, but not on disk
        load_split(sources[1], 32, categories=["person"])
    with pytest.raises(DataError, match="detect.coco_root is not set"):
        detection_sources("coco", coco_root=None, raw=tmp_path)


def test_coco2017_tree_loads_with_the_80_categories(tmp_path: Path) -> None:
    root = write_coco2017_tree(tmp_path / "coco")
    train, val = detection_sources("coco", coco_root=root, raw=tmp_path / "none")
    assert [s.image_dir for s in (train, val)] == ["train2017", "val2017"]
    split = load_split(train, 64)
    assert split.num_classes == 81 and len(split.category_ids) == 80 and split.names[:2] == ("person", "bicycle")
    assert split.category_ids[-1] == 90 and split.names[-1] == "toothbrush"
    assert len(split) == 6 and split.images.shape == (6, 64, 64, 3)
    # image 1 (104 x 80 px): the person's box [10, 8, 40, 60] squashed to 64 px; labels are contiguous 1..80
    assert np.allclose(split.boxes[0][0], [10 * 64 / 104, 8 * 64 / 80, 50 * 64 / 104, 68 * 64 / 80], atol=1e-4)
    chair = [c["id"] for c in coco80_categories()].index(62) + 1  # 57: ids 12, 26, 29, 30 and 45 are unused
    assert split.labels[0].tolist() == [1, chair, 80] and chair == 57  # person, chair, toothbrush
    person_only = load_split(val, 64, categories=["person"])
    assert person_only.num_classes == 2 and all(labels.tolist() == [1] for labels in person_only.labels)
    assert evaluate(person_only.ground_truth, [])["map"] <= 0  # COCOeval runs on what was loaded


def test_coco_box_outside_its_image_is_one_line(tmp_path: Path) -> None:
    root = write_coco2017_tree(tmp_path / "coco", bad_box=True)
    train, _ = detection_sources("coco", coco_root=root, raw=tmp_path / "none")
    with pytest.raises(DataError) as err:
        load_split(train, 64)
    assert "instances_train2017.json" in str(err.value) and "\n" not in str(err.value)
