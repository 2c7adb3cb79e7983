"""``random``: uniform sampling of the space until the budget is spent."""

from __future__ import annotations

import numpy as np

from hytnas.search.ledger import Ledger
from hytnas.search.problem import Problem
from hytnas.search.strategies.base import (
    STREAM_RANDOM,
    Callback,
    Strategy,
    positive_int,
)


class RandomSearch(Strategy):
    """Uniform random search.

    Options:
        batch: genomes drawn per round (duplicates cost nothing and are redrawn).
    """

    name = "random"

    def __init__(self, *, batch: int = 100) -> None:
        super().__init__(batch=positive_int(self.name, "batch", batch))

    def _run(self, problem: Problem, ledger: Ledger, seed: int, callback: Callback) -> dict[str, float]:
        rng = np.random.default_rng([seed, STREAM_RANDOM])
        batch = self.options["batch"]
        iteration = 0
        while not ledger.exhausted:
            n = min(batch, ledger.remaining or batch)
            ledger.evaluate(problem.space.sample_uniform(n, rng), iteration)
            iteration += 1
            callback(ledger)
        return {}
