"""Loading the prepared VWW arrays (written by :mod:`hytnas.data.prepare`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hytnas.data.prepare import array_name
from hytnas.errors import DataError

_MADE_BY = "run the prepare_data stage (`dvc repro prepare_data`) or `hytnas data prepare`"


@dataclass(frozen=True)
class VWWArrays:
    """Train and validation images and labels at one resolution.

    Attributes:
        train_x, val_x: ``n x res x res x 3`` uint8 RGB (memory-mapped, read-only views when the
            split's rows are contiguous in ``labels.csv``, as ``prepare_data`` writes them).
        train_y, val_y: ``n`` int64 labels, 1 = person.
    """

    train_x: np.ndarray
    train_y: np.ndarray
    val_x: np.ndarray
    val_y: np.ndarray

    @property
    def resolution(self) -> int:
        return int(self.train_x.shape[1])


def _rows(split: np.ndarray, name: str) -> slice | np.ndarray:
    index = np.flatnonzero(split == name)
    if index.size and index[-1] - index[0] + 1 == index.size:
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def load_vww(root: str | Path, resolution: int) -> VWWArrays:
    """The VWW split at ``resolution`` from a prepared folder (default ``data/vww``).

    Raises:
        DataError: a file is missing, or the arrays and ``labels.csv`` disagree.
    """
    root = Path(root)
    labels_path = root / "labels.csv"
    images_path = root / array_name(resolution)
    if not labels_path.is_file():
        raise DataError(f"{labels_path}: not found; {_MADE_BY}")
    if not images_path.is_file():
        found = sorted(p.name for p in root.glob("images_*.npy"))
        hint = f" (found {', '.join(found)})" if found else ""
        raise DataError(
            f"{images_path}: not found{hint}; {_MADE_BY}, with {resolution} in data.resolution or data.extra_resolutions"
        )
    try:
        labels = pd.read_csv(labels_path, usecols=["split", "label"])
    except (ValueError, pd.errors.ParserError) as err:
        raise DataError(f"{labels_path}: not a VWW label table ({err}); {_MADE_BY}") from None
    images = np.load(images_path, mmap_mode="r")
    if images.ndim != 4 or images.shape[1:] != (resolution, resolution, 3) or images.dtype != np.uint8:
        raise DataError(f"{images_path}: expected uint8 N x {resolution} x {resolution} x 3, got {images.dtype} {images.shape}")
    if images.shape[0] != len(labels):
        raise DataError(f"{images_path} has {images.shape[0]} rows but {labels_path} {len(labels)}; {_MADE_BY} again")
    split = labels["split"].to_numpy()
    y = labels["label"].to_numpy(dtype=np.int64)
    train, val = _rows(split, "train"), _rows(split, "val")
    return VWWArrays(images[train], y[train], images[val], y[val])
