"""How the page writes things: numbers, names, Markdown tables, links and provenance lines.

Pure text helpers with no knowledge of any report: a value that is absent (``None``) or not
a finite number prints as ``n/a``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from hytnas.names import NETWORK_NAMES, STRATEGY_NAMES

__all__ = [
    "code",
    "finite",
    "fix",
    "flat",
    "general",
    "generic_table",
    "image_lines",
    "link",
    "network",
    "pm",
    "provenance",
    "ratio",
    "strategy",
    "table",
    "whole",
    "with_sign",
]

GENERIC_MAX_ROWS = 40
"""Rows of a key/value table before the rest is left to the report itself."""
GENERIC_MAX_LIST = 6
"""Longest list of scalars a key/value table shows whole."""


# --------------------------------------------------------------------------- numbers


def finite(value: Any) -> bool:
    """Whether ``value`` is an int or float (not a bool) that is finite."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def fix(value: Any, digits: int) -> str:
    """``value`` with ``digits`` decimals; ``n/a`` when absent or not finite."""
    return f"{value:.{digits}f}" if finite(value) else "n/a"


def with_sign(value: Any, digits: int) -> str:
    """``value`` with a sign and ``digits`` decimals (``+8.11``); ``n/a`` when not finite."""
    return f"{value:+.{digits}f}" if finite(value) else "n/a"


def whole(value: Any) -> str:
    """``value`` rounded to an integer with thousands separators (``1,224``); ``n/a`` when not finite."""
    return f"{round(value):,}" if finite(value) else "n/a"


def pm(mean: Any, std: Any, digits: int, signed: bool = False) -> str:
    """``mean ± std``; the mean alone when there is no spread (signed when ``signed``)."""
    text = with_sign(mean, digits) if signed else fix(mean, digits)
    if finite(mean) and finite(std):
        text += f" ± {std:.{digits}f}"
    return text


def ratio(value: Any, digits: int = 2) -> str:
    """``value`` as a ratio with ``digits`` decimals (``4.72x``); ``n/a`` when not finite."""
    return f"{value:.{digits}f}x" if finite(value) else "n/a"


def general(value: Any) -> str:
    """A scalar of unknown meaning as text: numbers rounded to four significant digits,
    ``null`` for ``None``, ``yes``/``no`` for bools, other values as strings without
    ``|`` or line breaks."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1e4:
            return f"{value:,.0f}"
        if abs(value) < 1e-3:
            return f"{value:.2e}"
        return f"{value:.4g}"
    text = str(value).replace("|", "/").replace("\n", " ")
    return text


# --------------------------------------------------------------------------- names


def network(label: str) -> str:
    """The people's name of a network label (``hytnas_o`` -> ``HyT-NAS-O``), else the label."""
    return NETWORK_NAMES.get(label, label)


def strategy(name: str) -> str:
    """The people's name of a search strategy (``nsga2`` -> ``NSGA-II``), else the name."""
    return STRATEGY_NAMES.get(name, name)


def code(text: str) -> str:
    """``text`` as inline Markdown code."""
    return f"`{text}`"


# --------------------------------------------------------------------------- tables and links


def table(header: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[bool] | None = None) -> list[str]:
    """The lines of a Markdown table; ``right[i]`` aligns column ``i`` to the right (numbers;
    by default every column but the first)."""
    right = list(right) if right is not None else [i > 0 for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---:" if r else "---" for r in right) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def link(base: Path, path: Path) -> str:
    """The relative link from the folder ``base`` to ``path``, with forward slashes."""
    return Path(os.path.relpath(path.resolve(), base.resolve())).as_posix()


def image_lines(base: Path, reports_dir: Path, files: Sequence[tuple[str, str]]) -> list[str]:
    """Markdown lines embedding the figures of ``files`` (``(path under reports_dir, caption)``)
    that exist, linked relative to ``base``."""
    lines = []
    for rel, caption in files:
        path = reports_dir / rel
        if path.exists():
            lines.append(f"![{caption}]({link(base, path)})")
    return lines


def provenance(items: Sequence[tuple[str, Any]]) -> str:
    """One line of what a report says about where it comes from: ``label value`` pairs,
    those absent from the report (``None``) left out."""
    parts = []
    for label, value in items:
        if value is None:
            continue
        parts.append(f"{label} {value if isinstance(value, str) else general(value)}")
    return "Provenance: " + ("; ".join(parts) if parts else "none recorded in the report") + "."


def flat(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Scalar leaves of nested objects as ``(dotted.key, value)``; short lists of scalars
    kept whole (joined as text), other lists left out."""
    out: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            out += flat(sub, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        if len(value) <= GENERIC_MAX_LIST and all(not isinstance(v, (dict, list)) for v in value):
            out.append((prefix, ", ".join(general(v) for v in value)))
    else:
        out.append((prefix, value))
    return out


def generic_table(data: dict[str, Any], name: str) -> list[str]:
    """The lines of a key/value table of every scalar in ``data`` (a report of no known
    shape, named ``name``), at most :data:`GENERIC_MAX_ROWS` rows and then a pointer to it."""
    rows = [[code(key), general(value)] for key, value in flat(data)]
    lines = table(["key", "value"], rows[:GENERIC_MAX_ROWS], [False, True])
    if len(rows) > GENERIC_MAX_ROWS:
        lines += ["", f"Further entries are in `{name}`."]
    return lines
