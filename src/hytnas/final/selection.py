"""Picking HyT-NAS-BL, -BA and -O from a Pareto set of predicted accuracy and latency.

The Pareto set is the CSV ``compare_search`` writes (``reports/search/pareto_hytnas.csv``):
one row per architecture with ``arch_id``, its genome columns, ``pred_val_acc`` (predicted
accuracy, %), ``pred_latency_ms`` (predicted latency, ms), ``params`` and ``macs``.

Rules, applied to the rows that satisfy the optional constraints (``params <= max_params``,
``pred_latency_ms <= max_latency_ms``) and that no other such row dominates:

- **BL** (best latency): lowest ``pred_latency_ms``; ties to the higher accuracy.
- **BA** (best accuracy): highest ``pred_val_acc``; ties to the lower latency.
- **O** (trade-off, the knee): each objective is scaled to [0, 1] over these rows, latency as
  ``(lat - min) / (max - min)`` and accuracy as ``(max - acc) / (max - min)`` (0 is best for
  both; an objective with no spread scales to 0), and O is the row closest, in Euclidean
  distance, to the ideal point (0, 0); ties to the lower latency.

Remaining ties go to the smaller ``arch_id`` string, so the choice never depends on row order.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from hytnas.errors import DataError, HytnasError, SpaceError
from hytnas.space import CategoricalSpace

ACC = "pred_val_acc"
LAT = "pred_latency_ms"
REQUIRED_COLUMNS = ("arch_id", ACC, LAT)
ROLES = ("BL", "BA", "O")


class SelectionError(HytnasError):
    """No architecture of the Pareto set satisfies the constraints."""


@dataclass(frozen=True)
class Pick:
    """One selected architecture.

    Attributes:
        role: ``BL``, ``BA`` or ``O``.
        arch_id: the architecture (in the Pareto set's space).
        pred_val_acc: predicted accuracy, %.
        pred_latency_ms: predicted latency, ms.
        params: parameters (2-class head).
        macs: multiply-accumulates, as in the Pareto set (``None`` if it has no ``macs``).
        knee_distance: distance to the ideal point in the normalised objective space.
    """

    role: str
    arch_id: str
    pred_val_acc: float
    pred_latency_ms: float
    params: int
    macs: int | None
    knee_distance: float

    @property
    def label(self) -> str:
        """``hytnas_bl``, ``hytnas_ba`` or ``hytnas_o``."""
        return f"hytnas_{self.role.lower()}"

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, **asdict(self)}


def read_pareto(path: str | Path, space: CategoricalSpace) -> pd.DataFrame:
    """The Pareto set at ``path``, validated: ``n >= 1`` rows with ``arch_id``,
    ``pred_val_acc``, ``pred_latency_ms`` (finite numbers) and ``params`` (counted from the
    architecture when the file has no such column).

    Raises:
        DataError: the file is missing, unreadable or empty, lacks a column, or a row holds
            a non-numeric value or an ``arch_id`` that is not in ``space`` (one line naming
            the file, the row and the column).
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise DataError(f"{path}: Pareto set not found (run the compare_search stage first)") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file; expected a Pareto set with columns {', '.join(REQUIRED_COLUMNS)}") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not a readable CSV table ({' '.join(str(err).split())})") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        found = ", ".join(map(str, frame.columns)) or "none"
        raise DataError(f"{path}: missing column(s) {', '.join(missing)} (found: {found})")
    if frame.empty:
        raise DataError(f"{path}: the Pareto set has no rows")
    for column in (ACC, LAT, "params", "macs"):
        if column not in frame.columns:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = ~np.isfinite(values.to_numpy(dtype=float))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"{path}: row {i + 1} (line {i + 2}), column {column}: {frame[column].iloc[i]!r} is not a finite number"
            )
        frame[column] = values
    if (frame[LAT] <= 0).any():
        i = int(np.flatnonzero(frame[LAT].to_numpy() <= 0)[0])
        raise DataError(f"{path}: row {i + 1} (line {i + 2}), column {LAT}: {frame[LAT].iloc[i]!r} is not a positive latency")
    for i, arch_id in enumerate(frame["arch_id"]):
        try:
            space.parse_arch_id(str(arch_id))
        except SpaceError as err:
            raise DataError(f"{path}: row {i + 1} (line {i + 2}), column arch_id: {err}") from None
    frame["arch_id"] = frame["arch_id"].astype(str)
    if "params" not in frame.columns:
        from hytnas.cost import summarize

        frame["params"] = [
            int(summarize(space.to_spec(space.parse_arch_id(a)), 224, num_classes=2)["params"]) for a in frame["arch_id"]
        ]
    return frame.drop_duplicates("arch_id", keep="first").reset_index(drop=True)


