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
    for dim in space.dims:
        if all(float(c).is_integer() for c in dim.choices):
            frame[dim.name] = frame[dim.name].astype(np.int64)
    frame.insert(0, ID_COLUMN, [space.arch_id(g) for g in genomes])
    return frame


def genomes_from_frame(space: CategoricalSpace, frame: pd.DataFrame) -> np.ndarray:
    """``n x d`` genomes parsed from the ``arch_id`` column (the genome columns must agree)."""
    return np.array([space.parse_arch_id(a) for a in frame[ID_COLUMN]], dtype=np.int64)


def with_costs(space: CategoricalSpace, frame: pd.DataFrame, resolution: int) -> pd.DataFrame:
    """Add ``params`` (2-class head) and ``macs`` (one image, ``resolution`` px) columns.

    Counted analytically (:func:`hytnas.nn.measure.summarize`), which equals the built module's
    counts (``tests/nn`` checks it) at a fraction of the time.
    """
    from hytnas.nn.measure import summarize

    params, macs = [], []
    for arch_id in frame[ID_COLUMN]:
        summary = summarize(space.to_spec(space.parse_arch_id(arch_id)), resolution, num_classes=2)
        params.append(int(summary["params"]))
        macs.append(int(summary["macs"]))
    out = frame.copy()
    out["params"] = params
    out["macs"] = macs
    return out
