"""The paper's settings end to end (slow): defaults on ``table1``, and the claim in miniature."""

from __future__ import annotations

import numpy as np
import pytest
from search_helpers import FAST_OPTIONS, KnownFront

from hytnas.search import evaluations_to_reach, get_strategy, hv_curve
from hytnas.search.strategies.mobo import HyTNAS
from hytnas.search.synthetic import proxy_problem
from hytnas.space import get_space


@pytest.mark.slow
def test_hytnas_with_the_paper_defaults_on_table1() -> None:
    strategy = get_strategy("hytnas", initial=50, batch=10)
    assert isinstance(strategy, HyTNAS)
    assert strategy.options["pop_size"] == 100 and strategy.options["n_gen"] == 20
    assert strategy.options["ensemble"] == 5 and strategy.options["fronts"] == 2
    space = get_space("table1")
    problem = proxy_problem(space)
    history = strategy.run(problem, budget=70, seed=0)
    assert history.n_evals == 70 and np.bincount(history.iteration).tolist() == [50, 10, 10]
    # The two proposed batches improve on the initial design's front.
    design_front = history.pareto_front(50)[1]
    proposed = history.F[50:]
    improved = [not np.any(np.all(design_front <= f, axis=1)) for f in proposed]
    assert sum(improved) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["hytnas", "gp-mobo"])
def test_bo_reaches_random_search_hypervolume_with_fewer_evaluations(name: str, zdt: KnownFront) -> None:
    budget = 200
    for seed in (0, 1):
        random_curve = hv_curve(get_strategy("random").run(zdt.problem, budget, seed), zdt.bounds)
        bo = get_strategy(name, **FAST_OPTIONS[name]).run(zdt.problem, 60, seed)
        bo_curve = hv_curve(bo, zdt.bounds)
        # Random search's HV after 200 evaluations is reached in at most 60 (> 3x fewer).
        assert evaluations_to_reach(bo_curve, random_curve[-1], budget=60) <= 60
