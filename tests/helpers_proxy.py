"""Helpers for proxy-training tests: tiny architectures, a tiny VWW folder, quick params."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hytnas.archs import genome_frame
from hytnas.config import Params, parse_params
from hytnas.io import write_csv
from hytnas.nn import summarize
from hytnas.proxy import SyntheticData
from hytnas.space import get_space

RES = 32


def tiny_genomes(n: int) -> np.ndarray:
    """``n`` small table1 genomes: the smallest one, then one dimension raised at a time."""
    space = get_space("table1")
    out = [np.zeros(space.n_dims, dtype=np.int64)]
    for j in range(n - 1):
        g = np.zeros(space.n_dims, dtype=np.int64)
        g[j % space.n_dims] = 1
        out.append(g)
    return np.stack(out[:n])


def write_archs(path: Path, n: int) -> Path:
    space = get_space("table1")
    frame = genome_frame(space, tiny_genomes(n))
    costs = [summarize(space.to_spec(space.parse_arch_id(a)), 224) for a in frame["arch_id"]]
    frame["params"] = [c["params"] for c in costs]
    frame["macs"] = [c["macs"] for c in costs]
    write_csv(path, frame)
    return path


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


def quick_params(executor: dict[str, Any] | None = None, **proxy: Any) -> Params:
    """One epoch at 32 px, batches of 32."""
    cfg = {"epochs": 1, "resolution": RES, "batch_size": 32, "warmup_epochs": 0.5, **proxy}
    return parse_params({"seed": 0, "proxy": cfg, "executor": executor or {"kind": "local", "workers": 2, "threads": 1}})
