"""The evaluation ledger: what was evaluated, in which order, and what it cost.

Every *distinct* genome sent to the objectives counts once against the budget, the
initial design included. Asking again for an evaluated genome returns the recorded values,
costs nothing and records nothing. The order of first evaluation is kept, so a
:class:`History` gives hypervolume against the number of evaluations.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hytnas.errors import ConfigError
from hytnas.search.pareto import pareto_mask
from hytnas.search.problem import Problem


def _key(row: np.ndarray) -> bytes:
    return np.ascontiguousarray(row, dtype=np.int64).tobytes()


class Ledger:
    """Evaluations of one run, in order, under an optional budget of distinct genomes.

    Args:
        problem: the problem whose objectives are called.
        budget: most distinct genomes to evaluate; ``None`` for no limit.
    """

    def __init__(self, problem: Problem, budget: int | None = None) -> None:
        if budget is not None and int(budget) < 1:
            raise ConfigError(f"budget must be >= 1, got {budget}")
        self.problem = problem
        self.budget = None if budget is None else int(budget)
        self._index: dict[bytes, int] = {}
        self._X: list[np.ndarray] = []
        self._F: list[np.ndarray] = []
        self._iteration: list[int] = []
        self.objective_time = 0.0
        self.calls = 0

    # --- state -------------------------------------------------------------------------
    @property
    def n_evals(self) -> int:
        """Distinct genomes evaluated so far."""
        return len(self._index)

    @property
    def remaining(self) -> int | None:
        """Evaluations left in the budget (``None`` without a budget)."""
        return None if self.budget is None else self.budget - self.n_evals

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.n_evals >= self.budget

    @property
    def X(self) -> np.ndarray:
        """Evaluated genomes in order of evaluation, ``n x d`` int64."""
        if not self._X:
            return np.empty((0, self.problem.n_var), dtype=np.int64)
        return np.concatenate(self._X, axis=0)

    @property
    def F(self) -> np.ndarray:
        """Their objective values, ``n x m`` float64."""
        if not self._F:
            return np.empty((0, self.problem.n_obj))
        return np.concatenate(self._F, axis=0)

    @property
    def iteration(self) -> np.ndarray:
        """Iteration (batch) each evaluation belongs to, shape ``(n,)``; 0 = initial design."""
        return np.asarray(self._iteration, dtype=np.int64)

    def contains(self, X: np.ndarray) -> np.ndarray:
        """Boolean mask ``(n,)``: which rows of an ``n x d`` batch were already evaluated."""
        genomes = self.problem.check_genomes(X)
        return np.array([_key(row) in self._index for row in genomes], dtype=bool)

    def new_rows(self, X: np.ndarray) -> np.ndarray:
        """Rows of ``X`` not yet evaluated, duplicates dropped, first occurrence order (``k x d``)."""
        genomes = self.problem.check_genomes(X)
        seen: set[bytes] = set()
        keep = []
        for i, row in enumerate(genomes):
            key = _key(row)
            if key not in self._index and key not in seen:
                seen.add(key)
                keep.append(i)
        return genomes[keep]

    # --- evaluation --------------------------------------------------------------------
    def evaluate(self, X: np.ndarray, iteration: int = 0) -> np.ndarray:
        """Objective values of an ``n x d`` batch, ``n x m``.

        New distinct genomes are evaluated in one objective call, in order of first
        occurrence, as long as the budget allows; rows whose genome did not fit in the
        budget get NaN. Already evaluated genomes are looked up (free).
        """
        genomes = self.problem.check_genomes(X)
        new = self.new_rows(genomes)
        if self.remaining is not None:
            new = new[: max(self.remaining, 0)]
        if len(new):
            start = time.perf_counter()
            F_new = self.problem.evaluate(new)
            self.objective_time += time.perf_counter() - start
            self.calls += 1
            for row, f in zip(new, F_new):
                self._index[_key(row)] = len(self._iteration)
                self._iteration.append(int(iteration))
            self._X.append(new)
            self._F.append(F_new)
        return self.lookup(genomes)

    def lookup(self, X: np.ndarray) -> np.ndarray:
        """Recorded values of an ``n x d`` batch, ``n x m``; NaN rows for unevaluated genomes."""
        genomes = self.problem.check_genomes(X)
        F_all = self.F
        out = np.full((len(genomes), self.problem.n_obj), np.nan)
        for i, row in enumerate(genomes):
            j = self._index.get(_key(row))
            if j is not None:
                out[i] = F_all[j]
        return out


@dataclass
class History:
    """The record of one search run.

    Attributes:
        strategy: registered strategy name.
        seed: the run's seed.
        budget: distinct evaluations allowed.
        X: evaluated genomes in order, ``n x d`` int64 (``n <= budget``).
        F: their objective values, ``n x m`` (minimised).
        iteration: batch index of each evaluation, ``(n,)``; 0 is the initial design.
        options: the strategy's options.
        wall_time: seconds for the whole run.
        timings: seconds spent per phase (``objective``, ``surrogate``, ``acquisition``, ...).
    """

    strategy: str
    seed: int
    budget: int
    X: np.ndarray
    F: np.ndarray
    iteration: np.ndarray
    options: dict[str, Any] = field(default_factory=dict)
    wall_time: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_ledger(
        cls,
        ledger: Ledger,
        strategy: str,
        seed: int,
        options: dict[str, Any],
        wall_time: float,
        timings: dict[str, float] | None = None,
    ) -> "History":
        times = {"objective": ledger.objective_time, **(timings or {})}
        return cls(
            strategy=strategy,
            seed=int(seed),
            budget=int(ledger.budget if ledger.budget is not None else ledger.n_evals),
            X=ledger.X,
            F=ledger.F,
            iteration=ledger.iteration,
            options=dict(options),
            wall_time=float(wall_time),
            timings=times,
        )

    @property
    def n_evals(self) -> int:
        return int(len(self.X))

    def pareto_indices(self, n: int | None = None) -> np.ndarray:
        """Indices of the non-dominated evaluations among the first ``n`` (all by default)."""
        F = self.F if n is None else self.F[:n]
        return np.flatnonzero(pareto_mask(F))

    def pareto_front(self, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(X, F)`` of the non-dominated evaluations among the first ``n``: ``k x d``, ``k x m``."""
        idx = self.pareto_indices(n)
        return self.X[idx], self.F[idx]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (lists of numbers)."""
        return {
            "strategy": self.strategy,
            "seed": self.seed,
            "budget": self.budget,
            "X": self.X.tolist(),
            "F": self.F.tolist(),
            "iteration": self.iteration.tolist(),
            "options": self.options,
            "wall_time": self.wall_time,
            "timings": self.timings,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "History":
        X = np.asarray(data["X"], dtype=np.int64)
        F = np.asarray(data["F"], dtype=np.float64)
        return cls(
            strategy=str(data["strategy"]),
            seed=int(data["seed"]),
            budget=int(data["budget"]),
            X=X.reshape(len(X), -1),
            F=F.reshape(len(F), -1),
            iteration=np.asarray(data["iteration"], dtype=np.int64),
            options=dict(data.get("options", {})),
            wall_time=float(data.get("wall_time", 0.0)),
            timings=dict(data.get("timings", {})),
        )
