"""``hytnas-released``: the search loop the HyT-NAS authors run in their released code.

The paper's text describes the loop :class:`~hytnas.search.strategies.mobo.HyTNAS`
implements (``hytnas``). The authors' public search code
(``meclotfi/HyT-NAS-Search-Algorithm``: ``sa/algorithms.py`` ``HytSearch``, ``sa/mobo.py``,
``sa/surrogate_model/xgbs.py``, ``sa/solver/solver.py``, ``sa/selection.py`` ``HVI``) runs
another configuration; this strategy is that configuration on our integer genomes:

1. initial design: ``initial`` (100) distinct uniformly random genomes (not a Latin
   hypercube), evaluated;
2. per objective one ``xgboost.XGBRegressor`` (booster ``dart``, ``n_estimators`` = 100
   trees, every other parameter at the library's default, seeded from the run's seed, one
   thread): no ensemble, no spread. It is refit every iteration on the LATEST evaluated
   batch only (the initial design for the first fit), ``refit_on: latest``; ``refit_on: all``
   fits on every evaluated point instead;
3. acquisition: the predicted mean itself (the authors' ``identity``; no UCB);
4. pymoo's NSGA-II with its default (real-valued) operators, population ``pop_size`` (100),
   ``n_gen`` (25) generations in pymoo's counting (the initial population is generation 1),
   on a continuous relaxation of the encoding: gene ``j`` is a float in ``[0, k_j - 1]``,
   rounded to the nearest choice index whenever the surrogates evaluate it. Its first
   population (``solver_start: nds``, the authors' ``pop_init_method``) is the latest batch
   in non-dominated-sorting order of its objective values, cut to ``pop_size``, topped up by
   a continuous Latin hypercube sample of the box; ``solver_start: uniform`` starts from
   pymoo's uniform float sampling. The candidates are its final population, rounded,
   deduplicated, minus the genomes already evaluated;
5. batch of ``batch`` (50): DGEMO's greedy hypervolume improvement of the candidates'
   predicted means over the front of every evaluated point, in objective units, reference
   point ``reference``. Once no remaining candidate adds volume, the rest of the batch is
   drawn uniformly from the remaining candidates (the authors' rule); if fewer candidates
   than the batch remain, uniform unevaluated genomes fill it.

The reference point: the authors' objectives are ``(-accuracy %, latency ms)`` with
``ref_point = [-75.0, 3500.0]``; ours are ``(100 - accuracy %, latency ms)``, the same
frame shifted by 100 in the first objective, so the authors' point is ``(25.0, 3500.0)``
here (accuracy 75 %, latency 3,500 ms), the default. Hypervolume is invariant under the
shift, so the selection is the authors'. ``reference`` is in the problem's minimised
objective units: one number per objective, or one number for all.

Where the authors' code works on floats end to end (their oracle takes continuous inputs),
genomes here are rounded to choice indices, as this project's problems need.
"""

from __future__ import annotations

import time
from functools import partial
from typing import Any, Sequence

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.operators.sampling.rnd import FloatRandomSampling
from pymoo.optimize import minimize

from hytnas.errors import ConfigError
from hytnas.search.ledger import Ledger
from hytnas.search.operators import IndexProblem, first_occurrences
from hytnas.search.pareto import nondominated_fronts, pareto_mask
from hytnas.search.problem import Problem
from hytnas.search.selection import hvi_greedy_select
from hytnas.search.strategies.base import (
    STREAM_ACQUISITION,
    STREAM_FILL,
    STREAM_INITIAL,
    STREAM_SURROGATE,
    STREAM_TIES,
    Callback,
    Strategy,
    one_of,
    positive_int,
)
from hytnas.search.strategies.mobo import run_batches
from hytnas.search.surrogates import Job, Surrogate, fit_all, predict_all
from hytnas.seeds import derive_seed

RELEASED_REFERENCE: tuple[float, float] = (25.0, 3500.0)
"""The authors' reference point ``[-75 (accuracy %), 3500 (ms)]`` in our ``(100 - accuracy %,
latency ms)`` objectives."""



