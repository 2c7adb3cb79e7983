"""Hypervolume bookkeeping: fixed normalisation, one reference point, HV vs evaluations.

To compare runs, every run of every strategy on one oracle is scored in the same frame:

- objectives are normalised by fixed :class:`Bounds` computed once per oracle from a large
  uniform sample (:func:`bounds_from_sample`): ``(F - lower) / (upper - lower)``;
- one reference point, ``REF = 1.1`` in every normalised objective;
- HV by pymoo's indicator (moocore underneath).

:func:`hv_curve` gives the HV after each evaluation count; :func:`reference_front` pools
the fronts of several runs so results read as "HV as a fraction of the reference";
:func:`evaluations_to_reach` reports "not reached" as ``budget + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np
from pymoo.indicators.hv import HV

from hytnas.errors import ConfigError
from hytnas.search.ledger import History
from hytnas.search.pareto import pareto_mask
from hytnas.space.base import CategoricalSpace

REF = 1.1
"""Reference point coordinate in normalised objective space."""


@dataclass(frozen=True)
class Bounds:
    """Per-objective normalisation: ``lower`` maps to 0, ``upper`` to 1; shapes ``(m,)``."""

    lower: np.ndarray
    upper: np.ndarray

    def __post_init__(self) -> None:
        lower = np.asarray(self.lower, dtype=np.float64).reshape(-1)
        upper = np.asarray(self.upper, dtype=np.float64).reshape(-1)
        if lower.shape != upper.shape:
            raise ConfigError(f"bounds: lower has {lower.size} entries, upper {upper.size}")
        if not np.all(upper > lower):
            raise ConfigError(f"bounds: upper {upper.tolist()} must exceed lower {lower.tolist()} in every objective")
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    @property
    def n_obj(self) -> int:
        return int(self.lower.size)

    def normalise(self, F: np.ndarray) -> np.ndarray:
        """``n x m`` objective values -> ``n x m`` normalised values."""
        F = np.asarray(F, dtype=np.float64)
        if F.ndim != 2 or F.shape[1] != self.n_obj:
            raise ConfigError(f"expected an n x {self.n_obj} objective array, got shape {F.shape}")
        return (F - self.lower) / (self.upper - self.lower)

    def to_dict(self) -> dict[str, Any]:
        return {"lower": self.lower.tolist(), "upper": self.upper.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Bounds":
        return cls(np.asarray(data["lower"]), np.asarray(data["upper"]))


def bounds_from_sample(
    objective: Callable[[np.ndarray], np.ndarray], space: CategoricalSpace, n: int = 10_000, seed: int = 0
) -> Bounds:
    """Per-objective min and max over ``n`` uniform genomes of ``space`` (computed once per oracle).

    ``objective`` maps ``n x d`` int genomes to ``n x m`` values (a
    :class:`~hytnas.search.problem.Problem`'s ``evaluate`` or its ``objective``).
    """
    if n < 2:
        raise ConfigError(f"bounds need a sample of at least 2 genomes, got n={n}")
    X = space.sample(min(n, space.size()), (int(seed), 7919), method="uniform")
    F = np.asarray(objective(X), dtype=np.float64)
    if F.ndim != 2 or len(F) != len(X):
        raise ConfigError(f"objective returned shape {F.shape} for {len(X)} genomes")
    return Bounds(F.min(axis=0), F.max(axis=0))


def _ref_vector(ref: float | Sequence[float], m: int) -> np.ndarray:
    r = np.asarray(ref, dtype=np.float64).reshape(-1)
    if r.size == 1:
        r = np.full(m, float(r[0]))
    if r.size != m:
        raise ConfigError(f"reference point has {r.size} coordinates, objectives {m}")
    return r


def hypervolume(F: np.ndarray, ref: float | Sequence[float] = REF) -> float:
    """Hypervolume of ``n x m`` points (already normalised) w.r.t. ``ref`` (scalar or ``(m,)``).

    Points not strictly better than ``ref`` in every objective contribute nothing.
    """
    F = np.asarray(F, dtype=np.float64)
    if F.ndim != 2:
        raise ConfigError(f"expected an n x m array, got shape {F.shape}")
    r = _ref_vector(ref, F.shape[1])
    F = F[np.all(F < r, axis=1)]
    if len(F) == 0:
        return 0.0
    return float(HV(ref_point=r)(F))


def _objectives(run: History | np.ndarray) -> np.ndarray:
    return run.F if isinstance(run, History) else np.asarray(run, dtype=np.float64)


def hv_curve(
    history: History | np.ndarray,
    bounds: Bounds,
    ref: float | Sequence[float] = REF,
    pad_to: int | None = None,
) -> np.ndarray:
    """HV after each evaluation: entry ``k-1`` is the HV of the first ``k`` evaluations.

    Args:
        history: a run, or its ``n x m`` objective values in evaluation order.
        bounds: the oracle's fixed normalisation.
        ref: reference point in normalised space.
        pad_to: length to pad to with the last value (a run that stopped before its budget).

    Returns:
        ``(n,)`` non-decreasing float array (``(pad_to,)`` when padded).
    """
    Z = bounds.normalise(_objectives(history))
    r = _ref_vector(ref, Z.shape[1])
    curve = np.zeros(len(Z))
    front = np.empty((0, Z.shape[1]))
    value = 0.0
    for k, z in enumerate(Z):
        inside = bool(np.all(z < r))
        dominated = len(front) > 0 and bool(np.any(np.all(front <= z, axis=1)))
        if inside and not dominated:
            front = np.vstack([front[~np.all(z <= front, axis=1)], z])
            value = hypervolume(front, r)
        curve[k] = value
    if pad_to is not None and pad_to > len(curve):
        last = curve[-1] if len(curve) else 0.0
        curve = np.concatenate([curve, np.full(pad_to - len(curve), last)])
    return curve


def reference_front(runs: Iterable[History | np.ndarray]) -> np.ndarray:
    """Non-dominated points pooled from several runs' objective values, ``k x m`` (raw units)."""
    arrays = [_objectives(run) for run in runs]
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        raise ConfigError("reference front needs at least one evaluated point")
    pooled = np.unique(np.concatenate(arrays, axis=0), axis=0)
    return pooled[pareto_mask(pooled)]


def front_hv(front: np.ndarray, bounds: Bounds, ref: float | Sequence[float] = REF) -> float:
    """HV of ``k x m`` raw objective values after the fixed normalisation."""
    return hypervolume(bounds.normalise(front), ref)


def reference_hv(runs: Iterable[History | np.ndarray], bounds: Bounds, ref: float | Sequence[float] = REF) -> float:
    """HV of the front pooled from several runs (the "reference" that curves are fractions of)."""
    return front_hv(reference_front(runs), bounds, ref)


def evaluations_to_reach(curve: np.ndarray, target_hv: float, budget: int | None = None) -> int:
    """Fewest evaluations whose HV reaches ``target_hv``; ``budget + 1`` if never reached.

    ``budget`` defaults to ``len(curve)``.
    """
    curve = np.asarray(curve, dtype=np.float64)
    hits = np.flatnonzero(curve >= target_hv)
    if len(hits):
        return int(hits[0]) + 1
    return int(len(curve) if budget is None else budget) + 1