def apply_constraints(
    front: pd.DataFrame, *, max_params: int | None = None, max_latency_ms: float | None = None, source: str = "Pareto set"
) -> pd.DataFrame:
    """Rows with ``params <= max_params`` and ``pred_latency_ms <= max_latency_ms``.

    Raises:
        SelectionError: no row satisfies both (the message gives the smallest values there are).
    """
    keep = np.ones(len(front), dtype=bool)
    if max_params is not None:
        keep &= front["params"].to_numpy() <= max_params
    if max_latency_ms is not None:
        keep &= front[LAT].to_numpy() <= max_latency_ms
    if not keep.any():
        asked = []
        if max_params is not None:
            asked.append(f"final.max_params = {max_params}")
        if max_latency_ms is not None:
            asked.append(f"final.max_latency_ms = {max_latency_ms:g}")
        raise SelectionError(
            f"{source}: no architecture satisfies {' and '.join(asked)} (of {len(front)}: fewest parameters "
            f"{int(front['params'].min())}, lowest predicted latency {float(front[LAT].min()):.4g} ms)"
        )
    return front[keep].reset_index(drop=True)


def nondominated(front: pd.DataFrame) -> pd.DataFrame:
    """Rows not dominated in (lower latency, higher accuracy); duplicates of a point are kept."""
    from pymoo.util.nds.non_dominated_sorting import NonDominatedSorting

    F = np.column_stack([front[LAT].to_numpy(dtype=float), -front[ACC].to_numpy(dtype=float)])
    keep = np.zeros(len(front), dtype=bool)
    keep[NonDominatedSorting().do(F, only_non_dominated_front=True)] = True
    return front[keep].reset_index(drop=True)


def knee_distances(latency: np.ndarray, accuracy: np.ndarray) -> np.ndarray:
    """Distance of each point to the ideal point in the normalised objective space.

    Args:
        latency: ``(n,)`` latencies (lower is better).
        accuracy: ``(n,)`` accuracies (higher is better).

    Returns:
        ``(n,)`` distances in ``[0, sqrt(2)]``.
    """
    latency = np.asarray(latency, dtype=float)
    accuracy = np.asarray(accuracy, dtype=float)

    def scale(x: np.ndarray) -> np.ndarray:
        span = float(x.max() - x.min())
        return (x - x.min()) / span if span > 0 else np.zeros_like(x)

    return np.hypot(scale(latency), scale(-accuracy))


def _first(frame: pd.DataFrame, keys: Sequence[str], ascending: Sequence[bool]) -> int:
    """Index of the first row after a stable sort by ``keys`` then ``arch_id``."""
    order = frame.sort_values([*keys, "arch_id"], ascending=[*ascending, True], kind="mergesort")
    return int(order.index[0])


def select(
    front: pd.DataFrame,
    *,
    max_params: int | None = None,
    max_latency_ms: float | None = None,
    source: str = "Pareto set",
) -> list[Pick]:
    """BL, BA and O (in that order) from a validated Pareto set (see the module docstring).

    Args:
        front: ``n`` rows with ``arch_id``, ``pred_val_acc``, ``pred_latency_ms``, ``params``
            (and optionally ``macs``), e.g. from :func:`read_pareto`.
        max_params: keep only architectures with at most this many parameters.
        max_latency_ms: keep only architectures at most this slow (predicted), ms.
        source: how to name the set in error messages (e.g. its path).

    Raises:
        SelectionError: no architecture satisfies the constraints.
    """
    if front.empty:
        raise DataError(f"{source}: the Pareto set has no rows")
    rows = nondominated(apply_constraints(front, max_params=max_params, max_latency_ms=max_latency_ms, source=source))
    rows = rows.assign(_knee=knee_distances(rows[LAT].to_numpy(), rows[ACC].to_numpy()))
    chosen = {
        "BL": _first(rows, [LAT, ACC], [True, False]),
        "BA": _first(rows, [ACC, LAT], [False, True]),
        "O": _first(rows, ["_knee", LAT], [True, True]),
    }
    picks = []
    for role in ROLES:
        row = rows.loc[chosen[role]]
        macs = row.get("macs")
        picks.append(
            Pick(
                role=role,
                arch_id=str(row["arch_id"]),
                pred_val_acc=float(row[ACC]),
                pred_latency_ms=float(row[LAT]),
                params=int(row["params"]),
                macs=None if macs is None or (isinstance(macs, float) and math.isnan(macs)) else int(macs),
                knee_distance=float(row["_knee"]),
            )
        )
    return picks
