"""Search strategies, registered by name: ``get_strategy("hytnas", batch=10).run(problem, 500, seed)``."""

from __future__ import annotations

from typing import Any, Mapping

from hytnas.errors import ConfigError
from hytnas.plugins import STRATEGIES, load
from hytnas.search.strategies.base import Callback, Strategy, initial_design
from hytnas.search.strategies.mobo import GPMOBO, BatchMOBO, HyTNAS
from hytnas.search.strategies.nsga2 import NSGA2Search
from hytnas.search.strategies.qnehvi import QNEHVI
from hytnas.search.strategies.random_search import RandomSearch
from hytnas.search.strategies.released import ReleasedHyTNAS

_REGISTRY: dict[str, type[Strategy]] = {}


def register_strategy(cls: type[Strategy]) -> type[Strategy]:
    """Make ``get_strategy(cls.name)`` build ``cls`` (usable as a class decorator)."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    _REGISTRY[cls.name] = cls
    return cls


def _with_plugins() -> dict[str, type[Strategy]]:
    """The registry, with the strategies other packages declare (:mod:`hytnas.plugins`)."""
    for name, cls in load(STRATEGIES).items():
        _REGISTRY.setdefault(name, cls)
    return _REGISTRY


def list_strategies() -> list[str]:
    return sorted(_with_plugins())


def _lookup(name: str) -> type[Strategy]:
    if name not in _with_plugins():
        raise ConfigError(f"unknown search strategy {name!r}; expected one of {', '.join(list_strategies())}")
    return _REGISTRY[name]


def get_strategy(name: str, **options: Any) -> Strategy:
    """The registered strategy ``name`` with ``options``; :class:`ConfigError` for an unknown
    name, an unknown option or a bad value."""
    cls = _lookup(name)
    unknown = sorted(set(options) - set(cls.option_names()))
    if unknown:
        raise ConfigError(
            f"strategy {name}: unknown option(s) {', '.join(unknown)}; expected some of {', '.join(cls.option_names())}"
        )
    return cls(**options)


def strategy_options(name: str, candidates: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``candidates`` (e.g. the ``search`` params) that strategy ``name`` accepts."""
    accepted = set(_lookup(name).option_names())
    return {k: v for k, v in candidates.items() if k in accepted}


def resolve_entry(label: str, search: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The registered strategy and the options of one ``search.strategies`` entry.

    ``label`` is a registered name or a name of ``search.variants`` (``{label: {"strategy":
    base, "options": {...}}}``, ``strategy`` defaulting to ``label``). The options are the
    shared ``search`` keys the strategy accepts, overridden by the variant's ``options``.

    Raises:
        ConfigError: ``label`` is neither; or a variant's option is not one of its strategy's
            (named with the key it came from).
    """
    variant = dict((search.get("variants") or {}).get(label) or {})
    base = variant.get("strategy") or label
    if base not in _with_plugins():
        where = f"search.variants.{label}.strategy" if variant.get("strategy") else "search.strategies"
        raise ConfigError(
            f"{where}: unknown {base!r}; expected a registered strategy ({', '.join(list_strategies())}) "
            "or a name of search.variants"
        )
    options = strategy_options(base, search)
    own = dict(variant.get("options") or {})
    accepted = _lookup(base).option_names()
    unknown = sorted(set(own) - set(accepted))
    if unknown:
        raise ConfigError(
            f"search.variants.{label}.options: {', '.join(unknown)} not an option of {base}; expected some of {', '.join(accepted)}"
        )
    options.update(own)
    return base, options


for _cls in (RandomSearch, NSGA2Search, GPMOBO, HyTNAS, QNEHVI, ReleasedHyTNAS):
    register_strategy(_cls)

__all__ = [
    "BatchMOBO",
    "Callback",
    "GPMOBO",
    "HyTNAS",
    "NSGA2Search",
    "QNEHVI",
    "RandomSearch",
    "ReleasedHyTNAS",
    "Strategy",
    "get_strategy",
    "initial_design",
    "list_strategies",
    "register_strategy",
    "resolve_entry",
    "strategy_options",
]
