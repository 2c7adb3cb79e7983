"""Measurement tables a predictor learns from: the pipeline's CSVs and the authors' files.

Every reader returns a :class:`Table`: one row per measured architecture with its space
encoding, its decoded network, a key that identifies the architecture (for grouping
repeated measurements) and the target.

- Pipeline tables (``data/proxy/accuracy.csv``, ``data/latency/<device>.csv``): CSV with a
  header; ``arch_id`` (canonical string in the named space) is the architecture, the genome
  columns must agree with it; only rows whose ``status`` (when present) is ``ok`` count.
  ``val_acc`` may be a percentage or a fraction: a column whose values all lie in [0, 1] is
  read as a fraction and converted to %.
- Released tables (``models_acc_pr.csv``, ``models_lat_pre.csv``): no header, 23 numbers and
  the target per row, read through the ``released`` space (accuracy rows through
  :func:`~hytnas.space.released.decode_accuracy_row`, whose network is taken literally: 26 of
  its rows have channels no genome reproduces).

Bad input: rows with a missing or non-finite target are dropped with a
:class:`TableWarning` counting them; fewer than ``min_rows`` remaining rows, missing columns,
or a row that does not decode in the space raise :class:`~hytnas.errors.DataError` naming the
file and the first bad row.

Repeated architectures (``duplicates``): ``keep`` keeps every row (cross-validation then keeps
an architecture's rows in one fold), ``mean`` averages the targets, ``last`` keeps the last
row (a re-measurement supersedes the earlier one).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from hytnas.archspec import ArchSpec
from hytnas.errors import DataError, SpaceError
from hytnas.predictors.features import space_encoding
from hytnas.space import CategoricalSpace, get_space
from hytnas.space.released import ROW_LENGTH, decode_accuracy_row, spec_from_row

MIN_ROWS = 20
RELEASED_ACCURACY = "models_acc_pr.csv"
RELEASED_LATENCY = "models_lat_pre.csv"
Duplicates = Literal["keep", "mean", "last"]
DUPLICATE_POLICIES = ("keep", "mean", "last")


class TableWarning(UserWarning):
    """Rows of a measurement table were dropped (the message counts them)."""


@dataclass(frozen=True)
class Table:
    """Measured architectures of one space and one target.

    Attributes:
        space: name of the space the rows belong to.
        target: target column name (``val_acc``, ``latency_ms``...).
        unit: unit of ``y`` (``%``, ``ms``...).
        encoding: ``n x e`` space encoding (see :mod:`hytnas.predictors.features`).
        specs: ``n`` decoded networks.
        keys: ``n`` architecture keys (equal keys = the same architecture).
        y: ``(n,)`` targets.
        genomes: ``n x d`` genomes when every row is a genome of the space, else None.
        source: where the rows came from (file path).
    """

    space: str
    target: str
    unit: str
    encoding: np.ndarray
    specs: tuple[ArchSpec, ...]
    keys: tuple[str, ...]
    y: np.ndarray
    genomes: np.ndarray | None
    source: str

    def __len__(self) -> int:
        return len(self.y)

    def subset(self, index: Sequence[int] | np.ndarray) -> "Table":
        """Rows ``index`` (in that order)."""
        index = np.asarray(index, dtype=np.int64)
        return replace(
            self,
            encoding=self.encoding[index],
            specs=tuple(self.specs[i] for i in index),
            keys=tuple(self.keys[i] for i in index),
            y=self.y[index],
            genomes=None if self.genomes is None else self.genomes[index],
        )

    def group_ids(self) -> np.ndarray:
        """``(n,)`` integer id per distinct architecture key."""
        _, ids = np.unique(np.array(self.keys), return_inverse=True)
        return ids.astype(np.int64)


def _finite_targets(values: pd.Series, path: Path, target: str, min_rows: int) -> np.ndarray:
    """Boolean mask of usable targets; warns about and counts the rest."""
    numeric = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    ok = np.isfinite(numeric)
    dropped = int((~ok).sum())
    if dropped:
        warnings.warn(
            f"{path}: dropped {dropped} of {len(ok)} rows with a missing or non-numeric {target}",
            TableWarning,
            stacklevel=3,
        )
    if ok.sum() < min_rows:
        raise DataError(
            f"{path}: only {int(ok.sum())} rows with a usable {target} remain ({dropped} dropped); "
            f"at least {min_rows} are needed"
        )
    return ok


def apply_duplicates(table: Table, policy: Duplicates) -> Table:
    """Resolve repeated architectures by ``policy`` (``keep``, ``mean`` or ``last``)."""
    if policy not in DUPLICATE_POLICIES:
        raise DataError(f"duplicates policy {policy!r} unknown; expected one of {', '.join(DUPLICATE_POLICIES)}")
    if policy == "keep" or len(set(table.keys)) == len(table.keys):
        return table
    last: dict[str, int] = {}
    members: dict[str, list[int]] = {}
    for i, key in enumerate(table.keys):
        last[key] = i
        members.setdefault(key, []).append(i)
    index = sorted(last.values())
    out = table.subset(index)
    if policy == "mean":
        y = np.array([table.y[members[table.keys[i]]].mean() for i in index])
        out = replace(out, y=y)
    return out


def read_pipeline_table(
    path: str | Path,
    space: CategoricalSpace | str,
    target: str,
    *,
    min_rows: int = MIN_ROWS,
    duplicates: Duplicates = "keep",
) -> Table:
    """Read a pipeline measurement CSV (``arch_id``, genome columns, ``target``).

    Returns:
        A :class:`Table` with ``n`` usable rows; ``genomes`` is ``n x d``.
    """
    path = Path(path)
    space = get_space(space) if isinstance(space, str) else space
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise DataError(f"{path}: no such table") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: not a readable CSV table ({str(err).splitlines()[0]})") from None
    missing = [c for c in ("arch_id", target) if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; has {', '.join(map(str, frame.columns))}")
    if "status" in frame.columns:
        frame = frame[frame["status"].astype(str) == "ok"]
    ok = _finite_targets(frame[target], path, target, min_rows)
    frame = frame[ok]  # the index keeps the file's row numbers for messages
    genomes = np.empty((len(frame), space.n_dims), dtype=np.int64)
    dims = [c for c in space.dim_names if c in frame.columns]
    for i in range(len(frame)):
        line = f"{path}: data row {frame.index[i] + 1} (line {frame.index[i] + 2}, arch_id {frame['arch_id'].iloc[i]!r})"
        try:
            genome = space.parse_arch_id(str(frame["arch_id"].iloc[i]))
        except SpaceError as err:
            raise DataError(f"{line} does not decode in space {space.name}: {err}") from None
        values = space.values(genome)
        for name in dims:
            given = frame[name].iloc[i]
            try:
                agrees = bool(np.isclose(float(given), values[name]))
            except (TypeError, ValueError):
                agrees = False
            if not agrees:
                raise DataError(f"{line}: column {name} = {given} disagrees with the arch_id ({values[name]:g})")
        genomes[i] = genome
    y = frame[target].to_numpy(dtype=np.float64)
    unit = _unit(target)
    if target.startswith("val_acc") and len(y) and np.all((y >= 0) & (y <= 1)):
        y, unit = y * 100.0, "%"
    table = Table(
        space=space.name,
        target=target,
        unit=unit,
        encoding=space_encoding(space, genomes),
        specs=tuple(space.to_spec(g) for g in genomes),
        keys=tuple(space.arch_id(g) for g in genomes),
        y=y,
        genomes=genomes,
        source=str(path),
    )
    return apply_duplicates(table, duplicates)


def _unit(target: str) -> str:
    if target.endswith("_ms"):
        return "ms"
    if target.startswith("val_acc"):
        return "%"
    return ""


def _read_headerless(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, header=None)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file (expected the authors' {path.name})") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError(f"{path}: not a readable CSV file ({str(err).splitlines()[0]})") from None
    if frame.shape[1] != ROW_LENGTH + 1:
        raise DataError(f"{path}: {frame.shape[1]} columns, expected {ROW_LENGTH + 1} (23 numbers and the target)")
    return frame


def read_released_table(
    path: str | Path,
    kind: Literal["accuracy", "latency"],
    *,
    min_rows: int = MIN_ROWS,
    duplicates: Duplicates = "keep",
) -> Table:
    """Read ``models_acc_pr.csv`` (``kind="accuracy"``) or ``models_lat_pre.csv`` (``"latency"``).

    Returns:
        A :class:`Table` of space ``released``; ``genomes`` is set for latency rows only.
    """
    path = Path(path)
    space = get_space("released")
    frame = _read_headerless(path)
    target = "val_acc" if kind == "accuracy" else "latency_ms"
    ok = _finite_targets(frame[ROW_LENGTH], path, target, min_rows)
    raw = frame.to_numpy(dtype=object)
    rows, specs, genomes = [], [], []
    for i in np.flatnonzero(ok):
        numbers = list(raw[i, :ROW_LENGTH])
        try:
            if kind == "accuracy":
                decoded = decode_accuracy_row(numbers)
                rows.append(decoded.row)
                specs.append(decoded.spec)
            else:
                genome = space.from_row(numbers, ffn="width")
                genomes.append(genome)
                rows.append(space.to_row(genome))
                specs.append(spec_from_row(rows[-1]))
        except SpaceError as err:
            raise DataError(f"{path}: row {i + 1} does not decode in space released: {err}") from None
    encoding = np.array(rows, dtype=np.float64).reshape(-1, ROW_LENGTH)
    table = Table(
        space="released",
        target=target,
        unit="%" if kind == "accuracy" else "ms",
        encoding=encoding,
        specs=tuple(specs),
        keys=tuple(",".join(f"{x:g}" for x in r) for r in encoding),
        y=pd.to_numeric(frame[ROW_LENGTH], errors="coerce").to_numpy(dtype=np.float64)[ok],
        genomes=np.array(genomes, dtype=np.int64) if kind == "latency" else None,
        source=str(path),
    )
    return apply_duplicates(table, duplicates)


def read_released_dir(
    folder: str | Path, *, min_rows: int = MIN_ROWS, duplicates: Duplicates = "keep"
) -> dict[str, Table]:
    """Both released tables of ``folder``: ``{"accuracy": ..., "latency": ...}``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder (expected one holding {RELEASED_ACCURACY} and {RELEASED_LATENCY})")
    return {
        "accuracy": read_released_table(folder / RELEASED_ACCURACY, "accuracy", min_rows=min_rows, duplicates=duplicates),
        "latency": read_released_table(folder / RELEASED_LATENCY, "latency", min_rows=min_rows, duplicates=duplicates),
    }


def read_table(
    path: str | Path,
    space: str,
    target: str,
    *,
    min_rows: int = MIN_ROWS,
    duplicates: Duplicates = "keep",
) -> Table:
    """A table of any supported format: headerless 24-column files of space ``released``
    are the authors' (``val_acc`` target: accuracy file), everything else a pipeline CSV."""
    path = Path(path)
    if space == "released" and _is_headerless(path):
        kind = "accuracy" if target.startswith("val_acc") or "acc" in path.name else "latency"
        return read_released_table(path, kind, min_rows=min_rows, duplicates=duplicates)
    return read_pipeline_table(path, space, target, min_rows=min_rows, duplicates=duplicates)


def _is_headerless(path: Path) -> bool:
    try:
        with path.open() as handle:
            first = handle.readline()
    except FileNotFoundError:
        raise DataError(f"{path}: no such table") from None
    try:
        [float(x) for x in first.strip().split(",")]
    except ValueError:
        return False
    return True
