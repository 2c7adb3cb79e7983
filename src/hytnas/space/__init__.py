"""Search spaces, registered by name: ``get_space("table1")``, ``get_space("released")``."""

from __future__ import annotations

from typing import Callable

from hytnas.errors import SpaceError
from hytnas.space.base import CategoricalSpace, Dimension, Genome, format_value
from hytnas.space.released import ReleasedSpace
from hytnas.space.table1 import Table1Space

_REGISTRY: dict[str, Callable[[], CategoricalSpace]] = {}
_CACHE: dict[str, CategoricalSpace] = {}


def register_space(name: str, factory: Callable[[], CategoricalSpace]) -> None:
    """Make ``get_space(name)`` return ``factory()`` (built once, then shared)."""
    _REGISTRY[name] = factory
    _CACHE.pop(name, None)


def list_spaces() -> list[str]:
    return sorted(_REGISTRY)


def get_space(name: str) -> CategoricalSpace:
    """The registered space ``name``; :class:`SpaceError` listing the known names otherwise."""
    if name not in _REGISTRY:
        raise SpaceError(f"unknown space {name!r}; expected one of {', '.join(list_spaces())}")
    if name not in _CACHE:
        _CACHE[name] = _REGISTRY[name]()
    return _CACHE[name]


register_space("table1", Table1Space)
register_space("released", ReleasedSpace)

__all__ = [
    "CategoricalSpace",
    "Dimension",
    "Genome",
    "ReleasedSpace",
    "Table1Space",
    "format_value",
    "get_space",
    "list_spaces",
    "register_space",
]
