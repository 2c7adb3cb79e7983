"""Architecture tables: sampled genomes with their arch_id, genome values, params and MACs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hytnas.space import CategoricalSpace

ID_COLUMN = "arch_id"


def genome_frame(space: CategoricalSpace, genomes: np.ndarray) -> pd.DataFrame:
    """``n`` rows: ``arch_id`` then one column per dimension holding the choice values."""
    genomes = np.asarray(genomes, dtype=np.int64)
    frame = pd.DataFrame(space.values_array(genomes), columns=space.dim_names)
    frame.insert(0, ID_COLUMN, [space.arch_id(g) for g in genomes])
    return frame


def genomes_from_frame(space: CategoricalSpace, frame: pd.DataFrame) -> np.ndarray:
    """``n x d`` genomes parsed from the ``arch_id`` column (the genome columns must agree)."""
    return np.array([space.parse_arch_id(a) for a in frame[ID_COLUMN]], dtype=np.int64)


def with_costs(space: CategoricalSpace, frame: pd.DataFrame, resolution: int) -> pd.DataFrame:
    """Add ``params`` (2-class head) and ``macs`` (one image, ``resolution`` px) columns."""
    from hytnas.nn import build_model
    from hytnas.nn.measure import count_macs, count_params

    params, macs = [], []
    for arch_id in frame[ID_COLUMN]:
        model = build_model(space.to_spec(space.parse_arch_id(arch_id)), num_classes=2)
        params.append(count_params(model))
        macs.append(count_macs(model, resolution))
    out = frame.copy()
    out["params"] = params
    out["macs"] = macs
    return out
