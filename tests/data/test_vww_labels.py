"""The VWW labelling rules on hand-made COCO files, at the threshold's edge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.coco import annotation, write_coco
from hytnas.config import parse_params
from hytnas.data.coco import CocoSource
from hytnas.data.vww import VWWRule, assign_split, build_vww, label_images, read_id_list
from hytnas.errors import ConfigError, DataError

SIDE = 100  # every image is 100 x 100: area fraction = pixels / 10,000


def _edge_cases(threshold: float, source: str) -> tuple[list[dict], list[dict], dict[int, int | None]]:
    """Images whose person area sits just below, at and just above ``threshold``.

    The measured area (segmentation ``area`` or box ``w * h``, per ``source``) is set to
    ``t - 1``, ``t`` and ``t + 1`` pixels; the other area is set to the opposite side of the
    threshold so a rule reading the wrong one fails. Returns images, annotations and the
    expected pyvww label of each image.
    """
    t = round(threshold * SIDE * SIDE)
    cases = {10: t - 1, 11: t, 12: t + 1}
    images = [{"id": i, "file_name": f"{i}.jpg", "width": SIDE, "height": SIDE} for i in (*cases, 13, 14, 15)]
    anns = []
    for n, (image_id, measured) in enumerate(cases.items()):
        other = t + 50 if measured <= t else max(t - 50, 1)
        seg, box_area = (measured, other) if source == "segmentation" else (other, measured)
        anns.append(annotation(n + 1, image_id, seg, (box_area, 1)))
    anns.append(annotation(20, 14, 5000, (70, 70), category=62))  # big chair, no person
    anns.append(annotation(21, 15, 1, (1, 1)))  # two persons: tiny and large
    anns.append(annotation(22, 15, t + 30, (t + 30, 1)))
    expected = {10: 0, 11: 0, 12: 1, 13: 0, 14: 0, 15: 1}
    return images, anns, expected


@pytest.mark.parametrize("variant", ["pyvww", "mlperf-tiny"])
@pytest.mark.parametrize("source", ["segmentation", "bbox"])
def test_threshold_edge(tmp_path: Path, variant: str, source: str) -> None:
    rule = VWWRule.of(variant, area_source=source)
    images, anns, expected = _edge_cases(rule.threshold, source)
    path = write_coco(tmp_path / "instances.json", images, anns)
    frame, stats = label_images([CocoSource(path, tmp_path, "")], rule)
    labels = dict(zip(frame["image_id"], frame["label"]))
    if variant == "pyvww":
        assert labels == expected
        assert stats.persons_below_threshold == 2 and stats.dropped_small_persons == 0
    else:  # persons all at or below the threshold: the image is dropped, not negative
        assert labels == {k: v for k, v in expected.items() if k not in (10, 11)}
        assert stats.dropped_small_persons == 2 and stats.persons_below_threshold == 0
    fractions = dict(zip(frame["image_id"], frame["person_area_fraction"]))
    assert fractions[12] == pytest.approx(rule.threshold + 1 / SIDE**2)
    assert fractions[13] == 0.0 and fractions[14] == 0.0


def test_variant_defaults_and_overrides() -> None:
    assert VWWRule.of("pyvww") == VWWRule("pyvww", 0.005, "segmentation")
    assert VWWRule.of("mlperf-tiny") == VWWRule("mlperf-tiny", 0.025, "bbox")
    assert VWWRule.of("mlperf-tiny", 0.01, "segmentation") == VWWRule("mlperf-tiny", 0.01, "segmentation")


@pytest.mark.parametrize("threshold", [0.0, 1.0, -0.1, 1.5])
def test_threshold_outside_unit_interval_is_a_config_error(threshold: float) -> None:
    with pytest.raises(ConfigError, match="threshold"):
        VWWRule.of("pyvww", threshold)
    with pytest.raises(ConfigError, match="data.threshold"):
        parse_params({"data": {"threshold": threshold}}, "params.yaml")


def test_null_threshold_means_the_variants_own() -> None:
    cfg = parse_params({"data": {"variant": "mlperf-tiny", "threshold": None, "area_source": None}}).data
    assert VWWRule.of(cfg.variant, cfg.threshold, cfg.area_source).threshold == 0.025


def test_split_from_id_file_and_seeded(tmp_path: Path) -> None:
    images = [{"id": i, "file_name": f"{i}.jpg", "width": 10, "height": 10} for i in range(1, 201)]
    path = write_coco(tmp_path / "instances.json", images, [])
    sources = [CocoSource(path, tmp_path, "img")]
    ids_file = tmp_path / "minival.txt"
    ids_file.write_text("# minival\n5\n\n7 \n999\n")
    frame, _ = build_vww(sources, VWWRule(), val_ids=read_id_list(ids_file))
    assert frame.loc[frame["split"] == "val", "image_id"].tolist() == [5, 7]
    assert frame["split"].tolist() == ["train"] * 198 + ["val"] * 2  # train rows first
    assert frame["file"].iloc[0] == "img/1.jpg"

    first, _ = build_vww(sources, VWWRule(), val_fraction=0.25, seed=3)
    again, _ = build_vww(sources, VWWRule(), val_fraction=0.25, seed=3)
    other, _ = build_vww(sources, VWWRule(), val_fraction=0.25, seed=4)
    assert first.equals(again) and not first.equals(other)
    assert 30 <= (first["split"] == "val").sum() <= 70


def test_split_of_an_image_does_not_depend_on_the_others() -> None:
    ids = np.arange(1, 1001)
    full = dict(zip(ids.tolist(), assign_split(ids, val_ids=None, val_fraction=0.2, seed=0)))
    half = assign_split(ids[::2], val_ids=None, val_fraction=0.2, seed=0)
    assert [full[i] for i in ids[::2].tolist()] == half.tolist()


def test_bad_id_file(tmp_path: Path) -> None:
    bad = tmp_path / "ids.txt"
    bad.write_text("12\nabc\n")
    with pytest.raises(DataError, match=r"ids.txt line 2: 'abc' is not an image id"):
        read_id_list(bad)
    with pytest.raises(DataError, match="cannot read"):
        read_id_list(tmp_path / "absent.txt")


def test_duplicate_image_ids_across_files(tmp_path: Path) -> None:
    images = [{"id": 1, "file_name": "1.jpg", "width": 10, "height": 10}]
    a = write_coco(tmp_path / "a.json", images, [])
    b = write_coco(tmp_path / "b.json", images, [])
    with pytest.raises(DataError, match="image id 1 also appears in"):
        label_images([CocoSource(a, tmp_path, ""), CocoSource(b, tmp_path, "")], VWWRule())
