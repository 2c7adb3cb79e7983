"""Helpers for the final-training tests: hand-built Pareto sets and quick params."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from hytnas.archs import genome_frame, with_costs
from hytnas.config import Params, parse_params
from hytnas.space import get_space

RES = 32


def tiny_genomes(n: int) -> np.ndarray:
    """``n`` distinct small table1 genomes: all zeros, then one dimension raised at a time."""
    space = get_space("table1")
    out = [np.zeros(space.n_dims, dtype=np.int64)]
    for j in range(n - 1):
        genome = np.zeros(space.n_dims, dtype=np.int64)
        genome[j % space.n_dims] = 1
        out.append(genome)
    return np.stack(out[:n])


def pareto_frame(acc: Sequence[float], lat: Sequence[float], params: Sequence[int] | None = None) -> pd.DataFrame:
    """A Pareto-set table in the compare_search contract with the given predictions."""
    space = get_space("table1")
    frame = with_costs(space, genome_frame(space, tiny_genomes(len(acc))), 224)
    frame["pred_val_acc"] = list(acc)
    frame["pred_latency_ms"] = list(lat)
    if params is not None:
        frame["params"] = list(params)
    return frame


def write_pareto(path: Path, acc: Sequence[float], lat: Sequence[float], params: Sequence[int] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(acc) == 0:  # the header alone
        path.write_text("arch_id,pred_val_acc,pred_latency_ms,params,macs\n")
        return path
    pareto_frame(acc, lat, params).to_csv(path, index=False)
    return path


def quick_params(**final: Any) -> Params:
    """One epoch at 32 px, one seed, one baseline; latency with 1 warm-up and 3 runs at 32 px."""
    cfg = {"epochs": 1, "resolution": RES, "seeds": 1, "baselines": ["mobilenetv1_025"], **final}
    return parse_params(
        {
            "seed": 0,
            "proxy": {"batch_size": 32, "warmup_epochs": 0.5},
            "final": cfg,
            "latency": {"resolution": RES, "warmup": 1, "runs": 3},
            "executor": {"kind": "local", "workers": 1, "threads": 1},
        }
    )
