from __future__ import annotations

import numpy as np
import pytest

from hytnas.errors import ConfigError, HytnasError
from hytnas.search import History, Ledger, Problem
from hytnas.search.problem import GridSpace
from hytnas.space import get_space


def counting_problem(n_obj: int = 2) -> tuple[Problem, list[int]]:
    calls: list[int] = []

    def objective(X: np.ndarray) -> np.ndarray:
        calls.append(len(X))
        return np.stack([X.sum(axis=1) + j for j in range(n_obj)], axis=1).astype(float)

    return Problem.from_cardinalities([3, 4, 5], objective, n_obj=n_obj), calls


def test_problem_from_space_and_cardinalities() -> None:
    space = get_space("table1")
    p = Problem(space, lambda X: np.zeros((len(X), 2)))
    assert p.n_var == space.n_dims and p.names == ("f0", "f1")
    assert np.array_equal(p.cardinalities, space.cardinalities)
    g, _ = counting_problem()
    assert isinstance(g.space, GridSpace) and g.size() == 60
    assert g.space.arch_id((2, 0, 4)) == "v2-v0-v4"


@pytest.mark.parametrize(
    "make",
    [
        lambda: Problem.from_cardinalities([3], lambda X: X, n_obj=1),
        lambda: Problem.from_cardinalities([3], lambda X: X, n_obj=2, names=("a",)),
        lambda: Problem.from_cardinalities([0, 2], lambda X: X),
    ],
)
def test_problem_rejects_bad_definitions(make) -> None:
    with pytest.raises(ConfigError):
        make()


def test_problem_checks_objective_output() -> None:
    wrong_shape = Problem.from_cardinalities([3, 3], lambda X: np.zeros((len(X), 3)))
    with pytest.raises(ConfigError, match="shape"):
        wrong_shape.evaluate(np.zeros((2, 2), dtype=int))
    nan = Problem.from_cardinalities([3, 3], lambda X: np.full((len(X), 2), np.nan))
    with pytest.raises(ConfigError, match="non-finite"):
        nan.evaluate(np.zeros((2, 2), dtype=int))
    ok, _ = counting_problem()
    with pytest.raises(ConfigError):
        ok.evaluate(np.array([[0, 0, 9]]))


def test_ledger_counts_each_distinct_genome_once() -> None:
    problem, calls = counting_problem()
    ledger = Ledger(problem, budget=10)
    F = ledger.evaluate(np.array([[0, 0, 0], [1, 1, 1], [0, 0, 0]]), iteration=0)
    assert ledger.n_evals == 2 and calls == [2]
    assert np.array_equal(F[0], F[2]) and F[1].tolist() == [3.0, 4.0]
    # Re-proposing evaluated genomes costs nothing and records nothing.
    ledger.evaluate(np.array([[1, 1, 1], [0, 0, 0]]), iteration=1)
    assert ledger.n_evals == 2 and calls == [2]
    ledger.evaluate(np.array([[1, 1, 1], [2, 3, 4]]), iteration=2)
    assert ledger.n_evals == 3 and calls == [2, 1]
    assert ledger.X.tolist() == [[0, 0, 0], [1, 1, 1], [2, 3, 4]]
    assert ledger.iteration.tolist() == [0, 0, 2]
    assert ledger.contains(np.array([[2, 3, 4], [2, 3, 3]])).tolist() == [True, False]
    assert ledger.remaining == 7 and not ledger.exhausted


def test_ledger_stops_at_the_budget() -> None:
    problem, calls = counting_problem()
    ledger = Ledger(problem, budget=3)
    F = ledger.evaluate(np.array([[0, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 2], [0, 0, 3]]))
    assert ledger.n_evals == 3 and ledger.exhausted and calls == [3]
    assert np.isnan(F[4]).all() and not np.isnan(F[:4]).any()
    # Nothing more is evaluated once the budget is spent; known genomes still look up.
    F = ledger.evaluate(np.array([[1, 1, 1], [0, 0, 1]]))
    assert calls == [3] and np.isnan(F[0]).all() and F[1].tolist() == [1.0, 2.0]


def test_ledger_rejects_a_bad_budget() -> None:
    problem, _ = counting_problem()
    with pytest.raises(HytnasError):
        Ledger(problem, budget=0)


def test_history_round_trips_through_json_form() -> None:
    problem, _ = counting_problem(n_obj=3)
    ledger = Ledger(problem, budget=5)
    ledger.evaluate(np.array([[0, 0, 0], [2, 3, 4], [1, 0, 0]]))
    history = History.from_ledger(ledger, "random", 3, {"batch": 2}, wall_time=0.5)
    back = History.from_dict(history.to_dict())
    assert np.array_equal(back.X, history.X) and np.array_equal(back.F, history.F)
    assert back.strategy == "random" and back.seed == 3 and back.budget == 5 and back.options == {"batch": 2}
    # (0,0,0) dominates the others in every objective.
    assert history.pareto_indices().tolist() == [0]
    X, F = history.pareto_front()
    assert X.tolist() == [[0, 0, 0]] and F.shape == (1, 3)
