"""Small synthetic problems with known Pareto sets and fast strategy settings for the tests."""

from __future__ import annotations

import itertools

import numpy as np

from hytnas.search import Bounds, Problem, hypervolume, pareto_mask

# Fast settings of the BO loop for tests (the paper's defaults are 100 x 20 and 5 rankers).
FAST_MOBO = {"initial": 20, "batch": 5, "pop_size": 40, "n_gen": 10}
FAST_OPTIONS = {
    "random": {},
    "nsga2": {"pop_size": 20},
    "gp-mobo": FAST_MOBO,
    "hytnas": {**FAST_MOBO, "ensemble": 3},
    "qnehvi": {"initial": 20, "batch": 5, "candidates": 200, "mc_samples": 16},
    # a single-number reference: the same for every objective, so 3-objective problems work too
    "hytnas-released": {"initial": 20, "batch": 5, "pop_size": 40, "n_gen": 10, "reference": 20.0},
}
BO = ["gp-mobo", "hytnas", "qnehvi"]  # share the LHS initial design (hytnas-released draws its own, as the authors)


class KnownFront:
    """A problem with its whole space enumerated: true Pareto set, bounds and HV."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        cards = problem.cardinalities
        self.X = np.array(list(itertools.product(*(range(k) for k in cards))), dtype=np.int64)
        self.F = problem.evaluate(self.X)
        mask = pareto_mask(self.F)
        self.pareto_set = {tuple(int(v) for v in row) for row in self.X[mask]}
        self.bounds = Bounds(self.F.min(axis=0), self.F.max(axis=0))
        self.hv = hypervolume(self.bounds.normalise(self.F[mask]))

    def hits(self, X: np.ndarray) -> int:
        """How many rows of ``X`` are in the true Pareto set."""
        return sum(tuple(int(v) for v in row) in self.pareto_set for row in X)
