"""Registrations from other installed packages, through Python entry points.

A package that adds a search strategy or a latency backend declares it in its own
``pyproject.toml``, so that every process (a DVC stage, a worker) finds it without being told::

    [project.entry-points."hytnas.strategies"]
    my-strategy = "mypackage.search:MyStrategy"          # a Strategy subclass

    [project.entry-points."hytnas.latency_backends"]
    myboard = "mypackage.board:make_backend"             # factory(protocol=, executor_cfg=, latency_cfg=)

The registries load each group once, the first time a name is looked up.
"""

from __future__ import annotations

import functools
import logging
from importlib.metadata import entry_points
from typing import Any

from hytnas.errors import ConfigError

log = logging.getLogger(__name__)

STRATEGIES = "hytnas.strategies"
LATENCY_BACKENDS = "hytnas.latency_backends"


@functools.cache
def load(group: str) -> dict[str, Any]:
    """``{name: object}`` of the entry points of ``group``; one that fails to load is one line."""
    found: dict[str, Any] = {}
    for point in entry_points(group=group):
        try:
            found[point.name] = point.load()
        except Exception as err:  # noqa: BLE001 - a broken plugin names itself, once
            raise ConfigError(f"entry point {point.name} = {point.value} of {group}: cannot be loaded ({err})") from None
        log.debug("plugin %s from %s: %s", point.name, group, point.value)
    return found


__all__ = ["LATENCY_BACKENDS", "STRATEGIES", "load"]
