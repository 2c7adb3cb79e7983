"""Acquisition: confidence bounds from a surrogate's mean and spread, optimised by NSGA-II.

For minimisation the upper-confidence-bound rule of the paper is a *lower* confidence
bound, ``a = mean - beta * std`` per objective: a point is attractive when it is predicted
good (low mean) or uncertain (high std). One acquisition per objective makes the
acquisition problem multi-objective; pymoo's NSGA-II (population 100, 20 generations by
default) solves it, from uniform genomes or warm-started from the evaluated points
(:func:`warm_population`), and every point it visits is a candidate, or its final population.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from pymoo.optimize import minimize

from hytnas.search.operators import IndexProblem, first_occurrences, integer_nsga2


def lower_confidence_bound(mean: np.ndarray, std: np.ndarray, beta: float) -> np.ndarray:
    """``n x m`` acquisition ``mean - beta * std`` (lower is better) from ``n x m`` mean and std."""
    return np.asarray(mean, dtype=np.float64) - float(beta) * np.asarray(std, dtype=np.float64)


def warm_population(X: np.ndarray, Z: np.ndarray, cardinalities: np.ndarray, pop_size: int, seed: int) -> np.ndarray:
    """``pop_size x d`` initial population of the acquisition solver, as DGEMO seeds it: the
    evaluated genomes ``X`` (``n x d``) in non-dominated-sort order of their scores ``Z``
    (``n x m``, minimised), cut to ``pop_size``, then distinct uniform genomes (from ``seed``)
    up to ``pop_size``."""
    from hytnas.search.pareto import nondominated_fronts

    order = np.concatenate(nondominated_fronts(np.asarray(Z, dtype=np.float64))) if len(X) else np.empty(0, dtype=np.int64)
    chosen = np.asarray(X, dtype=np.int64).reshape(len(X), -1)[order]
    if len(chosen):
        chosen = chosen[first_occurrences(chosen)][:pop_size]
    rng = np.random.default_rng(seed)
    cards = np.asarray(cardinalities, dtype=np.int64)
    seen = {tuple(g) for g in chosen.tolist()}
    extra: list[np.ndarray] = []
    while len(chosen) + len(extra) < pop_size:
        genome = rng.integers(0, cards)
        if tuple(genome.tolist()) not in seen:
            seen.add(tuple(genome.tolist()))
            extra.append(genome)
    return np.concatenate([chosen.reshape(-1, len(cards)), np.array(extra, dtype=np.int64).reshape(-1, len(cards))])


def solve_acquisition(
    acquisition: Callable[[np.ndarray], np.ndarray],
    cardinalities: np.ndarray,
    n_obj: int,
    seed: int,
    pop_size: int = 100,
    n_gen: int = 20,
    initial: np.ndarray | None = None,
    candidates: str = "visited",
) -> tuple[np.ndarray, np.ndarray]:
    """The candidates NSGA-II finds while minimising ``acquisition``.

    Args:
        acquisition: ``n x d`` int genomes -> ``n x m`` acquisition values (minimised).
        cardinalities: ``(d,)`` choices per dimension.
        n_obj: ``m``.
        seed: pymoo seed.
        pop_size: NSGA-II population.
        n_gen: generations.
        initial: ``pop_size x d`` first population (:func:`warm_population`); default uniform.
        candidates: ``visited`` (every distinct point evaluated, generation 0 included) or
            ``final`` (the final population, as DGEMO).

    Returns:
        ``(X, A)``: ``c x d`` distinct genomes and their ``c x m`` acquisition values.
    """
    problem = IndexProblem(cardinalities, n_obj, acquisition, archive=candidates == "visited")
    result = minimize(problem, integer_nsga2(pop_size, sampling=initial), ("n_gen", int(n_gen)), seed=int(seed), verbose=False)
    if candidates == "final":
        X = np.clip(np.rint(result.pop.get("X")), problem.xl, problem.xu).astype(np.int64)
        A = np.asarray(result.pop.get("F"), dtype=np.float64)
    else:
        X = np.concatenate(problem.archive_X, axis=0)
        A = np.concatenate(problem.archive_F, axis=0)
    first = first_occurrences(X)
    return X[first], A[first]
