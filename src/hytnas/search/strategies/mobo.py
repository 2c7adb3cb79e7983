"""``hytnas`` and ``gp-mobo``: the paper's batch multi-objective Bayesian optimisation loop.

One loop, two surrogates (so the pair is an ablation of the surrogate):

1. initial design: ``initial`` distinct genomes by Latin hypercube sampling (same seed ->
   same design for every BO strategy), evaluated;
2. per objective a surrogate, refit every iteration on all evaluated points
   (``hytnas``: an ensemble of ``ensemble`` XGBoost rankers; ``gp-mobo``: one GP);
3. acquisition per objective: ``mean - ucb_beta * std`` in the surrogate's score space
   (the paper's UCB, written for minimisation);
4. NSGA-II (population ``pop_size``, ``n_gen`` generations) minimises the acquisition vector,
   from uniform genomes or, with ``warm_start``, from the evaluated genomes in non-dominated
   order of their scores filled with uniform ones (DGEMO's and the authors' start); every
   point it visits is a candidate (``solver_candidates: visited``), or only its final population
   (``final``, as DGEMO); with ``local_candidates`` every one-gene change of the evaluated
   front joins them, scored by the same acquisition;
5. candidates already evaluated are dropped; non-dominated sorting of the rest keeps the
   first ``fronts`` fronts; greedy hypervolume improvement over the evaluated front picks
   ``batch`` of them (or, with ``batch_growth`` g > 0, ``max(batch, floor(g * n))`` after n
   evaluations: small batches while the surrogates know little, fewer iterations later). If
   fewer remain, later fronts and then uniform unevaluated genomes fill the batch. What the improvement is computed on are two options: ``hvi_on`` the
   acquisition values (``ucb``, the default), the predicted mean (``mean``, DGEMO) or one
   draw from the surrogates' posterior per iteration (``sample``, Thompson sampling as TSEMO), and
   ``hvi_space`` the surrogates' score space (``rank``, the default: normalised ranks for
   ``hytnas``) or objective values (``value``, DGEMO: scores mapped back through
   :meth:`~hytnas.search.surrogates.Surrogate.values`, both the candidates and the evaluated
   front min-max scaled over the evaluated points); reference point 1.1 either way.

``hytnas`` has one more: ``bootstrap`` fits each ranker on its own resample of the points,
so the ensemble's spread (UCB's exploration term) reflects the data, not only the members'
hyperparameters.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Callable

import numpy as np

from hytnas.config import INITIAL_DESIGN
from hytnas.runs.executor import Executor, ThreadExecutor
from hytnas.search.acquisition import lower_confidence_bound, solve_acquisition, warm_population
from hytnas.search.ledger import Ledger
from hytnas.search.operators import first_occurrences, one_gene_neighbours
from hytnas.search.pareto import nondominated_fronts, pareto_mask
from hytnas.search.problem import Problem
from hytnas.search.selection import hvi_greedy_select
from hytnas.search.strategies.base import (
    STREAM_ACQUISITION,
    STREAM_FILL,
    STREAM_POSTERIOR,
    STREAM_SURROGATE,
    Callback,
    Strategy,
    boolean,
    initial_design,
    non_negative_float,
    one_of,
    positive_int,
)
from hytnas.search.surrogates import (
    GaussianProcess,
    RankEnsemble,
    Surrogate,
    fit_all,
    predict_all,
    torch_threads,
)
from hytnas.seeds import derive_seed

SELECTION_REF = 1.1
"""Reference point of the HVI selection in score space (evaluated points lie in [0, 1])."""


class BatchMOBO(Strategy):
    """The shared loop; subclasses choose the surrogate (``_make_surrogates``)."""

    def __init__(
        self,
        *,
        initial: int = INITIAL_DESIGN,
        batch: int = 10,
        ucb_beta: float = 1.0,
        pop_size: int = 100,
        n_gen: int = 20,
        fronts: int = 2,
        n_jobs: int = 1,
        warm_start: bool = False,
        solver_candidates: str = "visited",
        hvi_on: str = "ucb",
        hvi_space: str = "rank",
        batch_growth: float = 0.0,
        local_candidates: bool = False,
        **extra: Any,
    ) -> None:
        name = self.name
        super().__init__(
            initial=positive_int(name, "initial", initial, minimum=2),
            batch=positive_int(name, "batch", batch),
            batch_growth=non_negative_float(name, "batch_growth", batch_growth),
            ucb_beta=non_negative_float(name, "ucb_beta", ucb_beta),
            pop_size=positive_int(name, "pop_size", pop_size, minimum=2),
            n_gen=positive_int(name, "n_gen", n_gen),
            fronts=positive_int(name, "fronts", fronts),
            n_jobs=positive_int(name, "n_jobs", n_jobs),
            warm_start=boolean(name, "warm_start", warm_start),
            solver_candidates=one_of(name, "solver_candidates", solver_candidates, ("visited", "final")),
            hvi_on=one_of(name, "hvi_on", hvi_on, ("ucb", "mean", "sample")),
            hvi_space=one_of(name, "hvi_space", hvi_space, ("rank", "value")),
            local_candidates=boolean(name, "local_candidates", local_candidates),
            **extra,
        )

    def min_budget(self) -> int:
        return int(self.options["initial"])

    @abstractmethod
    def _make_surrogates(self, problem: Problem, seed: int) -> list[Surrogate]:
        """One fresh surrogate per objective."""

    def _context(self) -> AbstractContextManager[Any]:
        """Context the whole run executes in (e.g. a thread setting)."""
        return nullcontext()

    def _run(self, problem: Problem, ledger: Ledger, seed: int, callback: Callback) -> dict[str, float]:
        opts = self.options
        timings = {"surrogate": 0.0, "acquisition": 0.0, "selection": 0.0}
        ledger.evaluate(initial_design(problem, opts["initial"], seed), iteration=0)
        callback(ledger)
        surrogates = self._make_surrogates(problem, seed)
        fill_rng = np.random.default_rng([seed, STREAM_FILL])
        pool = ThreadExecutor(opts["n_jobs"]) if opts["n_jobs"] > 1 else nullcontext(None)
        with self._context(), pool as executor:
            def propose(k: int, iteration: int) -> np.ndarray:
                return self._propose(problem, ledger, surrogates, k, seed, iteration, executor, timings)

            run_batches(problem, ledger, opts["batch"], propose, fill_rng, callback, opts["batch_growth"])
        return timings

    def _propose(
        self,
        problem: Problem,
        ledger: Ledger,
        surrogates: list[Surrogate],
        k: int,
        seed: int,
        iteration: int,
        executor: Executor | None,
        timings: dict[str, float],
    ) -> np.ndarray:
        """Up to ``k`` new genomes, ``k' x d`` (k' <= k), by the acquisition and HVI selection."""
        opts = self.options
        t0 = time.perf_counter()
        X, F = ledger.X, ledger.F
        fit_all(surrogates, X, F, executor)
        Z = np.stack([s.targets(F[:, j]) for j, s in enumerate(surrogates)], axis=1)
        t1 = time.perf_counter()

        def acquisition(G: np.ndarray) -> np.ndarray:
            mean, std = predict_all(surrogates, G, executor)
            return lower_confidence_bound(mean, std, opts["ucb_beta"])

        solver_seed = derive_seed(seed, STREAM_ACQUISITION, iteration)
        initial = (
            warm_population(X, Z, problem.cardinalities, opts["pop_size"], solver_seed) if opts["warm_start"] else None
        )
        CX, CA = solve_acquisition(
            acquisition,
            problem.cardinalities,
            problem.n_obj,
            seed=solver_seed,
            pop_size=opts["pop_size"],
            n_gen=opts["n_gen"],
            initial=initial,
            candidates=opts["solver_candidates"],
        )
        if opts["local_candidates"]:
            near = one_gene_neighbours(X[pareto_mask(F)], problem.cardinalities)
            if len(near):
                CX, CA = np.vstack([CX, near]), np.vstack([CA, acquisition(near)])
                first = first_occurrences(CX)
                CX, CA = CX[first], CA[first]
        t2 = time.perf_counter()
        new = ~ledger.contains(CX)
        CX, CA = CX[new], CA[new]
        draw_seed = derive_seed(seed, STREAM_POSTERIOR, iteration)
        scored, front = self._selection_frame(surrogates, CX, CA, F, Z, executor, draw_seed)
        fronts = nondominated_fronts(scored)
        kept = np.concatenate(fronts[: opts["fronts"]]) if fronts else np.empty(0, dtype=np.int64)
        pick = hvi_greedy_select(scored[kept], front, SELECTION_REF, k)
        chosen = [int(i) for i in kept[pick]]
        if len(chosen) < k and fronts:  # later fronts, in order
            taken = set(chosen)
            chosen += [int(i) for i in np.concatenate(fronts) if int(i) not in taken][: k - len(chosen)]
        t3 = time.perf_counter()
        timings["surrogate"] += t1 - t0
        timings["acquisition"] += t2 - t1
        timings["selection"] += t3 - t2
        return CX[np.asarray(chosen, dtype=np.int64)]

    def _selection_frame(
        self,
        surrogates: list[Surrogate],
        CX: np.ndarray,
        CA: np.ndarray,
        F: np.ndarray,
        Z: np.ndarray,
        executor: Executor | None,
        draw_seed: int = 0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """What the HVI selection compares: the candidates' ``c x m`` values and the evaluated
        front's ``p x m``, in one frame (``hvi_on``, ``hvi_space``; ``draw_seed`` seeds the
        posterior draws of ``hvi_on: sample``, objective ``j`` from ``draw_seed + j``)."""
        opts = self.options
        scored = CA
        if opts["hvi_on"] == "mean" and len(CX):
            scored, _ = predict_all(surrogates, CX, executor)
        elif opts["hvi_on"] == "sample" and len(CX):
            scored = np.stack([s.sample(CX, draw_seed + j) for j, s in enumerate(surrogates)], axis=1)
        if opts["hvi_space"] == "rank":
            return scored, Z[pareto_mask(Z)]
        values = np.stack([s.values(scored[:, j]) for j, s in enumerate(surrogates)], axis=1) if len(CX) else scored
        lo = F.min(axis=0)
        span = np.maximum(F.max(axis=0) - lo, 1e-12)
        return (values - lo) / span, (F[pareto_mask(F)] - lo) / span


def fill_batch(problem: Problem, ledger: Ledger, chosen: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``chosen`` topped up to ``k`` distinct unevaluated genomes with uniform draws."""
    out = ledger.new_rows(chosen)
    while len(out) < k:
        extra = problem.space.sample_uniform(4 * k, rng)
        out = ledger.new_rows(np.vstack([out, extra]))[:k]
    return out[:k]


