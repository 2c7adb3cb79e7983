"""The strategy interface: ``run(problem, budget, seed) -> History`` wrapping ``_run``.

A strategy is configured once by keyword options (validated, :class:`ConfigError` with one
line otherwise) and can then run any problem. All randomness flows from ``seed`` through
named streams (:func:`hytnas.seeds.derive_seed`), so the same seed gives the same history.
"""

from __future__ import annotations

import inspect
import time
from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar

import numpy as np

from hytnas.errors import ConfigError
from hytnas.search.ledger import History, Ledger
from hytnas.search.problem import Problem

Callback = Callable[[Ledger], None]
"""Called after every evaluated batch with the run's ledger (e.g. to drive a progress bar)."""

# Named random streams, so that adding a use of randomness never shifts another one.
STREAM_INITIAL = 0
STREAM_RANDOM = 1
STREAM_NSGA2 = 2
STREAM_ACQUISITION = 3
STREAM_SURROGATE = 4
STREAM_FILL = 5
STREAM_TIES = 6
STREAM_POSTERIOR = 7


def initial_design(problem: Problem, n: int, seed: int) -> np.ndarray:
    """``n x d`` distinct genomes by Latin hypercube sampling; identical for every BO strategy."""
    return problem.space.sample(int(n), (int(seed), STREAM_INITIAL), method="lhs")


def positive_int(strategy: str, name: str, value: Any, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum``, or :class:`ConfigError` naming the option."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < minimum:
        raise ConfigError(f"strategy {strategy}: option {name} = {value!r}, expected an integer >= {minimum}")
    return int(value)


def boolean(strategy: str, name: str, value: Any) -> bool:
    """``value`` as a bool, or :class:`ConfigError` naming the option."""
    if not isinstance(value, (bool, np.bool_)):
        raise ConfigError(f"strategy {strategy}: option {name} = {value!r}, expected true or false")
    return bool(value)


def one_of(strategy: str, name: str, value: Any, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``, or :class:`ConfigError` naming the option."""
    if value not in choices:
        raise ConfigError(f"strategy {strategy}: option {name} = {value!r}, expected one of {', '.join(choices)}")
    return str(value)


def non_negative_float(strategy: str, name: str, value: Any) -> float:
    """``value`` as a finite float >= 0, or :class:`ConfigError` naming the option."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        out = float("nan")
    if isinstance(value, bool) or not np.isfinite(out) or out < 0:
        raise ConfigError(f"strategy {strategy}: option {name} = {value!r}, expected a number >= 0")
    return out


class Strategy(ABC):
    """A search strategy. Subclasses set ``name``, take keyword-only options in ``__init__``
    (stored in ``self.options``) and implement ``_run``."""

    name: ClassVar[str] = ""

    def __init__(self, **options: Any) -> None:
        self.options: dict[str, Any] = dict(options)

    @classmethod
    def option_names(cls) -> list[str]:
        """Keyword options ``__init__`` accepts."""
        params = inspect.signature(cls.__init__).parameters.values()
        return [p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY]

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Default value of each option."""
        params = inspect.signature(cls.__init__).parameters.values()
        return {p.name: p.default for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY}

    def min_budget(self) -> int:
        """Smallest budget the strategy accepts (its initial design, if any)."""
        return 1

    def run(self, problem: Problem, budget: int, seed: int = 0, callback: Callback | None = None) -> History:
        """Search ``problem`` with at most ``budget`` distinct evaluations.

        Args:
            problem: space and objectives (minimised).
            budget: distinct genomes to evaluate, initial design included.
            seed: non-negative int; the same seed gives the same history.
            callback: called with the ledger after every evaluated batch.

        Returns:
            The :class:`History` (evaluations in order, with their iteration index).
        """
        budget = positive_int(self.name, "budget", budget)
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ConfigError(f"strategy {self.name}: seed = {seed!r}, expected an integer >= 0")
        if budget < self.min_budget():
            raise ConfigError(
                f"strategy {self.name}: budget {budget} is smaller than the initial design "
                f"({self.min_budget()} evaluations)"
            )
        if budget > problem.size():
            raise ConfigError(f"strategy {self.name}: budget {budget} exceeds the {problem.size()} genomes of the space")
        ledger = Ledger(problem, budget)
        start = time.perf_counter()
        timings = self._run(problem, ledger, int(seed), callback or (lambda _ledger: None))
        wall = time.perf_counter() - start
        return History.from_ledger(ledger, self.name, int(seed), self.options, wall, timings)

    @abstractmethod
    def _run(self, problem: Problem, ledger: Ledger, seed: int, callback: Callback) -> dict[str, float]:
        """Fill ``ledger`` up to its budget; return seconds spent per phase."""

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return f"{type(self).__name__}({opts})"
