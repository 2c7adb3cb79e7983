"""Batch selection: greedy hypervolume improvement (HVI) over candidate points.

Given predicted (acquisition) values of candidates and the current evaluated front, pick
``k`` candidates one at a time, each time the one whose addition raises the hypervolume of
``front + already picked`` the most. Hypervolume is submodular, so the greedy choice is
done lazily (a candidate's HVI can only shrink as the set grows): exact, and far fewer
hypervolume calls than the plain loop.
"""

from __future__ import annotations

import heapq
from typing import Sequence

import numpy as np

from hytnas.errors import ConfigError
from hytnas.search.hypervolume import hypervolume


def _domination_gap(c: np.ndarray, P: np.ndarray, ref: np.ndarray) -> float:
    """How far ``c`` (``(m,)``) is from adding volume: 0 or less if it would add some.

    The larger of: how much ``c`` must improve (in its best objective) to escape the point of
    ``P`` (``p x m``) dominating it by the most, and how far it lies outside the reference box.
    """
    outside = float(np.max(c - ref))
    if len(P) == 0:
        return outside
    escape = float(np.max(np.min(c - P, axis=1)))
    return max(escape, outside)


def hvi_greedy_select(
    candidates_F: np.ndarray,
    front_F: np.ndarray,
    ref: float | Sequence[float],
    k: int,
) -> np.ndarray:
    """Indices of ``k`` candidates chosen greedily by hypervolume improvement.

    Args:
        candidates_F: ``c x m`` predicted objective values of the candidates (minimised).
        front_F: ``p x m`` values of the points already evaluated (any points; dominated
            ones add nothing).
        ref: reference point, a scalar or ``(m,)``, in the same space.
        k: batch size.

    Returns:
        ``(min(k, c),)`` int array of distinct candidate indices in order of selection. When
        no remaining candidate improves the hypervolume, the rest are picked by smallest
        domination gap (how far a candidate is from adding volume), ties to the lower index.
    """
    C = np.asarray(candidates_F, dtype=np.float64)
    if C.ndim != 2:
        raise ConfigError(f"candidates must be a c x m array, got shape {C.shape}")
    m = C.shape[1]
    P = np.asarray(front_F, dtype=np.float64).reshape(-1, m)
    r = np.asarray(ref, dtype=np.float64).reshape(-1)
    r = np.full(m, float(r[0])) if r.size == 1 else r
    if k < 0:
        raise ConfigError(f"batch size must be >= 0, got {k}")
    k = min(int(k), len(C))
    chosen: list[int] = []
    current = P[np.all(P < r, axis=1)]
    base = hypervolume(current, r)

    def gain(i: int) -> float:
        if not np.all(C[i] < r):
            return 0.0
        if len(current) and np.any(np.all(current <= C[i], axis=1)):
            return 0.0
        return hypervolume(np.vstack([current, C[i]]), r) - base

    # Lazy greedy: heap of (-upper bound on gain, index); bounds are refreshed on pop.
    heap = [(-gain(i), i) for i in range(len(C))]
    heapq.heapify(heap)
    fresh = {i: True for i in range(len(C))}
    while len(chosen) < k and heap:
        neg, i = heapq.heappop(heap)
        if -neg <= 0.0:
            heapq.heappush(heap, (neg, i))
            break
        if not fresh[i]:
            heapq.heappush(heap, (-gain(i), i))
            fresh[i] = True
            continue
        chosen.append(i)
        current = np.vstack([current, C[i]])
        base = hypervolume(current, r)
        fresh = {j: False for j in fresh if j != i}
    if len(chosen) < k:
        rest = [i for i in range(len(C)) if i not in set(chosen)]
        P_all = np.vstack([P, C[chosen]]) if chosen else P
        while len(chosen) < k:
            gaps = [_domination_gap(C[i], P_all, r) for i in rest]
            j = int(np.argmin(gaps))
            chosen.append(rest.pop(j))
            P_all = np.vstack([P_all, C[chosen[-1]]])
    return np.asarray(chosen, dtype=np.int64)
