"""Atomic file writing: every file is written to a temporary name and renamed into place,
so a killed run never leaves a half-written output. And the one JSON reader of input files,
whose every failure is one :class:`~hytnas.errors.DataError` line."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator

import pandas as pd

from hytnas.errors import DataError


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; on success fsync and rename it to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
    try:
        with open(tmp, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str) -> None:
    with atomic_open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_json(path: str | Path, data: Any) -> None:
    """Indented JSON with a trailing newline (flat dicts for DVC metrics)."""
    write_text(path, json.dumps(data, indent=2, sort_keys=False) + "\n")


def write_csv(path: str | Path, frame: pd.DataFrame) -> None:
    """CSV with header, no index, ``\\n`` line ends, floats with repr precision."""
    with atomic_open(path, "w", encoding="utf-8", newline="") as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")


def read_json(path: str | Path, what: str, *, shown: str | None = None) -> Any:
    """The JSON value in ``path``.

    Args:
        path: the file.
        what: what the file should hold, for the error line ("a COCO instances file").
        shown: the name errors give the file (default: ``path``).

    Raises:
        DataError: the file is missing, unreadable, not UTF-8 or not JSON; one line naming the
            file, the place of a syntax error and what was expected.
    """
    shown = shown or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{shown}: not found; expected {what}") from None
    except OSError as err:
        raise DataError(f"{shown}: cannot be read ({err.strerror}); expected {what}") from None
    except UnicodeDecodeError:
        raise DataError(f"{shown}: not UTF-8 text; expected {what}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError(f"{shown}: not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}); expected {what}") from None


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex (read in 1 MiB chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
