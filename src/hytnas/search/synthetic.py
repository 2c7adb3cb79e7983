"""Cheap synthetic problems with known structure, for tests and speed benchmarks.

- :func:`zdt1_grid`: ZDT1 on an integer grid (``k`` values per dimension); its Pareto set
  is ``x_1 = ... = x_{d-1} = 0`` with ``x_0`` free, i.e. exactly ``k`` genomes.
- :func:`proxy_objective`: an analytic stand-in for (error, latency) over a MobileViT-like
  space such as ``table1``: latency grows with a MAC-like cost of the genome's values, the
  error falls with the log of a capacity term, plus interactions and a fixed
  genome-hashed ripple, so the two conflict and the front is not trivial.
"""

from __future__ import annotations

import numpy as np

from hytnas.search.problem import Objective, Problem
from hytnas.space.base import CategoricalSpace


def zdt1_grid(d: int = 4, k: int = 8) -> Problem:
    """ZDT1 on ``{0..k-1}^d`` (``x = index / (k - 1)``), two objectives, Pareto set of size ``k``."""

    def objective(X: np.ndarray) -> np.ndarray:
        x = np.asarray(X, dtype=np.float64) / (k - 1)
        f1 = x[:, 0]
        g = 1.0 + 9.0 * x[:, 1:].mean(axis=1)
        return np.stack([f1, g * (1.0 - np.sqrt(f1 / g))], axis=1)

    return Problem.from_cardinalities([k] * d, objective, n_obj=2, names=("f1", "f2"))


def proxy_objective(space: CategoricalSpace, seed: int = 0) -> Objective:
    """``n x d`` genomes of ``space`` -> ``n x 2`` (error, latency), both minimised.

    Uses the genome's choice values as a generic feature vector ``v`` (``n x d``): a
    positive random weight vector gives a log-cost (latency), a second one, correlated
    with the first, gives the capacity that lowers the error; pairwise interactions and
    a deterministic per-genome ripple make it less than separable.
    """
    rng = np.random.default_rng([int(seed), 4242])
    d = space.n_dims
    w_cost = rng.uniform(0.2, 1.0, d)
    w_cap = 0.6 * w_cost + 0.4 * rng.uniform(0.0, 1.0, d)
    pairs = rng.integers(0, d, size=(d, 2))
    w_pair = rng.normal(0.0, 0.15, d)
    hash_w = rng.integers(1, 2**31 - 1, size=d)
    top = np.array([max(abs(c) for c in dim.choices) or 1.0 for dim in space.dims])

    def objective(X: np.ndarray) -> np.ndarray:
        genomes = np.asarray(X, dtype=np.int64)
        v = space.values_array(genomes) / top  # choice values scaled to (0, 1]
        cost = v @ w_cost
        capacity = v @ w_cap + (v[:, pairs[:, 0]] * v[:, pairs[:, 1]]) @ w_pair
        ripple = ((genomes @ hash_w) % 1009) / 1009.0
        latency = np.exp(4.5 * cost / w_cost.sum())
        error = 0.45 - 0.12 * np.log1p(np.maximum(capacity, 0.0)) + 0.01 * ripple
        return np.stack([error, latency], axis=1)

    return objective


def proxy_problem(space: CategoricalSpace, seed: int = 0) -> Problem:
    """:func:`proxy_objective` as a :class:`Problem` named (error, latency)."""
    return Problem(space, proxy_objective(space, seed), n_obj=2, names=("error", "latency"))