def batch_size(batch: int, growth: float, n_evaluated: int) -> int:
    """Genomes to evaluate in the next iteration: ``batch``, or ``floor(growth * n_evaluated)``
    once that is larger (batches that grow with the evaluated set; ``growth`` 0: fixed)."""
    return max(batch, int(growth * n_evaluated))


def run_batches(
    problem: Problem,
    ledger: Ledger,
    batch: int,
    propose: Callable[[int, int], np.ndarray],
    fill_rng: np.random.Generator,
    callback: Callback,
    growth: float = 0.0,
) -> None:
    """The batch loop after the initial design (iteration 0): iterations 1, 2, ... until the
    budget is spent, each evaluating ``propose(k, iteration)`` (``k' x d`` genomes, ``k' <= k``,
    ``k`` = :func:`batch_size` or what the budget leaves) topped up to ``k`` by :func:`fill_batch`."""
    iteration = 1
    while not ledger.exhausted:
        k = min(batch_size(batch, growth, ledger.n_evals), int(ledger.remaining or 0))
        ledger.evaluate(fill_batch(problem, ledger, propose(k, iteration), k, fill_rng), iteration)
        callback(ledger)
        iteration += 1


class HyTNAS(BatchMOBO):
    """HyT-NAS MOBO: per objective an ensemble of ``ensemble`` XGBoost rankers (rank:pairwise),
    hyperparameters drawn once per run from the paper's grid.

    Options: ``initial``, ``batch``, ``batch_growth``, ``ucb_beta``, ``ensemble``, ``pop_size``,
    ``n_gen``, ``fronts``, ``n_jobs`` (threads for fitting and predicting; each XGBoost model uses one),
    ``warm_start`` and ``solver_candidates`` (the acquisition solver's start and candidates),
    ``hvi_on`` and ``hvi_space`` (what the batch selection scores), ``local_candidates``
    (one-gene changes of the evaluated front as candidates too), ``bootstrap`` (a resample
    per ranker).
    """

    name = "hytnas"

    def __init__(
        self,
        *,
        initial: int = INITIAL_DESIGN,
        batch: int = 10,
        ucb_beta: float = 1.0,
        ensemble: int = 5,
        pop_size: int = 100,
        n_gen: int = 20,
        fronts: int = 2,
        n_jobs: int = 1,
        warm_start: bool = False,
        solver_candidates: str = "visited",
        hvi_on: str = "ucb",
        hvi_space: str = "rank",
        batch_growth: float = 0.0,
        local_candidates: bool = False,
        bootstrap: bool = False,
    ) -> None:
        super().__init__(
            initial=initial,
            batch=batch,
            ucb_beta=ucb_beta,
            pop_size=pop_size,
            n_gen=n_gen,
            fronts=fronts,
            n_jobs=n_jobs,
            warm_start=warm_start,
            solver_candidates=solver_candidates,
            hvi_on=hvi_on,
            hvi_space=hvi_space,
            batch_growth=batch_growth,
            local_candidates=local_candidates,
            ensemble=positive_int(self.name, "ensemble", ensemble),
            bootstrap=boolean(self.name, "bootstrap", bootstrap),
        )

    def _make_surrogates(self, problem: Problem, seed: int) -> list[Surrogate]:
        return [
            RankEnsemble(
                problem.cardinalities,
                self.options["ensemble"],
                (seed, STREAM_SURROGATE, j),
                bootstrap=self.options["bootstrap"],
            )
            for j in range(problem.n_obj)
        ]


