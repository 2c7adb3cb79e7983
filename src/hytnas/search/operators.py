"""pymoo NSGA-II configured for integer genomes (used by the ``nsga2`` strategy and the
acquisition solver): integer random sampling, SBX crossover and polynomial mutation on the
index encoding with rounding repair, duplicates eliminated; and the one-gene neighbourhood
of genomes (the BO loops' local candidates)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.core.problem import Problem as PymooProblem
from pymoo.operators.crossover.sbx import SBX
from pymoo.operators.mutation.pm import PM
from pymoo.operators.repair.rounding import RoundingRepair
from pymoo.operators.sampling.rnd import IntegerRandomSampling


def integer_nsga2(pop_size: int, sampling: Any = None) -> NSGA2:
    """NSGA-II with integer-valued operators; ``sampling`` defaults to uniform integers.

    ``sampling`` may be an ``n x d`` int array (an initial population) or a pymoo sampling.
    """
    return NSGA2(
        pop_size=int(pop_size),
        sampling=IntegerRandomSampling() if sampling is None else sampling,
        crossover=SBX(prob=1.0, eta=3.0, vtype=float, repair=RoundingRepair()),
        mutation=PM(eta=3.0, vtype=float, repair=RoundingRepair()),
        eliminate_duplicates=True,
    )


def grid_bounds(cardinalities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(xl, xu)`` of the index encoding, each ``(d,)``: 0 and ``k - 1``."""
    cards = np.asarray(cardinalities, dtype=np.int64)
    return np.zeros(len(cards), dtype=np.int64), cards - 1


class IndexProblem(PymooProblem):
    """A pymoo problem over the index grid whose objectives come from a callable.

    Args:
        cardinalities: ``(d,)`` choices per dimension.
        n_obj: number of objectives.
        function: ``n x d`` int genomes -> ``n x m`` values to minimise.
        archive: when true, every evaluated batch is kept in ``archive_X``/``archive_F``.
    """

    def __init__(self, cardinalities: np.ndarray, n_obj: int, function: Any, archive: bool = False) -> None:
        xl, xu = grid_bounds(cardinalities)
        super().__init__(n_var=len(xl), n_obj=int(n_obj), xl=xl, xu=xu, vtype=int)
        self.function = function
        self.keep = archive
        self.archive_X: list[np.ndarray] = []
        self.archive_F: list[np.ndarray] = []

    def _evaluate(self, x: np.ndarray, out: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        X = np.clip(np.rint(x), self.xl, self.xu).astype(np.int64)
        F = np.asarray(self.function(X), dtype=np.float64)
        if self.keep:
            self.archive_X.append(X)
            self.archive_F.append(F)
        out["F"] = F


def first_occurrences(X: np.ndarray) -> np.ndarray:
    """``(k,)`` int indices of the first occurrence of each distinct row of ``n x d`` ``X``,
    in the order they occur."""
    _, first = np.unique(np.asarray(X).reshape(len(X), -1), axis=0, return_index=True)
    return np.sort(first)


def one_gene_neighbours(X: np.ndarray, cardinalities: np.ndarray) -> np.ndarray:
    """Every genome one gene away from a row of ``X`` (``n x d`` int), distinct and not a row
    of ``X``: ``c x d`` int, ``c <= n * sum(k - 1)``, in order of row, gene, then value."""
    cards = np.asarray(cardinalities, dtype=np.int64)
    X = np.asarray(X, dtype=np.int64).reshape(-1, len(cards))
    moves: list[np.ndarray] = []
    for gene, k in enumerate(cards.tolist()):
        if k < 2 or not len(X):
            continue
        shifted = np.repeat(X, k - 1, axis=0)
        offsets = np.tile(np.arange(1, k), len(X))
        shifted[:, gene] = (shifted[:, gene] + offsets) % k
        moves.append(shifted.reshape(len(X), k - 1, -1))
    if not moves:
        return np.empty((0, len(cards)), dtype=np.int64)
    out = np.concatenate(moves, axis=1).reshape(-1, len(cards))
    out = out[first_occurrences(out)]
    known = {tuple(g) for g in X.tolist()}
    return out[[tuple(g) not in known for g in out.tolist()]].reshape(-1, len(cards))
