"""Generated scenes in COCO format: the offline default input of the VWW pipeline.

``generate(out, images=..., size=..., seed=...)`` writes::

    out/images/000001.jpg ...                 size x size RGB JPEGs
    out/annotations/instances_train.json      COCO instances (images, annotations, categories)
    out/annotations/instances_val.json

Each scene is drawn from its own generator seeded by ``(seed, image_id)``, so the bytes do not
depend on the number of worker processes. A scene is a textured background (outdoor,
indoor, noise texture or bokeh, with unannotated clutter), zero to four articulated persons
at log-uniform heights, zero to five distractors of eight other COCO categories drawn in
person-like colours and sizes, and sometimes an unannotated foreground occluder (counter,
fence, bush, pole). Annotations are *modal*: an object's segmentation is exactly the pixels
it owns after occlusion (see :mod:`hytnas.data.masks`), its ``bbox`` is their tight box and its
``area`` their count, as in COCO where ``area`` is the segmentation's area.

The train/val assignment of an image id is :func:`hytnas.data.split.val_mask`, the same rule
the VWW builder applies, so both agree for the same seed and fraction.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from tqdm import tqdm

from hytnas.config import check_person_height
from hytnas.data.masks import bbox_of, mask_to_polygons
from hytnas.data.shapes import (
    CATEGORIES,
    DISTRACTORS,
    PERSON,
    Category,
    Part,
    Rng,
    extent,
    random_colour,
    shade,
    translate,
)
from hytnas.data.split import val_mask
from hytnas.io import write_text
from hytnas.runs.executor import Executor, InlineExecutor, iter_values

GENERATOR_VERSION = 1
PERSON_HEIGHT = PERSON.size  # default lowest and highest person height, fractions of the side
DISTRACTOR_COUNT_P = (0.12, 0.26, 0.25, 0.18, 0.11, 0.08)  # probabilities of 0..5 distractors in a scene
OCCLUDER_RATE = 0.35  # share of scenes with an unannotated occluder (a pole or a bush)


@dataclass(frozen=True)
class SceneMix:
    """How cluttered a scene is.

    Attributes:
        max_distractors: most distractor objects in a scene (0-5); their count follows
            :data:`DISTRACTOR_COUNT_P` cut at this number and renormalised.
        occluder_rate: share of scenes with an unannotated occluder, in [0, 1].
    """

    max_distractors: int = len(DISTRACTOR_COUNT_P) - 1
    occluder_rate: float = OCCLUDER_RATE

    def __post_init__(self) -> None:
        if not 0 <= self.max_distractors < len(DISTRACTOR_COUNT_P):
            raise ValueError(f"max_distractors = {self.max_distractors}: expected 0 to {len(DISTRACTOR_COUNT_P) - 1}")
        if not 0.0 <= self.occluder_rate <= 1.0:
            raise ValueError(f"occluder_rate = {self.occluder_rate}: expected a share in [0, 1]")

    def distractor_p(self) -> list[float]:
        p = list(DISTRACTOR_COUNT_P[: self.max_distractors + 1])
        return p if len(p) == len(DISTRACTOR_COUNT_P) else [v / sum(p) for v in p]


DEFAULT_MIX = SceneMix()
_JPEG_QUALITY = (70, 95)
_POOL_MIN_IMAGES = 100  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Scene:
    """One rendered scene: ``size x size x 3`` uint8 pixels and its COCO annotations.

    ``annotations`` hold ``category_id``, ``bbox`` ``[x, y, w, h]`` (pixels), ``area``
    (visible pixels), ``segmentation`` (polygons) and ``iscrowd``, without ids.
    """

    pixels: np.ndarray
    annotations: list[dict[str, Any]]


@dataclass(frozen=True)
class SynthSummary:
    """What :func:`generate` wrote: counts of images per split and of annotations per category."""

    images: int
    train_images: int
    val_images: int
    annotations_per_category: dict[str, int]


# ---------------------------------------------------------------- backgrounds


def _noise(rng: Rng, size: int, cells: int) -> np.ndarray:
    """Smooth value noise, ``size x size`` float32 in about [0, 1], ``cells`` blobs across."""
    grid = rng.random((cells + 1, cells + 1)).astype(np.float32)
    return np.asarray(Image.fromarray(grid, mode="F").resize((size, size), Image.Resampling.BICUBIC))


def _fractal(rng: Rng, size: int, octaves: tuple[int, ...] = (2, 4, 8, 16, 32)) -> np.ndarray:
    """Sum of value-noise octaves, ``size x size`` normalised to [0, 1]."""
    total = np.zeros((size, size), np.float32)
    weight = 1.0
    decay = rng.uniform(0.4, 0.75)
    for cells in octaves:
        total += weight * _noise(rng, size, min(cells, size))
        weight *= decay
    lo, hi = float(total.min()), float(total.max())
    return (total - lo) / max(hi - lo, 1e-6)


def _ramp(values: np.ndarray, colours: list[tuple[float, float, float]]) -> np.ndarray:
    """Map ``H x W`` values in [0, 1] through a piecewise-linear colour ramp -> ``H x W x 3``."""
    stops = np.linspace(0.0, 1.0, len(colours))
    table = np.asarray(colours, np.float32)
    return np.stack([np.interp(values, stops, table[:, c]) for c in range(3)], axis=-1).astype(np.float32)


def _vertical(size: int, top: tuple[float, float, float], bottom: tuple[float, float, float]) -> np.ndarray:
    t = np.linspace(0.0, 1.0, size, dtype=np.float32)[:, None, None]
    return np.broadcast_to((1 - t) * np.asarray(top, np.float32) + t * np.asarray(bottom, np.float32), (size, size, 3)).copy()


def _background(rng: Rng, size: int) -> tuple[np.ndarray, float | None]:
    """A textured ``size x size x 3`` float background in [0, 1] and its horizon row (or None)."""
    kind = rng.choice(["outdoor", "indoor", "texture", "bokeh"], p=[0.35, 0.3, 0.22, 0.13])
    if kind == "texture":
        colours = [random_colour(rng) for _ in range(int(rng.integers(2, 5)))]
        image = _ramp(_fractal(rng, size), colours)
        if rng.random() < 0.35:  # stripes or checks over the noise
            y, x = np.mgrid[0:size, 0:size].astype(np.float32)
            angle = rng.uniform(0, math.pi)
            period = rng.uniform(4, 24)
            phase = (x * math.cos(angle) + y * math.sin(angle)) / period
            pattern = (np.floor(phase) % 2)[..., None]
            image = image * (1 - 0.3 * pattern)
        return image, None
    if kind == "bokeh":
        image = _vertical(size, random_colour(rng), random_colour(rng))
        canvas = Image.fromarray((image * 255).astype(np.uint8))
        draw = ImageDraw.Draw(canvas)
        for _ in range(int(rng.integers(6, 20))):
            r = rng.uniform(0.03, 0.25) * size
            cx, cy = rng.uniform(0, size, 2)
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_rgb(random_colour(rng)))
        canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(1.5, 5.0)))
        return np.asarray(canvas, np.float32) / 255.0, None
    horizon = float(rng.uniform(0.25, 0.6) * size)
    h = int(horizon)
    texture = _fractal(rng, size)[..., None]
    if kind == "outdoor":
        skies = [((0.35, 0.55, 0.85), (0.75, 0.85, 0.95)), ((0.55, 0.57, 0.6), (0.8, 0.8, 0.82)),
                 ((0.35, 0.3, 0.55), (0.95, 0.6, 0.4)), ((0.05, 0.06, 0.15), (0.2, 0.2, 0.3))]
        top, bottom = skies[rng.integers(len(skies))]
        image = _vertical(size, shade(top, rng.uniform(0.85, 1.15)), shade(bottom, rng.uniform(0.85, 1.15)))
        image = image * (0.9 + 0.2 * _noise(rng, size, 3)[..., None])
        grounds = [(0.3, 0.5, 0.2), (0.55, 0.5, 0.35), (0.4, 0.4, 0.42), (0.45, 0.33, 0.22), (0.75, 0.7, 0.55)]
        ground = np.asarray(shade(grounds[rng.integers(len(grounds))], rng.uniform(0.7, 1.2)), np.float32)
        image[h:] = ground * (0.6 + 0.8 * texture[h:])
    else:
        wall = random_colour(rng, saturation=(0.0, 0.45), value=(0.35, 0.95))
        image = np.broadcast_to(np.asarray(wall, np.float32), (size, size, 3)) * (0.85 + 0.3 * texture)
        if rng.random() < 0.4:
            period = rng.uniform(3, 14)
            stripes = (np.floor(np.arange(size) / period) % 2).astype(np.float32)
            image = image * (1 - 0.15 * stripes[None, :, None])
        floor = np.asarray(random_colour(rng, saturation=(0.1, 0.6), value=(0.2, 0.8)), np.float32)
        planks = (np.floor(np.arange(size) / rng.uniform(3, 10)) % 2).astype(np.float32)[:, None, None]
        image[h:] = floor * (0.75 + 0.35 * texture[h:] - 0.12 * planks[h:])
    image = np.clip(image, 0.0, 1.0).astype(np.float32)
    canvas = Image.fromarray((image * 255).astype(np.uint8))
    _clutter(rng, canvas, horizon, kind)
    return np.asarray(canvas, np.float32) / 255.0, horizon


def _clutter(rng: Rng, canvas: Image.Image, horizon: float, kind: str) -> None:
    """Unannotated background things: trees, buildings, poles, windows, frames, rocks."""
    size = canvas.width
    draw = ImageDraw.Draw(canvas)
    for _ in range(int(rng.integers(0, 6))):
        what = rng.random()
        x = rng.uniform(-0.1, 1.1) * size
        if kind == "outdoor" and what < 0.3:  # tree
            trunk_h = rng.uniform(0.1, 0.45) * size
            base = horizon + rng.uniform(0, 0.1) * size
            w = trunk_h * rng.uniform(0.06, 0.15)
            draw.rectangle([x - w, base - trunk_h, x + w, base], fill=_rgb(shade((0.35, 0.25, 0.15), rng.uniform(0.6, 1.3))))
            green = (rng.uniform(0.1, 0.3), rng.uniform(0.3, 0.6), rng.uniform(0.1, 0.25))
            for _ in range(int(rng.integers(3, 7))):
                r = trunk_h * rng.uniform(0.25, 0.5)
                cx, cy = x + rng.normal(0, trunk_h * 0.25), base - trunk_h + rng.normal(0, trunk_h * 0.2)
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_rgb(shade(green, rng.uniform(0.7, 1.3))))
        elif kind == "outdoor" and what < 0.55:  # building with windows
            w, h = rng.uniform(0.15, 0.5) * size, rng.uniform(0.15, 0.6) * size
            colour = random_colour(rng, saturation=(0.0, 0.4), value=(0.3, 0.9))
            draw.rectangle([x, horizon - h, x + w, horizon + 1], fill=_rgb(colour))
            step = rng.uniform(0.05, 0.1) * size
            win = _rgb(shade(colour, rng.choice([0.5, 1.4])))
            for wy in np.arange(horizon - h + step / 2, horizon - step / 2, step):
                for wx in np.arange(x + step / 3, x + w - step / 2, step):
                    draw.rectangle([wx, wy, wx + step / 2, wy + step / 2], fill=win)
        elif what < 0.75:  # pole or lamp post: a vertical, limb-like stick
            top = rng.uniform(0.0, 0.5) * horizon
            base = horizon + rng.uniform(0.0, 0.5) * (size - horizon)
            w = rng.uniform(0.008, 0.03) * size
            draw.rectangle([x - w, top, x + w, base], fill=_rgb(random_colour(rng, value=(0.1, 0.7))))
            if rng.random() < 0.5:
                r = w * rng.uniform(2, 4)
                draw.ellipse([x - r, top - r, x + r, top + r], fill=_rgb(random_colour(rng)))
        elif kind == "indoor":  # window, door, frame, shelf
            w, h = rng.uniform(0.08, 0.35) * size, rng.uniform(0.08, 0.5) * size
            y = rng.uniform(0.05, 0.9) * horizon
            bottom = max(y + 1.0, min(y + h, horizon))
            frame = _rgb(random_colour(rng, value=(0.1, 0.9)))
            glass = _rgb(random_colour(rng, value=(0.2, 1.0)))
            draw.rectangle([x, y, x + w, bottom], fill=frame)
            inset = max(1.0, 0.1 * w)
            if bottom - y > 2 * inset + 1:
                draw.rectangle([x + inset, y + inset, x + w - inset, bottom - inset], fill=glass)
        else:  # rock or ball-less blob on the ground
            r = rng.uniform(0.02, 0.1) * size
            cy = horizon + rng.uniform(0, 1) * (size - horizon)
            draw.ellipse([x - r * 1.5, cy - r, x + r * 1.5, cy + r], fill=_rgb(random_colour(rng, saturation=(0, 0.3), value=(0.2, 0.7))))


def _occluder(rng: Rng, size: int) -> list[Part]:
    """An unannotated foreground thing that hides parts of objects behind it."""
    what = rng.choice(["counter", "fence", "bush", "pole"], p=[0.3, 0.25, 0.25, 0.2])
    colour = random_colour(rng, value=(0.15, 0.9))
    if what == "counter":
        top = rng.uniform(0.55, 0.9) * size
        return [Part(np.array([[-1.0, top], [size + 1.0, top], [size + 1.0, size + 1.0], [-1.0, size + 1.0]]), colour),
                Part(np.array([[-1.0, top], [size + 1.0, top], [size + 1.0, top + 0.03 * size], [-1.0, top + 0.03 * size]]), shade(colour, 1.3))]
    if what == "fence":
        top, bottom = rng.uniform(0.4, 0.8) * size, size + 1.0
        width, gap = rng.uniform(0.02, 0.06) * size, rng.uniform(0.03, 0.12) * size
        x0, x1 = rng.uniform(-0.2, 0.5) * size, rng.uniform(0.5, 1.2) * size
        parts = [Part(np.array([[x0, top + 0.1 * size], [x1, top + 0.1 * size], [x1, top + 0.14 * size], [x0, top + 0.14 * size]]), colour)]
        for x in np.arange(x0, x1, width + gap):
            parts.append(Part(np.array([[x, top], [x + width, top], [x + width, bottom], [x, bottom]]), shade(colour, rng.uniform(0.9, 1.1))))
        return parts
    if what == "bush":
        cx, cy = rng.uniform(0, size), rng.uniform(0.6, 1.0) * size
        spread = rng.uniform(0.08, 0.25) * size
        green = (rng.uniform(0.1, 0.3), rng.uniform(0.3, 0.6), rng.uniform(0.05, 0.25))
        parts = []
        for _ in range(int(rng.integers(5, 12))):
            r = spread * rng.uniform(0.3, 0.7)
            x, y = cx + rng.normal(0, spread * 0.6), cy + rng.normal(0, spread * 0.3)
            t = np.linspace(0, 2 * math.pi, 12, endpoint=False)
            parts.append(Part(np.stack([x + r * np.cos(t), y + r * np.sin(t)], axis=1), shade(green, rng.uniform(0.7, 1.3))))
        return parts
    x = rng.uniform(0, size)
    w = rng.uniform(0.02, 0.08) * size
    return [Part(np.array([[x - w, -1.0], [x + w, -1.0], [x + w, size + 1.0], [x - w, size + 1.0]]), colour)]


# ---------------------------------------------------------------- composition and rendering


@dataclass(frozen=True)
class _Item:
    category: Category | None  # None: an unannotated occluder
    parts: list[Part]
    depth: float  # drawing order: smaller first (farther)
    pattern: float  # strength of a stripe pattern on the object, 0 for none


def _place(rng: Rng, category: Category, size: int, horizon: float | None) -> _Item:
    """Draw one object at a random size and put it in the scene (sometimes cut by the border)."""
    lo, hi = category.size
    extent_px = size * math.exp(rng.uniform(math.log(lo), math.log(hi)))
    parts = category.build(rng, extent_px)
    x0, y0, x1, y1 = extent(parts)
    w, h = x1 - x0, y1 - y0
    if rng.random() < 0.12:  # partly outside the frame
        cx = float(rng.choice([-1.0, 1.0])) * rng.uniform(0.0, 0.35) * w + (0.0 if rng.random() < 0.5 else size)
    else:
        cx = rng.uniform(0.05, 0.95) * size
    if horizon is not None and rng.random() < 0.85:
        # Standing on the ground plane: farther things are smaller and higher in the image.
        bottom = horizon + max(h, 2.0) * rng.uniform(0.3, 1.3)
        if bottom > size:
            bottom = size + rng.uniform(-0.1, 0.3) * h
        cy, depth = bottom - h / 2, bottom
    else:
        cy = rng.uniform(-0.05, 1.05) * size
        depth = cy + h / 2
    moved = translate(parts, cx - (x0 + x1) / 2, cy - (y0 + y1) / 2)
    pattern = rng.uniform(0.1, 0.35) if rng.random() < 0.25 else 0.0
    return _Item(category, moved, depth + rng.normal(0, 0.05 * size), pattern)


def compose(
    rng: Rng, size: int, person_height: tuple[float, float] = PERSON_HEIGHT, mix: SceneMix = DEFAULT_MIX
) -> tuple[np.ndarray, float | None, list[_Item]]:
    """Background, its horizon and the objects of one scene in drawing order.

    ``person_height``: lowest and highest standing person height, fractions of ``size``;
    ``mix``: how many distractors and occluders.
    """
    image, horizon = _background(rng, size)
    n_persons = int(rng.choice(5, p=[0.32, 0.38, 0.17, 0.08, 0.05]))
    p = mix.distractor_p()
    n_distractors = int(rng.choice(len(p), p=p))
    person = replace(PERSON, size=tuple(person_height))
    items = [_place(rng, person, size, horizon) for _ in range(n_persons)]
    for _ in range(n_distractors):
        items.append(_place(rng, DISTRACTORS[rng.integers(len(DISTRACTORS))], size, horizon))
    items.sort(key=lambda item: item.depth)
    if rng.random() < mix.occluder_rate:
        at = int(rng.integers(len(items) // 2, len(items) + 1)) if items else 0
        items.insert(at, _Item(None, _occluder(rng, size), 0.0, 0.0))
    return image, horizon, items


def _rgb(colour: tuple[float, float, float]) -> tuple[int, int, int]:
    return tuple(int(round(255 * min(1.0, max(0.0, c)))) for c in colour)  # type: ignore[return-value]


def render(rng: Rng, size: int, person_height: tuple[float, float] = PERSON_HEIGHT, mix: SceneMix = DEFAULT_MIX) -> Scene:
    """Draw one scene; see the module docstring for what it contains."""
    background, _, items = compose(rng, size, person_height, mix)
    canvas = Image.fromarray(np.clip(background * 255 + 0.5, 0, 255).astype(np.uint8))
    owner = Image.new("L", (size, size), 0)
    draw, draw_owner = ImageDraw.Draw(canvas), ImageDraw.Draw(owner)
    for index, item in enumerate(items, start=1):
        label = index if item.category is not None else 0
        for part in item.parts:
            points = [float(v) for v in part.points.ravel()]
            draw.polygon(points, fill=_rgb(part.colour))
            draw_owner.polygon(points, fill=label)
    owners = np.asarray(owner)
    pixels = np.asarray(canvas, np.float32) / 255.0

    # Shading and patterns on objects, then lighting, blur, sensor noise.
    masks: dict[int, np.ndarray] = {}
    for index, item in enumerate(items, start=1):
        if item.category is None:
            continue
        mine = owners == index
        masks[index] = mine
        ys, xs = np.nonzero(mine)
        if ys.size == 0:
            continue
        x, y = xs.astype(np.float32) / size, ys.astype(np.float32) / size
        angle = rng.uniform(0, 2 * math.pi)
        ramp = x * math.cos(angle) + y * math.sin(angle)
        gain = 1.0 + rng.uniform(0.0, 0.6) * (ramp - ramp.mean())
        if item.pattern:
            period = rng.uniform(0.02, 0.06)
            stripes = np.floor((x * math.sin(angle) - y * math.cos(angle)) / period) % 2
            gain = gain * (1.0 - item.pattern * stripes)
        pixels[ys, xs] *= gain[:, None]
    light = 0.8 + 0.4 * _noise(rng, size, 2)
    pixels = pixels * light[..., None] * rng.uniform(0.9, 1.1, size=3).astype(np.float32)
    image = Image.fromarray(np.clip(pixels * 255 + 0.5, 0, 255).astype(np.uint8))
    radius = rng.uniform(0.0, 0.9)
    if radius > 0.25:
        image = image.filter(ImageFilter.GaussianBlur(radius))
    noisy = np.asarray(image, np.float32) + rng.normal(0, rng.uniform(0, 6), (size, size, 3)).astype(np.float32)
    final = np.clip(noisy + 0.5, 0, 255).astype(np.uint8)

    annotations = []
    for index, item in enumerate(items, start=1):
        if item.category is None:
            continue
        mine = masks[index]
        area = int(mine.sum())
        if area == 0:
            continue
        annotations.append({
            "category_id": item.category.id,
            "bbox": bbox_of(mine),
            "area": float(area),
            "segmentation": [[int(v) for v in poly] for poly in mask_to_polygons(mine)],
            "iscrowd": 0,
        })
    return Scene(final, annotations)


def scene(
    seed: int, image_id: int, size: int, person_height: tuple[float, float] = PERSON_HEIGHT, mix: SceneMix = DEFAULT_MIX
) -> Scene:
    """The scene of ``image_id`` for a dataset ``seed``: a pure function of its arguments."""
    return render(np.random.default_rng([seed, image_id]), size, person_height, mix)


def encode_jpeg(pixels: np.ndarray, rng: Rng) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=int(rng.integers(*_JPEG_QUALITY)))
    return buffer.getvalue()


# ---------------------------------------------------------------- dataset writer


def _file_name(image_id: int) -> str:
    return f"{image_id:06d}.jpg"


def _render_chunk(
    args: tuple[int, list[int], int, tuple[float, float], SceneMix, str]
) -> list[tuple[int, list[dict[str, Any]]]]:
    """Worker: render scenes, write their JPEGs into ``folder``, return their annotations."""
    seed, image_ids, size, person_height, mix, folder = args
    out = []
    for image_id in image_ids:
        rendered = scene(seed, image_id, size, person_height, mix)
        jpeg_rng = np.random.default_rng([seed, image_id, 1])
        (Path(folder) / _file_name(image_id)).write_bytes(encode_jpeg(rendered.pixels, jpeg_rng))
        out.append((image_id, rendered.annotations))
    return out


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def coco_categories() -> list[dict[str, Any]]:
    """COCO ``categories`` entries of everything the generator draws (``person`` is id 1)."""
    return [{"id": c.id, "name": c.name, "supercategory": c.supercategory} for c in CATEGORIES]


def generate(
    out: str | Path,
    *,
    images: int,
    size: int = 128,
    seed: int = 0,
    val_fraction: float = 0.2,
    split_seed: int = 0,
    executor: Executor | None = None,
    person_height: tuple[float, float] = PERSON_HEIGHT,
    mix: SceneMix = DEFAULT_MIX,
) -> SynthSummary:
    """Write ``images`` generated scenes as a COCO-format dataset into ``out`` (replacing it).

    Args:
        out: dataset folder; written beside under a temporary name, then renamed into place.
        images: number of scenes (image ids 1..images).
        size: image side in pixels.
        seed: scene seed; scene ``i`` depends only on ``(seed, i, size)``.
        val_fraction, split_seed: the train/val rule (:func:`hytnas.data.split.val_mask`).
        executor: where scenes are rendered (default: this process; the output does not
            depend on it).
        person_height: lowest and highest standing person height, fractions of ``size``
            (log-uniform between them); larger persons make fewer sub-threshold negatives.
        mix: how many distractors and occluders (default: the VWW scenes').
    """
    if images < 1:
        raise ValueError(f"images must be at least 1, got {images}")
    heights = check_person_height(person_height)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        image_dir = staging / "images"
        image_dir.mkdir()
        ids = list(range(1, images + 1))
        jobs = [(seed, chunk, size, heights, mix, str(image_dir)) for chunk in _chunks(ids, 25)]
        results: dict[int, list[dict[str, Any]]] = {}
        bar = tqdm(total=images, desc="synth", unit="img", disable=None)
        where = executor if executor is not None and images >= _POOL_MIN_IMAGES else InlineExecutor()
        for part in iter_values(where, _render_chunk, jobs):
            results.update(part)
            bar.update(len(part))
        bar.close()
        summary = _write_annotations(staging, results, size, seed, val_fraction, split_seed, heights, mix)
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def _write_annotations(
    root: Path,
    results: dict[int, list[dict[str, Any]]],
    size: int,
    seed: int,
    val_fraction: float,
    split_seed: int,
    person_height: tuple[float, float],
    mix: SceneMix,
) -> SynthSummary:
    ids = np.array(sorted(results), dtype=np.int64)
    in_val = dict(zip(ids.tolist(), val_mask(ids, val_fraction, split_seed).tolist()))
    info = {
        "description": "hytnas generated scenes (articulated persons and distractors)",
        "version": str(GENERATOR_VERSION),
        "seed": seed,
        "image_size": size,
        "val_fraction": val_fraction,
        "split_seed": split_seed,
        "person_height": list(person_height),
    }
    if mix != DEFAULT_MIX:  # the VWW scenes' files stay as they were
        info["scene_mix"] = asdict(mix)
    splits: dict[str, dict[str, list[dict[str, Any]]]] = {"train": {"images": [], "annotations": []}, "val": {"images": [], "annotations": []}}
    counts = {c.name: 0 for c in CATEGORIES}
    names = {c.id: c.name for c in CATEGORIES}
    next_id = 1
    for image_id in ids.tolist():
        split = splits["val" if in_val[image_id] else "train"]
        split["images"].append({"id": image_id, "file_name": _file_name(image_id), "width": size, "height": size})
        for ann in results[image_id]:
            split["annotations"].append({"id": next_id, "image_id": image_id, **ann})
            counts[names[ann["category_id"]]] += 1
            next_id += 1
    for name, content in splits.items():
        document = {"info": info, "licenses": [], **content, "categories": coco_categories()}
        write_text(root / "annotations" / f"instances_{name}.json", json.dumps(document, separators=(",", ":")) + "\n")
    return SynthSummary(len(ids), len(splits["train"]["images"]), len(splits["val"]["images"]), counts)


def _swap_into_place(staging: Path, out: Path) -> None:
    """Rename the finished folder to ``out``; an existing ``out`` is removed only afterwards."""
    old = None
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
        os.replace(out, old / out.name)
    os.replace(staging, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
