"""Mask -> COCO polygons is exact: pycocotools rasterizes the polygons back to the mask."""

from __future__ import annotations

import numpy as np
import pytest
from pycocotools import mask as mask_utils

from hytnas.data.masks import bbox_of, mask_to_polygons

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")


def _raster(polygons: list[list[float]], shape: tuple[int, int]) -> np.ndarray:
    rle = mask_utils.merge(mask_utils.frPyObjects(polygons, *shape))
    return mask_utils.decode(rle).astype(bool)


@pytest.mark.parametrize("density", [0.15, 0.5, 0.85])
def test_random_masks_round_trip(density: float) -> None:
    rng = np.random.default_rng(int(density * 100))
    for _ in range(150):
        shape = tuple(int(v) for v in rng.integers(1, 16, size=2))
        mask = rng.random(shape) < density
        polygons = mask_to_polygons(mask)
        if not mask.any():
            assert polygons == []
            continue
        assert all(len(p) >= 8 and len(p) % 2 == 0 for p in polygons)
        assert np.array_equal(_raster(polygons, shape), mask)


def test_ring_with_hole_and_diagonal_touch() -> None:
    mask = np.zeros((9, 9), bool)
    mask[1:8, 1:8] = True
    mask[3:6, 3:6] = False  # a hole
    mask[0, 0] = True  # touches the ring only at a corner
    polygons = mask_to_polygons(mask)
    assert np.array_equal(_raster(polygons, mask.shape), mask)


def test_rectangle_is_four_corners_and_bbox_is_tight() -> None:
    mask = np.zeros((10, 12), bool)
    mask[2:5, 3:9] = True
    assert mask_to_polygons(mask) == [[3.0, 2.0, 9.0, 2.0, 9.0, 5.0, 3.0, 5.0]]
    assert bbox_of(mask) == [3.0, 2.0, 6.0, 3.0]