class GPMOBO(BatchMOBO):
    """The same loop with one Gaussian process per objective (BoTorch ``SingleTaskGP``).

    Options: ``initial``, ``batch``, ``batch_growth``, ``ucb_beta``, ``pop_size``, ``n_gen``,
    ``fronts``, ``n_jobs`` (threads: the objectives' GPs fit and predict side by side), ``warm_start``,
    ``solver_candidates``, ``hvi_on``, ``hvi_space``, ``local_candidates``, ``refit_every`` (kernel
    hyperparameters re-optimised every k-th iteration, 1: every one; between, the GP conditions
    on all points with the last ones), ``log_targets`` (each GP models the logarithm of its
    objective, which must be positive). Torch runs single-threaded during the run (restored after).
    """

    name = "gp-mobo"

    def __init__(
        self,
        *,
        initial: int = INITIAL_DESIGN,
        batch: int = 10,
        ucb_beta: float = 1.0,
        pop_size: int = 100,
        n_gen: int = 20,
        fronts: int = 2,
        n_jobs: int = 1,
        warm_start: bool = False,
        solver_candidates: str = "visited",
        hvi_on: str = "ucb",
        hvi_space: str = "rank",
        batch_growth: float = 0.0,
        local_candidates: bool = False,
        refit_every: int = 1,
        log_targets: bool = False,
    ) -> None:
        super().__init__(
            initial=initial, batch=batch, ucb_beta=ucb_beta, pop_size=pop_size, n_gen=n_gen, fronts=fronts, n_jobs=n_jobs,
            warm_start=warm_start, solver_candidates=solver_candidates, hvi_on=hvi_on, hvi_space=hvi_space,
            batch_growth=batch_growth, local_candidates=local_candidates,
            # checked here as well as by GaussianProcess: a bad value fails when the strategy is
            # built from params.yaml, with the strategy's name, not at its first surrogate fit
            refit_every=positive_int(self.name, "refit_every", refit_every),
            log_targets=boolean(self.name, "log_targets", log_targets),
        )

    def _context(self) -> AbstractContextManager[Any]:
        return torch_threads(1)

    def _make_surrogates(self, problem: Problem, seed: int) -> list[Surrogate]:
        return [
            GaussianProcess(
                problem.cardinalities,
                (seed, STREAM_SURROGATE, j),
                refit_every=self.options["refit_every"],
                log_targets=self.options["log_targets"],
            )
            for j in range(problem.n_obj)
        ]
