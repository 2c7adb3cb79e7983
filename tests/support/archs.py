"""Tiny architectures and the tables stages read: sampled sets and Pareto sets."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from hytnas.archs import genome_frame, with_costs
from hytnas.io import write_csv
from hytnas.space import get_space


def tiny_genomes(n: int) -> np.ndarray:
    """``n`` distinct small table1 genomes: all zeros, then one dimension raised at a time."""
    space = get_space("table1")
    out = [np.zeros(space.n_dims, dtype=np.int64)]
    for j in range(n - 1):
        genome = np.zeros(space.n_dims, dtype=np.int64)
        genome[j % space.n_dims] = 1
        out.append(genome)
    return np.stack(out[:n])


def write_archs(path: Path, n: int, *, sampled_seed: int | None = None) -> Path:
    """An architecture table as ``sample_archs`` writes it (params and MACs at 224 px): the
    ``n`` tiny genomes, or ``n`` sampled ones when ``sampled_seed`` is given."""
    space = get_space("table1")
    genomes = tiny_genomes(n) if sampled_seed is None else space.sample(n, seed=sampled_seed)
    write_csv(path, with_costs(space, genome_frame(space, genomes), 224))
    return path


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
