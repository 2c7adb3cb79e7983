"""``nsga2``: pymoo's NSGA-II on the index encoding, stopped when the ledger's budget is spent.

Driven by pymoo's ask-and-tell interface so every population goes through the ledger:
genomes NSGA-II proposes again cost nothing. If the last generation holds more new genomes
than the budget has left, the first ones (in NSGA-II's order) are evaluated and the run ends.
"""

from __future__ import annotations

import numpy as np
from pymoo.core.evaluator import Evaluator
from pymoo.core.termination import NoTermination
from pymoo.problems.static import StaticProblem

from hytnas.search.ledger import Ledger
from hytnas.search.operators import IndexProblem, integer_nsga2
from hytnas.search.problem import Problem
from hytnas.search.strategies.base import STREAM_NSGA2, Callback, Strategy, positive_int
from hytnas.seeds import derive_seed


class NSGA2Search(Strategy):
    """NSGA-II with integer SBX/PM (rounding repair) and uniform integer initial population.

    Options:
        pop_size: population and offspring size per generation.
        max_stall: stop after this many generations in a row without a new genome (a
            converged population); the history is then shorter than the budget.
    """

    name = "nsga2"

    def __init__(self, *, pop_size: int = 50, max_stall: int = 50) -> None:
        super().__init__(
            pop_size=positive_int(self.name, "pop_size", pop_size, minimum=2),
            max_stall=positive_int(self.name, "max_stall", max_stall),
        )

    def _run(self, problem: Problem, ledger: Ledger, seed: int, callback: Callback) -> dict[str, float]:
        index_problem = IndexProblem(problem.cardinalities, problem.n_obj, function=None)
        algorithm = integer_nsga2(self.options["pop_size"])
        # The ledger ends the run, not pymoo.
        algorithm.setup(index_problem, seed=derive_seed(seed, STREAM_NSGA2), termination=NoTermination())
        generation, stall = 0, 0
        while not ledger.exhausted and stall < self.options["max_stall"]:
            pop = algorithm.ask()
            X = np.rint(pop.get("X")).astype(np.int64)
            before = ledger.n_evals
            F = ledger.evaluate(X, generation)
            callback(ledger)
            if np.isnan(F).any():  # the budget ran out inside this generation
                break
            Evaluator().eval(StaticProblem(index_problem, F=F), pop)
            algorithm.tell(infills=pop)
            stall = stall + 1 if ledger.n_evals == before else 0
            generation += 1
        return {}
