"""Generated scenes: deterministic bytes, valid COCO that pycocotools loads, exact annotations."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from hytnas.data.synth import generate, scene
from hytnas.runs.local import LocalExecutor

N = 24


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "scenes"
    generate(out, images=N, size=96, seed=7, val_fraction=0.25, split_seed=1)
    return out


def test_same_seed_same_bytes_whatever_the_workers(dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hytnas.data.synth._POOL_MIN_IMAGES", 1)  # use the process pool even for 24 scenes
    generate(tmp_path / "again", images=N, size=96, seed=7, val_fraction=0.25, split_seed=1, executor=LocalExecutor(2, 1, quiet=True))
    assert _digest(tmp_path / "again") == _digest(dataset)
    generate(tmp_path / "other", images=N, size=96, seed=8, val_fraction=0.25, split_seed=1)
    assert _digest(tmp_path / "other") != _digest(dataset)


def test_layout(dataset: Path) -> None:
    assert sorted(p.name for p in (dataset / "annotations").iterdir()) == ["instances_train.json", "instances_val.json"]
    jpegs = sorted((dataset / "images").glob("*.jpg"))
    assert len(jpegs) == N
    with Image.open(jpegs[0]) as image:
        assert image.size == (96, 96) and image.mode == "RGB"
    assert not [p for p in dataset.parent.iterdir() if p.name.startswith(".")]  # no staging left


def test_pycocotools_loads_and_annotations_are_exact(dataset: Path) -> None:
    ids = []
    for split in ("train", "val"):
        coco = COCO(str(dataset / "annotations" / f"instances_{split}.json"))
        ids += coco.getImgIds()
        assert coco.loadCats(1)[0]["name"] == "person"
        for ann in coco.loadAnns(coco.getAnnIds()):
            image = coco.loadImgs(ann["image_id"])[0]
            x, y, w, h = ann["bbox"]
            assert 0 <= x and 0 <= y and w >= 1 and h >= 1
            assert x + w <= image["width"] and y + h <= image["height"]
            rle = coco.annToRLE(ann)
            assert mask_utils.area(rle) == ann["area"]
            assert list(mask_utils.toBbox(rle)) == ann["bbox"]
            assert ann["iscrowd"] == 0 and all(len(p) >= 6 for p in ann["segmentation"])
    assert sorted(ids) == list(range(1, N + 1))


def test_scenes_have_persons_and_distractors_across_the_threshold() -> None:
    fractions, categories = [], set()
    for image_id in range(1, 201):
        drawn = scene(0, image_id, 128)
        assert drawn.pixels.shape == (128, 128, 3) and drawn.pixels.dtype == np.uint8
        persons = [a["area"] / 128**2 for a in drawn.annotations if a["category_id"] == 1]
        categories |= {a["category_id"] for a in drawn.annotations}
        fractions.append(max(persons, default=0.0))
    fractions = np.array(fractions)
    assert 1 in categories and len(categories - {1}) >= 4
    assert 0.35 < (fractions > 0.005).mean() < 0.65  # balanced classes
    assert ((fractions > 0) & (fractions <= 0.005)).mean() > 0.05  # the threshold decides some labels
    assert ((fractions > 0.0025) & (fractions < 0.01)).mean() > 0.05  # mass near the threshold
    assert (fractions == 0).mean() > 0.2  # images without persons


def test_scene_is_a_pure_function_of_seed_and_id() -> None:
    a, b = scene(3, 17, 64), scene(3, 17, 64)
    assert np.array_equal(a.pixels, b.pixels) and a.annotations == b.annotations
    assert not np.array_equal(scene(3, 18, 64).pixels, a.pixels)


def test_person_height_sets_the_persons_sizes(tmp_path: Path) -> None:
    def person_areas(heights: tuple[float, float]) -> np.ndarray:
        areas = []
        for image_id in range(1, 81):
            drawn = scene(0, image_id, 96, heights)
            areas += [a["area"] / 96**2 for a in drawn.annotations if a["category_id"] == 1]
        return np.array(areas)

    small, large = person_areas((0.05, 0.1)), person_areas((0.6, 0.9))
    assert len(small) > 20 and len(large) > 20
    assert np.median(large) > 10 * np.median(small)
    assert np.array_equal(scene(0, 5, 96, [0.05, 0.9]).pixels, scene(0, 5, 96).pixels)  # the default, as a list

    out = tmp_path / "large"
    generate(out, images=4, size=64, seed=0, person_height=(0.6, 0.9))
    info = COCO(str(out / "annotations" / "instances_train.json")).dataset["info"]
    assert info["person_height"] == [0.6, 0.9]
    for bad in ((0.9, 0.6), (0.5,), "ab"):
        with pytest.raises(ValueError, match="person_height must be"):
            generate(tmp_path / "bad", images=4, size=64, person_height=bad)
    assert not (tmp_path / "bad").exists()


def test_scene_mix_sets_the_clutter(tmp_path: Path) -> None:
    from hytnas.data.synth import DEFAULT_MIX, SceneMix

    def distractors(mix: SceneMix) -> list[int]:
        return [sum(a["category_id"] != 1 for a in scene(0, i, 64, mix=mix).annotations) for i in range(1, 61)]

    assert max(distractors(SceneMix(max_distractors=0))) == 0
    assert max(distractors(SceneMix(max_distractors=2))) <= 2 < max(distractors(DEFAULT_MIX))
    assert np.array_equal(scene(0, 5, 64, mix=SceneMix()).pixels, scene(0, 5, 64).pixels)  # the default mix is the VWW scenes'
    out = tmp_path / "detect"
    generate(out, images=4, size=64, seed=0, mix=SceneMix(max_distractors=1, occluder_rate=0.0))
    assert COCO(str(out / "annotations" / "instances_train.json")).dataset["info"]["scene_mix"] == {"max_distractors": 1, "occluder_rate": 0.0}
    for bad in ({"max_distractors": 6}, {"occluder_rate": 1.5}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            SceneMix(**bad)  # type: ignore[arg-type]