class DartRegressor(Surrogate):
    """One objective's surrogate as the authors' ``xgbsur``: an ``xgboost.XGBRegressor`` with
    booster ``dart`` and ``n_estimators`` trees, the rest at the library's defaults (one
    thread). Its score space is the objective itself (``targets`` and ``values`` are the
    identity) and its spread is zero.

    ``train_sizes`` records the number of training rows of every fit, in order.
    """

    def __init__(self, cardinalities: np.ndarray, n_estimators: int = 100, seed: int = 0) -> None:
        super().__init__(cardinalities)
        self.n_estimators = int(n_estimators)
        self.seed = int(seed)
        self.model: Any = None
        self.train_sizes: list[int] = []

    def targets(self, y: np.ndarray) -> np.ndarray:
        return np.asarray(y, dtype=np.float64)

    def values(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64)

    def _fit_jobs(self, X: np.ndarray, y: np.ndarray) -> list[Job]:
        return [(float(len(X)), partial(self._fit, X, y))]

    def _fit(self, X: np.ndarray, y: np.ndarray) -> None:
        from xgboost import XGBRegressor

        model = XGBRegressor(booster="dart", n_estimators=self.n_estimators, random_state=self.seed, n_jobs=1)
        model.fit(self.encode(X).astype(np.float32), np.asarray(y, dtype=np.float64))
        self.model = model
        self.train_sizes.append(len(X))

    def _predict_jobs(self, X: np.ndarray) -> list[Job]:
        return [(1.0, partial(self._predict, X))]

    def _predict(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(self.model.predict(self.encode(X).astype(np.float32)), dtype=np.float64)

    def _combine(self, parts: list[Any]) -> tuple[np.ndarray, np.ndarray]:
        mean = parts[0]
        return mean, np.zeros_like(mean)


def reference_option(strategy: str, name: str, value: Any) -> float | tuple[float, ...]:
    """``value`` as one finite number or a tuple of them, or :class:`ConfigError` naming the option."""
    many = isinstance(value, (list, tuple, np.ndarray))

    def number(v: Any) -> float:
        if isinstance(v, (bool, np.bool_, str, bytes)):
            return float("nan")
        try:
            return float(v)
        except (TypeError, ValueError):
            return float("nan")

    out = tuple(number(v) for v in (value if many else [value]))
    if not out or not all(np.isfinite(out)):
        raise ConfigError(f"strategy {strategy}: option {name} = {value!r}, expected a number or a list of numbers")
    return out if many else out[0]


class ReleasedHyTNAS(Strategy):
    """HyT-NAS as the authors' released code runs it (``hytnas-released``), not as the paper
    describes it (``hytnas``).

    Differences from ``hytnas`` (the paper's text): one ``dart`` XGBoost regressor per
    objective instead of an ensemble of rankers; the predicted mean as the acquisition instead
    of UCB; the regressors refit on the latest batch only instead of all evaluated points;
    NSGA-II 100 x 25 on a continuous relaxation of the genome, started from the latest
    batch, instead of 100 x 20 on integer genomes; HVI in objective units with a fixed
    reference point instead of in rank space; uniform random initial design of 100 and
    batches of 50 instead of an LHS design and batches of 10. Steps in the module docstring.

    Options:
        initial: size of the uniform random initial design (100).
        batch: genomes evaluated per iteration (50).
        n_estimators: trees of each regressor (100).
        pop_size: NSGA-II population (100).
        n_gen: NSGA-II generations, pymoo's count (25).
        refit_on: ``latest`` (the authors': the latest batch) or ``all`` evaluated points.
        reference: HVI reference point in the problem's minimised objective units, one number
            per objective or one for all (``(25.0, 3500.0)``: the authors' accuracy 75 % and
            3,500 ms in ``(100 - accuracy %, latency ms)``).
        solver_start: NSGA-II's first population, ``nds`` (the authors': the latest batch in
            non-dominated order, then a Latin hypercube) or ``uniform``.
    """

    name = "hytnas-released"

    def __init__(
        self,
        *,
        initial: int = 100,
        batch: int = 50,
        n_estimators: int = 100,
        pop_size: int = 100,
        n_gen: int = 25,
        refit_on: str = "latest",
        reference: float | Sequence[float] = RELEASED_REFERENCE,
        solver_start: str = "nds",
    ) -> None:
        name = self.name
        refit_on = one_of(name, "refit_on", refit_on, ("latest", "all"))
        super().__init__(
            initial=positive_int(name, "initial", initial, minimum=2),
            # A latest-batch fit needs two points.
            batch=positive_int(name, "batch", batch, minimum=2 if refit_on == "latest" else 1),
            n_estimators=positive_int(name, "n_estimators", n_estimators),
            pop_size=positive_int(name, "pop_size", pop_size, minimum=2),
            n_gen=positive_int(name, "n_gen", n_gen),
            refit_on=refit_on,
            reference=reference_option(name, "reference", reference),
            solver_start=one_of(name, "solver_start", solver_start, ("nds", "uniform")),
        )

    def min_budget(self) -> int:
        return int(self.options["initial"])

    def _make_surrogates(self, problem: Problem, seed: int) -> list[Surrogate]:
        """One regressor per objective."""
        return [
            DartRegressor(problem.cardinalities, self.options["n_estimators"], derive_seed(seed, STREAM_SURROGATE, j))
            for j in range(problem.n_obj)
        ]

    def _reference(self, problem: Problem) -> np.ndarray:
        ref = np.asarray(self.options["reference"], dtype=np.float64).reshape(-1)
        if ref.size == 1:
            return np.full(problem.n_obj, float(ref[0]))
        if ref.size != problem.n_obj:
            raise ConfigError(
                f"strategy {self.name}: option reference has {ref.size} coordinates, the problem {problem.n_obj} objectives"
            )
        return ref

    def _run(self, problem: Problem, ledger: Ledger, seed: int, callback: Callback) -> dict[str, float]:
        opts = self.options
        ref = self._reference(problem)
        timings = {"surrogate": 0.0, "acquisition": 0.0, "selection": 0.0}
        design = problem.space.sample(opts["initial"], (seed, STREAM_INITIAL), method="uniform")
        ledger.evaluate(design, iteration=0)
        callback(ledger)
        surrogates = self._make_surrogates(problem, seed)
        fill_rng = np.random.default_rng([seed, STREAM_FILL])
        tie_rng = np.random.default_rng([seed, STREAM_TIES])

        def propose(k: int, iteration: int) -> np.ndarray:
            return self._propose(problem, ledger, surrogates, ref, k, seed, iteration, tie_rng, timings)

        run_batches(problem, ledger, opts["batch"], propose, fill_rng, callback)
        return timings

    def _propose(
        self,
        problem: Problem,
        ledger: Ledger,
        surrogates: list[Surrogate],
        ref: np.ndarray,
        k: int,
        seed: int,
        iteration: int,
        tie_rng: np.random.Generator,
        timings: dict[str, float],
    ) -> np.ndarray:
        """Up to ``k`` new genomes, ``k' x d`` (k' <= k)."""
        opts = self.options
        t0 = time.perf_counter()
        X, F = ledger.X, ledger.F
        latest = ledger.iteration == iteration - 1
        train = latest if opts["refit_on"] == "latest" else np.ones(len(X), dtype=bool)
        fit_all(surrogates, X[train], F[train])
        t1 = time.perf_counter()
        CX, CA = self._solve(problem, surrogates, X[latest], F[latest], derive_seed(seed, STREAM_ACQUISITION, iteration))
        new = ~ledger.contains(CX)
        CX, CA = CX[new], CA[new]
        t2 = time.perf_counter()
        chosen = self._select(CA, F[pareto_mask(F)], ref, k, tie_rng)
        timings["surrogate"] += t1 - t0
        timings["acquisition"] += t2 - t1
        timings["selection"] += time.perf_counter() - t2
        return CX[chosen]

    def _solve(
        self, problem: Problem, surrogates: list[Surrogate], X_latest: np.ndarray, F_latest: np.ndarray, solver_seed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """NSGA-II on the relaxed encoding minimising the predicted means: its final
        population rounded and deduplicated, ``c x d`` genomes and their ``c x m`` means."""
        opts = self.options
        relaxed = IndexProblem(problem.cardinalities, problem.n_obj, lambda G: predict_all(surrogates, G)[0])
        sampling: Any = FloatRandomSampling()
        if opts["solver_start"] == "nds":
            sampling = self._nds_start(problem, X_latest, F_latest, solver_seed)
        algorithm = NSGA2(pop_size=opts["pop_size"], sampling=sampling)
        result = minimize(relaxed, algorithm, ("n_gen", opts["n_gen"]), seed=solver_seed, verbose=False)
        CX = np.clip(np.rint(result.pop.get("X")), relaxed.xl, relaxed.xu).astype(np.int64)
        CA = np.asarray(result.pop.get("F"), dtype=np.float64)
        first = first_occurrences(CX)
        return CX[first], CA[first]

    def _nds_start(self, problem: Problem, X: np.ndarray, F: np.ndarray, seed: int) -> np.ndarray:
        """``pop_size x d`` floats: ``X`` in non-dominated-sorting order of ``F``, cut to
        ``pop_size``, then a Latin hypercube sample of the box ``[0, k_j - 1]``."""
        from scipy.stats import qmc

        pop_size = self.options["pop_size"]
        order = np.concatenate(nondominated_fronts(F)) if len(F) else np.empty(0, dtype=np.int64)
        start = np.asarray(X, dtype=np.float64)[order][:pop_size]
        rest = pop_size - len(start)
        if rest > 0:
            upper = (problem.cardinalities - 1).astype(np.float64)
            unit = qmc.LatinHypercube(d=problem.n_var, rng=np.random.default_rng(seed)).random(rest)
            start = np.vstack([start, unit * upper])
        return start

    @staticmethod
    def _select(
        CA: np.ndarray, front: np.ndarray, ref: np.ndarray, k: int, rng: np.random.Generator
    ) -> np.ndarray:
        """Indices of up to ``k`` candidates: greedy HVI of ``CA`` (``c x m``) over ``front``
        while some candidate adds volume, then uniform draws from the remaining candidates."""
        if len(CA) == 0 or k <= 0:
            return np.empty(0, dtype=np.int64)
        order = hvi_greedy_select(CA, front, ref, k)
        # The greedy order's picks that add volume come first; the rest add none.
        current = np.asarray(front, dtype=np.float64).reshape(-1, CA.shape[1])
        gainful = 0
        for i in order:
            c = CA[i]
            if not np.all(c < ref) or (len(current) and np.any(np.all(current <= c, axis=1))):
                break
            current = np.vstack([current, c])
            gainful += 1
        taken = [int(i) for i in order[:gainful]]
        rest = np.setdiff1d(np.arange(len(CA)), taken)
        tail = rng.permutation(rest)[: k - gainful]
        return np.concatenate([np.asarray(taken, dtype=np.int64), tail.astype(np.int64)])


__all__ = ["RELEASED_REFERENCE", "DartRegressor", "ReleasedHyTNAS", "reference_option"]
