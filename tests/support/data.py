"""Tiny training data: a learnable generated set and a prepared-VWW folder made of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hytnas.data.sources import SyntheticData
from hytnas.io import write_csv

RES = 32
"""Side of the tiny images, pixels."""
DATA = SyntheticData(train=64, val=32, resolution=RES, seed=0)
"""64 training and 32 validation images at 32 px."""


def write_vww(root: Path, train: int = 96, val: int = 64, seed: int = 0) -> Path:
    """A prepared-VWW folder (``labels.csv``, ``images_32.npy``) of synthetic images."""
    arrays = SyntheticData(train=train, val=val, resolution=RES, seed=seed).load()
    root.mkdir(parents=True, exist_ok=True)
    n_train, n_val = len(arrays.train_y), len(arrays.val_y)
    labels = pd.DataFrame(
        {
            "image_id": np.arange(n_train + n_val),
            "file": [f"{i}.jpg" for i in range(n_train + n_val)],
            "split": ["train"] * n_train + ["val"] * n_val,
            "label": np.concatenate([arrays.train_y, arrays.val_y]),
            "person_area_fraction": 0.0,
        }
    )
    write_csv(root / "labels.csv", labels)
    np.save(root / f"images_{RES}.npy", np.concatenate([arrays.train_x, arrays.val_x]))
    return root
