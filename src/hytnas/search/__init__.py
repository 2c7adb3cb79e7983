"""Multi-objective architecture search over categorical spaces (knows nothing of torch models).

A :class:`Problem` pairs a space with objectives to minimise (``n x d`` genomes -> ``n x m``
values); a strategy (``get_strategy(name, **options)``) runs it under a budget of distinct
evaluations and returns a :class:`History`; :mod:`hytnas.search.hypervolume` scores
histories in a fixed frame (:func:`bounds_from_sample`, :func:`hv_curve`).
"""

from __future__ import annotations

from hytnas.search.hypervolume import (
    REF,
    Bounds,
    bounds_from_sample,
    evaluations_to_reach,
    front_hv,
    hv_curve,
    hypervolume,
    reference_front,
    reference_hv,
)
from hytnas.search.ledger import History, Ledger
from hytnas.search.pareto import nondominated_fronts, pareto_mask
from hytnas.search.problem import GridSpace, Objective, Problem
from hytnas.search.selection import hvi_greedy_select
from hytnas.search.strategies import (
    Strategy,
    get_strategy,
    list_strategies,
    register_strategy,
    resolve_entry,
    strategy_options,
)

__all__ = [
    "REF",
    "Bounds",
    "GridSpace",
    "History",
    "Ledger",
    "Objective",
    "Problem",
    "Strategy",
    "bounds_from_sample",
    "evaluations_to_reach",
    "front_hv",
    "get_strategy",
    "hv_curve",
    "hvi_greedy_select",
    "hypervolume",
    "list_strategies",
    "nondominated_fronts",
    "pareto_mask",
    "reference_front",
    "reference_hv",
    "register_strategy",
    "resolve_entry",
    "strategy_options",
]
