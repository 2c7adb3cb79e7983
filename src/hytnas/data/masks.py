"""Exact COCO polygons of a binary mask.

COCO stores instance shapes as lists of polygons (``[x0, y0, x1, y1, ...]`` in pixel-edge
coordinates, pixel ``(r, c)`` covering ``[c, c+1) x [r, r+1)``) whose union is the instance.
A COCO polygon cannot have holes, so :func:`mask_to_polygons` first cuts the mask into
horizontal bands at the top row of every hole (inside a band every former hole is open to the
band's top edge), then traces the outline of each band's 4-connected components along pixel
edges. pycocotools rasterizes the result back to exactly the input mask, so the ``area`` and
``bbox`` written next to a polygon agree with it to the pixel.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

# Headings in image coordinates (y down): east, south, west, north.
_STEP = ((1, 0), (0, 1), (-1, 0), (0, -1))
_EIGHT = np.ones((3, 3), dtype=bool)


def mask_to_polygons(mask: np.ndarray) -> list[list[float]]:
    """Polygons whose union is exactly ``mask``.

    Args:
        mask: ``H x W`` boolean (or 0/1) array.

    Returns:
        A list of flat ``[x0, y0, x1, y1, ...]`` polygons in pixel-edge coordinates, corners
        only (collinear points dropped); empty if the mask is empty.
    """
    mask = np.asarray(mask, dtype=bool)
    if mask.ndim != 2:
        raise ValueError(f"expected a 2-d mask, got shape {mask.shape}")
    if not mask.any():
        return []
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    y0, x0 = int(rows[0]), int(cols[0])
    mask = mask[y0 : rows[-1] + 1, x0 : cols[-1] + 1]
    polygons: list[list[float]] = []
    cuts = _hole_tops(mask)
    bounds = [0, *cuts, mask.shape[0]]
    for top, bottom in zip(bounds[:-1], bounds[1:]):
        band = mask[top:bottom]
        if band.any():
            for loop in _trace(band):
                polygons.append([float(v) for x, y in loop for v in (x + x0, y + top + y0)])
    return polygons


def _hole_tops(mask: np.ndarray) -> list[int]:
    """Top rows of the background regions enclosed by the mask (8-connected background)."""
    padded = np.pad(~mask, 1, constant_values=True)
    labels, count = ndimage.label(padded, structure=_EIGHT)
    if count <= 1:
        return []
    outside = labels[0, 0]
    tops = {
        int(region[0].start) - 1
        for index, region in enumerate(ndimage.find_objects(labels), start=1)
        if region is not None and index != outside
    }
    return sorted(top for top in tops if top > 0)


def _trace(mask: np.ndarray) -> list[list[tuple[int, int]]]:
    """Outlines of the 4-connected components of a hole-free mask, as corner lists.

    Every boundary edge of every foreground pixel is directed so that the foreground lies on
    its right (clockwise on screen); edges are chained, preferring a right turn where two
    components touch diagonally, which keeps them in separate loops.
    """
    padded = np.pad(mask, 1)
    core = padded[1:-1, 1:-1]
    outgoing: dict[tuple[int, int], list[int]] = {}
    sides = (
        (~padded[:-2, 1:-1], 0, 0, 0),  # top side: from (c, r) heading east
        (~padded[1:-1, 2:], 1, 1, 0),  # right side: from (c+1, r) heading south
        (~padded[2:, 1:-1], 2, 1, 1),  # bottom side: from (c+1, r+1) heading west
        (~padded[1:-1, :-2], 3, 0, 1),  # left side: from (c, r+1) heading north
    )
    for open_side, heading, dx, dy in sides:
        rows, cols = np.nonzero(core & open_side)
        for r, c in zip(rows.tolist(), cols.tolist()):
            outgoing.setdefault((c + dx, r + dy), []).append(heading)

    loops: list[list[tuple[int, int]]] = []
    while outgoing:
        start = next(iter(outgoing))
        heading = _take(outgoing, start, None)
        corners = [start]
        x, y = start
        while True:
            x, y = x + _STEP[heading][0], y + _STEP[heading][1]
            if (x, y) == start:
                break
            turn = _take(outgoing, (x, y), heading)
            if turn != heading:
                corners.append((x, y))
            heading = turn
        # The start is a corner unless the loop arrives and leaves it in the same heading.
        if len(corners) > 1 and _collinear(corners[-1], corners[0], corners[1]):
            corners = corners[1:]
        loops.append(corners)
    return loops


def _take(outgoing: dict[tuple[int, int], list[int]], vertex: tuple[int, int], heading: int | None) -> int:
    """Remove and return the next heading out of ``vertex`` (right turn first)."""
    choices = outgoing[vertex]
    if heading is None or len(choices) == 1:
        chosen = choices[0]
    else:
        order = ((heading + 1) % 4, heading, (heading + 3) % 4)
        chosen = next(h for h in order if h in choices)
    choices.remove(chosen)
    if not choices:
        del outgoing[vertex]
    return chosen


def _collinear(a: tuple[int, int], b: tuple[int, int], c: tuple[int, int]) -> bool:
    return (b[0] - a[0]) * (c[1] - b[1]) == (b[1] - a[1]) * (c[0] - b[0])


def bbox_of(mask: np.ndarray) -> list[float]:
    """COCO ``[x, y, width, height]`` of the pixels of a non-empty ``H x W`` mask, in pixels."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        raise ValueError("empty mask has no bounding box")
    return [float(cols[0]), float(rows[0]), float(cols[-1] + 1 - cols[0]), float(rows[-1] + 1 - rows[0])]
