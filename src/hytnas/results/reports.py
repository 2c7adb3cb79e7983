"""Reading one JSON report: :class:`Report` (its shown name and content, with typed access)
and :func:`load`, which turns a missing file into ``None`` and a bad one into a
:class:`~hytnas.errors.DataError` naming the file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from hytnas.errors import DataError
from hytnas.io import read_json

__all__ = ["STAGE_OF", "Report", "final_labels", "load", "stage_what"]

STAGE_OF = {
    "data.json": "prepare_data",
    "proxy.json": "proxy_train",
    "latency.json": "measure_latency",
    "predictors.json": "fit_predictors",
    "search.json": "compare_search",
    "final.json": "train_final",
    "detection.json": "detect",
}
"""The stage that writes each report of the reports folder."""


@dataclass(frozen=True)
class Report:
    """One JSON report: its name as shown (``reports/final.json``) and its content."""

    name: str
    data: dict[str, Any]

    def get(self, *keys: str, kind: str = "number") -> Any:
        """The value at ``keys`` (``None`` when absent or null), checked to be of ``kind``:
        ``number`` (int or float, not bool), ``str``, ``dict``, ``list`` or ``any``.

        Raises:
            DataError: the value is there but of another kind (the message names the
                report and the key).
        """
        value: Any = self.data
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        if value is None or kind == "any":
            return value
        checks: dict[str, Callable[[Any], bool]] = {
            "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "dict": lambda v: isinstance(v, dict),
            "list": lambda v: isinstance(v, list),
        }
        if not checks[kind](value):
            expected = {"number": "a number", "str": "a string", "dict": "an object", "list": "a list"}[kind]
            raise DataError(f"{self.name}: key {'.'.join(keys)!r} is {json.dumps(value)[:40]}; expected {expected} or null")
        return value


def load(path: Path, shown: str, what: str) -> Report | None:
    """The report at ``path`` (shown as ``shown``), or ``None`` if there is none.

    Raises:
        DataError: the file cannot be read, is not JSON, or holds something other than an
            object (the message says it expected ``what``).
    """
    if not path.exists():
        return None
    data = read_json(path, what, shown=shown)
    if not isinstance(data, dict):
        raise DataError(f"{shown}: holds a JSON {type(data).__name__}; expected {what}")
    return Report(shown, data)


def stage_what(file: str) -> str:
    """What a stage report ``file`` (``final.json``) should hold, for error messages."""
    return f"the JSON object the {STAGE_OF[file]} stage writes"


def final_labels(final: Report) -> list[str]:
    """Network labels of ``final.json`` in report order (``<label>_val_acc`` keys)."""
    return [key[: -len("_val_acc")] for key in final.data if key.endswith("_val_acc") and not key.startswith("headline_")]
