"""Architecture tables: sampled genomes with their arch_id, genome values, params and MACs,
read back validated, and joined with per-architecture results.

Every table a stage writes about architectures is CSV with ``arch_id`` first, the genome's
columns, then measured values with units in their names, then ``status``, ``message`` and
``source`` (:func:`records_table`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd

from hytnas.errors import DataError, SpaceError
from hytnas.space import CategoricalSpace

if TYPE_CHECKING:
    from hytnas.runs.store import Record

ID_COLUMN = "arch_id"


def genome_frame(space: CategoricalSpace, genomes: np.ndarray) -> pd.DataFrame:
    """``n`` rows: ``arch_id`` then one column per dimension holding the choice values."""
    genomes = np.asarray(genomes, dtype=np.int64)
    frame = pd.DataFrame(space.values_array(genomes), columns=space.dim_names)
    for dim in space.dims:
        if all(float(c).is_integer() for c in dim.choices):
            frame[dim.name] = frame[dim.name].astype(np.int64)
    frame.insert(0, ID_COLUMN, [space.arch_id(g) for g in genomes])
    return frame


def genomes_from_frame(space: CategoricalSpace, frame: pd.DataFrame) -> np.ndarray:
    """``n x d`` genomes parsed from the ``arch_id`` column (the genome columns must agree)."""
    return np.array([space.parse_arch_id(a) for a in frame[ID_COLUMN]], dtype=np.int64)


def with_costs(space: CategoricalSpace, frame: pd.DataFrame, resolution: int) -> pd.DataFrame:
    """Add ``params`` (2-class head) and ``macs`` (one image, ``resolution`` px) columns.

    Counted analytically (:func:`hytnas.cost.summarize`), which equals the built module's
    counts (``tests/nn`` checks it) at a fraction of the time.
    """
    from hytnas.cost import summarize

    params, macs = [], []
    for arch_id in frame[ID_COLUMN]:
        summary = summarize(space.to_spec(space.parse_arch_id(arch_id)), resolution, num_classes=2)
        params.append(int(summary["params"]))
        macs.append(int(summary["macs"]))
    out = frame.copy()
    out["params"] = params
    out["macs"] = macs
    return out


STATUS_COLUMNS = ("status", "message", "source")


def read_arch_table(path: str | Path, space: CategoricalSpace) -> pd.DataFrame:
    """An architecture table (``arch_id``, genome columns, ``params``, ``macs``), validated.

    Raises:
        DataError: the file is missing or unreadable, lacks ``arch_id``, or a row's
            ``arch_id`` does not decode in ``space`` (one line naming the row).
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise DataError(f"{path}: architecture table not found (run the sample_archs stage first)") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not a readable CSV table ({' '.join(str(err).split())})") from None
    if "arch_id" not in frame.columns:
        raise DataError(f"{path}: missing column arch_id (found: {', '.join(map(str, frame.columns))})")
    for i, arch_id in enumerate(frame["arch_id"], start=1):
        try:
            space.parse_arch_id(str(arch_id))
        except SpaceError as err:
            raise DataError(f"{path}: row {i} (line {i + 1}), column arch_id: {err}") from None
    return frame.drop_duplicates("arch_id", keep="first").reset_index(drop=True)


def source_text(source: Mapping[str, Any]) -> str:
    """Compact JSON of a record's source (without any traceback) for a table cell."""
    return json.dumps({k: v for k, v in source.items() if k != "traceback"}, sort_keys=True, separators=(",", ":"))


def records_table(frame: pd.DataFrame, records: Sequence["Record"], columns: Sequence[str]) -> pd.DataFrame:
    """The input table with one result per row appended.

    Args:
        frame: ``n`` rows, ``arch_id`` first (genome, params, macs columns kept as they are).
        records: ``n`` records, row ``i`` for ``frame`` row ``i``.
        columns: result columns to add, in order; missing values (failures) are empty.

    Returns:
        ``frame``'s columns, then ``columns``, then ``status``, ``message``, ``source``.
    """
    if len(records) != len(frame):
        raise ValueError(f"{len(records)} records for {len(frame)} rows")
    out = frame.copy()
    for column in columns:
        out[column] = [r.result.get(column) if r.ok else None for r in records]
        out[column] = pd.to_numeric(out[column], errors="coerce")
    out["status"] = [r.status for r in records]
    out["message"] = [r.message for r in records]
    out["source"] = [source_text(r.source) for r in records]
    return out
