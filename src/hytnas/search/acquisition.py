"""Acquisition: confidence bounds from a surrogate's mean and spread, optimised by NSGA-II.

For minimisation the upper-confidence-bound rule of the paper is a *lower* confidence
bound, ``a = mean - beta * std`` per objective: a point is attractive when it is predicted
good (low mean) or uncertain (high std). One acquisition per objective makes the
acquisition problem multi-objective; pymoo's NSGA-II (population 100, 20 generations by
default) solves it, and every point it visits is a candidate.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from pymoo.optimize import minimize

from hytnas.search.operators import IndexProblem, integer_nsga2


def lower_confidence_bound(mean: np.ndarray, std: np.ndarray, beta: float) -> np.ndarray:
    """``n x m`` acquisition ``mean - beta * std`` (lower is better) from ``n x m`` mean and std."""
    return np.asarray(mean, dtype=np.float64) - float(beta) * np.asarray(std, dtype=np.float64)


def solve_acquisition(
    acquisition: Callable[[np.ndarray], np.ndarray],
    cardinalities: np.ndarray,
    n_obj: int,
    seed: int,
    pop_size: int = 100,
    n_gen: int = 20,
) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct point NSGA-II visits while minimising ``acquisition``.

    Args:
        acquisition: ``n x d`` int genomes -> ``n x m`` acquisition values (minimised).
        cardinalities: ``(d,)`` choices per dimension.
        n_obj: ``m``.
        seed: pymoo seed.
        pop_size: NSGA-II population.
        n_gen: generations.

    Returns:
        ``(X, A)``: ``c x d`` distinct genomes and their ``c x m`` acquisition values.
    """
    problem = IndexProblem(cardinalities, n_obj, acquisition, archive=True)
    minimize(problem, integer_nsga2(pop_size), ("n_gen", int(n_gen)), seed=int(seed), verbose=False)
    X = np.concatenate(problem.archive_X, axis=0)
    A = np.concatenate(problem.archive_F, axis=0)
    _, first = np.unique(X, axis=0, return_index=True)
    first = np.sort(first)
    return X[first], A[first]
