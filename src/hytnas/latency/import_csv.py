"""The ``import`` backend: a latency table measured elsewhere, validated before anything is written.

Schema of the imported CSV (header required, one row per architecture):

- ``arch_id`` (required): canonical ``arch_id`` of the space in ``sample.space``;
- ``latency_ms`` (required): median latency, milliseconds, a positive number;
- optional numbers: ``latency_p10_ms``, ``latency_p90_ms``, ``latency_mean_ms`` (ms, > 0),
  ``latency_cv`` (>= 0), ``runs`` (>= 1), ``resolution`` (must equal ``latency.resolution``),
  ``params``, ``macs`` (>= 0; computed from the architecture when absent);
- optional genome columns (``space.dim_names``): must agree with the ``arch_id``;
- optional ``source`` (text: where it was measured); other columns are ignored.

The first problem stops the import with one line naming the file, the row (1-based data
row, and its line in the file) and the column; nothing is imported.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from hytnas.errors import DataError, SpaceError
from hytnas.io import file_sha256
from hytnas.space import CategoricalSpace, format_value

REQUIRED = ("arch_id", "latency_ms")
POSITIVE = ("latency_ms", "latency_p10_ms", "latency_p90_ms", "latency_mean_ms")
NON_NEGATIVE = ("latency_cv", "params", "macs")
COUNTS = ("runs", "resolution")
LATENCY_COLUMNS = ("latency_ms", "latency_p10_ms", "latency_p90_ms", "latency_mean_ms", "latency_cv", "runs")


def _where(path: Path, row: int, column: str) -> str:
    return f"{path}: row {row} (line {row + 1}), column {column}"


def _number(path: Path, row: int, column: str, text: str) -> float:
    cell = text.strip()
    if not cell:
        raise DataError(f"{_where(path, row, column)}: empty, expected a number")
    try:
        value = float(cell)
    except ValueError:
        raise DataError(f"{_where(path, row, column)}: {cell!r} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{_where(path, row, column)}: {cell!r} is not a finite number")
    if column in POSITIVE and value <= 0:
        raise DataError(f"{_where(path, row, column)}: {cell} ms, expected a positive latency")
    if column in NON_NEGATIVE and value < 0:
        raise DataError(f"{_where(path, row, column)}: {cell}, expected a number >= 0")
    if column in COUNTS and (value < 1 or not value.is_integer()):
        raise DataError(f"{_where(path, row, column)}: {cell}, expected a whole number >= 1")
    return value


def read_latency_csv(
    path: str | Path,
    space: CategoricalSpace,
    *,
    resolution: int,
    cost_resolution: int,
    device: str,
) -> pd.DataFrame:
    """Validate ``path`` and return the latency table it holds.

    Args:
        path: the CSV to import.
        space: the space its ``arch_id`` values belong to.
        resolution: ``latency.resolution``; a ``resolution`` column must match it.
        cost_resolution: input side for computed ``macs`` (``sample.resolution``, as in the
            architecture tables).
        device: ``latency.device`` (recorded in ``source``).

    Returns:
        ``n`` rows: ``arch_id``, the genome columns, ``params``, ``macs``, the latency
        columns present in the file, ``status`` (``ok``), ``message`` (empty), ``source``.

    Raises:
        DataError: one line naming the file, row and column of the first problem.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise DataError(f"{path}: latency.import_csv file not found") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not a readable CSV table ({' '.join(str(err).split())})") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise DataError(
            f"{path}: missing column {', '.join(missing)}; required: {', '.join(REQUIRED)} "
            f"(found: {', '.join(raw.columns) or 'none'})"
        )
    if raw.empty:
        raise DataError(f"{path}: no rows to import")
    numeric = [c for c in (*POSITIVE, *NON_NEGATIVE, *COUNTS) if c in raw.columns]
    dims = [d for d in space.dims if d.name in raw.columns]
    default_source = json.dumps(
        {"backend": "import", "device": device, "file": path.name, "sha256": file_sha256(path)[:16]},
        separators=(",", ":"),
    )
    seen: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for i, record in enumerate(raw.to_dict("records"), start=1):
        arch_id = str(record["arch_id"]).strip()
        try:
            genome = space.parse_arch_id(arch_id)
        except SpaceError as err:
            raise DataError(f"{_where(path, i, 'arch_id')}: {err}") from None
        if arch_id in seen:
            raise DataError(f"{_where(path, i, 'arch_id')}: {arch_id} repeats row {seen[arch_id]}")
        seen[arch_id] = i
        values = space.values(genome)
        for dim in dims:
            given = _number(path, i, dim.name, str(record[dim.name]))
            if not math.isclose(given, values[dim.name], abs_tol=1e-9):
                raise DataError(
                    f"{_where(path, i, dim.name)}: {format_value(given)} disagrees with the arch_id "
                    f"({format_value(values[dim.name])})"
                )
        numbers = {c: _number(path, i, c, str(record[c])) for c in numeric}
        if "resolution" in numbers and int(numbers["resolution"]) != resolution:
            raise DataError(
                f"{_where(path, i, 'resolution')}: {int(numbers['resolution'])} px, but latency.resolution is {resolution}"
            )
        row: dict[str, Any] = {"arch_id": arch_id, **values}
        if "params" not in numbers or "macs" not in numbers:
            from hytnas.cost import summarize

            cost = summarize(space.to_spec(genome), cost_resolution)
            numbers.setdefault("params", float(cost["params"]))
            numbers.setdefault("macs", float(cost["macs"]))
        row["params"] = int(numbers["params"])
        row["macs"] = int(numbers["macs"])
        for column in LATENCY_COLUMNS:
            if column in numbers:
                row[column] = int(numbers[column]) if column == "runs" else numbers[column]
        row["status"] = "ok"
        row["message"] = ""
        given_source = str(record.get("source", "")).strip()
        row["source"] = given_source or default_source
        rows.append(row)
    columns = ["arch_id", *space.dim_names, "params", "macs"]
    columns += [c for c in LATENCY_COLUMNS if c in raw.columns] + ["status", "message", "source"]
    return pd.DataFrame(rows, columns=columns)
