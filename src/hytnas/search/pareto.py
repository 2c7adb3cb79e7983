"""Pareto dominance helpers (pymoo's non-dominated sorting), all objectives minimised."""

from __future__ import annotations

import numpy as np
from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting


def pareto_mask(F: np.ndarray) -> np.ndarray:
    """Boolean ``(n,)``: rows of ``n x m`` ``F`` that no other row dominates.

    Exact duplicates of a non-dominated point are all kept.
    """
    F = np.asarray(F, dtype=np.float64)
    mask = np.zeros(len(F), dtype=bool)
    if len(F):
        mask[NonDominatedSorting().do(F, only_non_dominated_front=True)] = True
    return mask


def nondominated_fronts(F: np.ndarray, n_fronts: int | None = None) -> list[np.ndarray]:
    """Index arrays of the first ``n_fronts`` non-dominated fronts of ``n x m`` ``F`` (all if None)."""
    F = np.asarray(F, dtype=np.float64)
    if len(F) == 0:
        return []
    fronts = NonDominatedSorting().do(F)
    out = [np.asarray(front, dtype=np.int64) for front in fronts]
    return out if n_fronts is None else out[:n_fronts]
