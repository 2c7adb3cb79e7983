"""Where training images come from: the prepared VWW arrays or a small generated set, their
content digest (part of every training result's key), the shared training subset and the
resolution check every training stage makes before it starts.

A source is a small picklable description (:class:`VWWData`, :class:`SyntheticData`); each
worker loads it once (:func:`load_arrays`).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from hytnas.errors import ConfigError


class Arrays(Protocol):
    """Image arrays: ``train_x``/``val_x`` uint8 ``N x H x W x 3``, ``train_y``/``val_y`` int ``N``."""

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray


@dataclass(frozen=True)
class SimpleArrays:
    """A plain :class:`Arrays` holder."""

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray


@dataclass(frozen=True)
class VWWData:
    """The prepared Visual Wake Words arrays at ``resolution`` under ``root`` (a path every
    worker can read: with Dask, a shared file system)."""

    root: str
    resolution: int

    def load(self) -> Arrays:
        from hytnas.data.arrays import load_vww

        return load_vww(self.root, self.resolution)


@dataclass(frozen=True)
class SyntheticData:
    """A small learnable two-class image set for tests and benchmarks.

    Class 1 images hold a bright square of random size and place on a noisy background;
    class 0 images hold only the background. Same arrays layout as :class:`VWWData`.
    """

    train: int = 256
    val: int = 128
    resolution: int = 32
    seed: int = 0

    def load(self) -> Arrays:
        rng = np.random.default_rng(self.seed)

        def make(n: int) -> tuple[np.ndarray, np.ndarray]:
            r = self.resolution
            x = rng.normal(96, 32, size=(n, r, r, 3)).clip(0, 255)
            y = rng.integers(0, 2, size=n)
            for i in np.flatnonzero(y):
                side = int(rng.integers(r // 5, r // 2))
                top, left = rng.integers(0, r - side, size=2)
                x[i, top : top + side, left : left + side] = rng.normal(200, 20, size=3).clip(0, 255)
            return x.astype(np.uint8), y.astype(np.int64)

        train_x, train_y = make(self.train)
        val_x, val_y = make(self.val)
        return SimpleArrays(train_x, train_y, val_x, val_y)


DataSource = VWWData | SyntheticData


@functools.lru_cache(maxsize=2)
def load_arrays(data: DataSource) -> Arrays:
    """Arrays of ``data``, loaded once per worker process."""
    return data.load()


def data_digest(arrays: Arrays) -> str:
    """SHA-256 (16 hex digits) of the four arrays' shapes, dtypes and bytes."""
    digest = hashlib.sha256()
    for name in ("train_x", "train_y", "val_x", "val_y"):
        array = np.ascontiguousarray(getattr(arrays, name))
        digest.update(f"{name}{array.shape}{array.dtype}".encode())
        digest.update(memoryview(array).cast("B"))
    return digest.hexdigest()[:16]


def train_subset(n: int, size: int | None, seed: int) -> np.ndarray:
    """Indices of the training images used: all (``size`` None or >= n) or a seeded subset
    of ``size``, the same for every architecture."""
    if size is None or size >= n:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))


def check_resolution(arrays: Arrays, key: str, resolution: int) -> None:
    """:class:`ConfigError` naming the params ``key`` unless the images are ``resolution`` px."""
    found = int(arrays.train_x.shape[1])
    if found != resolution:
        raise ConfigError(
            f"{key} = {resolution}: the data hold {found} px images; add it to data.resolution or data.extra_resolutions"
        )


__all__ = [
    "Arrays",
    "DataSource",
    "SimpleArrays",
    "SyntheticData",
    "VWWData",
    "check_resolution",
    "data_digest",
    "load_arrays",
    "train_subset",
]
