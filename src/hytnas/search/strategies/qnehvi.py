"""``qnehvi``: BoTorch's qLogNoisyExpectedHypervolumeImprovement over a discrete candidate set.

A stronger GP baseline than ``gp-mobo``: the same initial design and the same GPs (one
BoTorch ``SingleTaskGP`` per objective, :class:`~hytnas.search.surrogates.GaussianProcess`),
but the batch is chosen by the joint expected hypervolume improvement of ``q = batch``
points (Monte Carlo, sequential greedy over the candidates) instead of UCB + NSGA-II +
HVI. The acquisition is maximised (``optimize_acqf_discrete``) over a candidate set drawn
afresh every iteration: ``candidates`` uniform unevaluated genomes plus, with
``neighbours``, every unevaluated genome one choice away from the evaluated Pareto set
(random candidates alone rarely hold the few genomes that improve a good front).
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np

from hytnas.config import INITIAL_DESIGN
from hytnas.errors import ConfigError
from hytnas.search.ledger import Ledger
from hytnas.search.pareto import pareto_mask
from hytnas.search.problem import Problem
from hytnas.search.strategies.base import (
    STREAM_ACQUISITION,
    STREAM_SURROGATE,
    Callback,
    Strategy,
    initial_design,
    positive_int,
)
from hytnas.search.strategies.mobo import SELECTION_REF
from hytnas.search.surrogates import GaussianProcess, fit_all, torch_threads
from hytnas.seeds import derive_seed


def neighbours(X: np.ndarray, cardinalities: np.ndarray) -> np.ndarray:
    """Every genome differing from a row of ``n x d`` ``X`` in exactly one choice, ``k x d``."""
    out = []
    for j, k in enumerate(np.asarray(cardinalities, dtype=np.int64)):
        for value in range(int(k)):
            moved = X[X[:, j] != value].copy()
            moved[:, j] = value
            out.append(moved)
    if not out:
        return np.empty((0, X.shape[1]), dtype=np.int64)
    return np.concatenate(out, axis=0)


class QNEHVI(Strategy):
    """Batch qLogNEHVI with GP surrogates over a random discrete candidate set.

    Options:
        initial: Latin hypercube initial design size (same design as the other BO strategies).
        batch: points per iteration (``q``).
        candidates: uniform unevaluated genomes scored per iteration.
        mc_samples: quasi-Monte Carlo samples of the acquisition.
        neighbours: also score the one-choice neighbours of the evaluated Pareto set.
    """

    name = "qnehvi"

    def __init__(
        self,
        *,
        initial: int = INITIAL_DESIGN,
        batch: int = 10,
        candidates: int = 1000,
        mc_samples: int = 32,
        neighbours: bool = True,
    ) -> None:
        if not isinstance(neighbours, bool):
            raise ConfigError(f"strategy {self.name}: option neighbours = {neighbours!r}, expected true or false")
        super().__init__(
            initial=positive_int(self.name, "initial", initial, minimum=2),
            batch=positive_int(self.name, "batch", batch),
            candidates=positive_int(self.name, "candidates", candidates),
            mc_samples=positive_int(self.name, "mc_samples", mc_samples),
            neighbours=neighbours,
        )

    def min_budget(self) -> int:
        return int(self.options["initial"])

    def _run(self, problem: Problem, ledger: Ledger, seed: int, callback: Callback) -> dict[str, float]:
        opts = self.options
        timings = {"surrogate": 0.0, "acquisition": 0.0}
        ledger.evaluate(initial_design(problem, opts["initial"], seed), iteration=0)
        callback(ledger)
        surrogates = [
            GaussianProcess(problem.cardinalities, (seed, STREAM_SURROGATE, j)) for j in range(problem.n_obj)
        ]
        rng = np.random.default_rng([seed, STREAM_ACQUISITION])
        iteration = 1
        with torch_threads(1):
            while not ledger.exhausted:
                k = min(opts["batch"], int(ledger.remaining or 0))
                t0 = time.perf_counter()
                fit_all(surrogates, ledger.X, ledger.F)
                t1 = time.perf_counter()
                pool = problem.space.sample_uniform(opts["candidates"], rng)
                if opts["neighbours"]:
                    pool = np.vstack([neighbours(ledger.X[pareto_mask(ledger.F)], problem.cardinalities), pool])
                pool = ledger.new_rows(pool)
                chosen = self._select(problem, ledger, surrogates, pool, k, derive_seed(seed, STREAM_ACQUISITION, iteration))
                timings["surrogate"] += t1 - t0
                timings["acquisition"] += time.perf_counter() - t1
                while len(chosen) < k:  # tiny spaces: top up with uniform genomes
                    chosen = ledger.new_rows(np.vstack([chosen, problem.space.sample_uniform(4 * k, rng)]))[:k]
                ledger.evaluate(chosen[:k], iteration)
                callback(ledger)
                iteration += 1
        return timings

    def _select(
        self,
        problem: Problem,
        ledger: Ledger,
        surrogates: list[GaussianProcess],
        pool: np.ndarray,
        k: int,
        seed: int,
    ) -> np.ndarray:
        """``k`` rows of the ``c x d`` candidate pool maximising qLogNEHVI jointly (``k x d``)."""
        import torch
        from botorch.acquisition.multi_objective.logei import (
            qLogNoisyExpectedHypervolumeImprovement,
        )
        from botorch.acquisition.multi_objective.objective import (
            WeightedMCMultiOutputObjective,
        )
        from botorch.models import ModelListGP
        from botorch.optim import optimize_acqf_discrete
        from botorch.sampling import SobolQMCNormalSampler

        if len(pool) == 0:
            return pool
        model = ModelListGP(*[s.model for s in surrogates])
        encode = surrogates[0].encode
        m = problem.n_obj
        # The GPs model min-max normalised objectives (lower is better); BoTorch maximises.
        acq: Any = qLogNoisyExpectedHypervolumeImprovement(
            model=model,
            ref_point=[-SELECTION_REF] * m,
            X_baseline=torch.as_tensor(encode(ledger.X), dtype=torch.float64),
            sampler=SobolQMCNormalSampler(torch.Size([self.options["mc_samples"]]), seed=seed),
            objective=WeightedMCMultiOutputObjective(weights=-torch.ones(m, dtype=torch.float64)),
            prune_baseline=True,
        )
        choices = torch.as_tensor(encode(pool), dtype=torch.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            picked, _ = optimize_acqf_discrete(acq, q=min(k, len(pool)), choices=choices, max_batch_size=512)
        # Map the chosen encodings back to pool rows.
        dist = torch.cdist(picked, choices)
        rows = dist.argmin(dim=1).numpy()
        _, first = np.unique(rows, return_index=True)
        return pool[rows[np.sort(first)]]
