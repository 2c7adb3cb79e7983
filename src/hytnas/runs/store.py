"""Per-architecture results store: one small JSON file per result, named by its key.

A *key* is the SHA-256 (first 20 hex digits) of the canonical JSON of everything that
determines a result: the kind of job, the space, the ``arch_id`` and every parameter that
affects the outcome (recipe, protocol, data digest, device). A stage computes the key of
each architecture it needs, reuses the record stored under that key if there is one, and
runs the job otherwise; tables are assembled from the keys of the *current* inputs only, so
a record made under other parameters never leaks into a table (it stays on disk, and is
reused if the parameters come back).

Why one JSON file per record rather than SQLite:

- a record is written to a temporary name and renamed into place (:mod:`hytnas.io`), so a
  process killed at any instant leaves either the whole record or none, without journals,
  locks or a single file that every writer must open;
- only the driver process writes (workers return results), so there is no write contention;
- DVC tracks the folder as a ``persist: true`` output and hashes each file on its own, so a
  run that adds ten records changes ten files, not one opaque database;
- records are readable and diffable (``cat data/proxy/cache/<key>.json``).

Thousands of records (the paper's 1,700 latencies) are a few megabytes and load in well
under a second.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

from hytnas.io import write_text

log = logging.getLogger(__name__)

KEY_LENGTH = 20
STATUS_OK = "ok"


def canonical_json(data: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, floats as ``repr``; NaN is rejected."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)


def make_key(inputs: Mapping[str, Any]) -> str:
    """Hex key of a mapping of result-determining inputs (order of keys is irrelevant)."""
    return hashlib.sha256(canonical_json(dict(inputs)).encode("utf-8")).hexdigest()[:KEY_LENGTH]


def _jsonable(value: Any) -> Any:
    """Replace non-finite floats with ``None`` so records stay strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Record:
    """One stored result.

    Attributes:
        key: :func:`make_key` of ``inputs``.
        arch_id: the architecture.
        inputs: everything the key was made of.
        status: ``ok`` or a failure kind (``diverged``, ``out_of_memory``, ``invalid_arch``,
            ``worker_died``, ``error``).
        message: one line explaining a failure (empty when ``ok``).
        result: the measured values (column name -> number), empty on failure.
        source: where and how the result was produced (fingerprint, versions, timings).
        finished: UTC time the driver stored it, ISO 8601.
    """

    key: str
    arch_id: str
    inputs: dict[str, Any]
    status: str
    message: str
    result: dict[str, Any]
    source: dict[str, Any]
    finished: str = ""

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "arch_id": self.arch_id,
            "status": self.status,
            "message": self.message,
            "result": _jsonable(self.result),
            "source": _jsonable(self.source),
            "inputs": self.inputs,
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Record":
        return cls(
            key=str(data["key"]),
            arch_id=str(data["arch_id"]),
            inputs=dict(data["inputs"]),
            status=str(data["status"]),
            message=str(data.get("message", "")),
            result=dict(data.get("result") or {}),
            source=dict(data.get("source") or {}),
            finished=str(data.get("finished", "")),
        )


class ResultStore:
    """A folder of ``<key>.json`` records (created on first write).

    Only one process should write to a store at a time (the stage's driver); any number may
    read. Reads ignore a file that is not a valid record for its
    name (hand-edited or truncated by a foreign tool), with a logged warning: its job simply runs again.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def get(self, key: str, inputs: Mapping[str, Any] | None = None) -> Record | None:
        """The record stored under ``key`` or ``None``; if ``inputs`` is given, a record made
        from other inputs (a hash collision or a hand-copied file) counts as missing."""
        path = self.path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            record = Record.from_dict(json.loads(text))
        except (ValueError, KeyError, TypeError) as err:
            log.warning("ignoring unreadable result %s: %s", path, err)
            return None
        if record.key != key:
            log.warning("ignoring %s: it holds key %s", path, record.key)
            return None
        if inputs is not None and canonical_json(record.inputs) != canonical_json(dict(inputs)):
            return None
        return record

    def put(self, record: Record) -> Record:
        """Store ``record`` atomically (stamping ``finished`` if empty); returns what was stored."""
        if not record.finished:
            stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
            record = Record(**{**record.__dict__, "finished": stamp})
        write_text(self.path(record.key), json.dumps(record.to_dict(), indent=1, allow_nan=False) + "\n")
        return record

    def remove_temporaries(self) -> int:
        """Delete temporary files a killed writer left behind (``.<name>.*.tmp``); call only
        when no other process writes to this store. Returns how many were removed."""
        removed = 0
        if self.root.is_dir():
            for path in self.root.glob(".*.tmp"):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        return removed

    def __contains__(self, key: str) -> bool:
        return self.path(key).exists()

    def keys(self) -> Iterator[str]:
        """Keys of every stored record (current or not)."""
        if self.root.is_dir():
            for path in sorted(self.root.glob("*.json")):
                yield path.stem

    def __len__(self) -> int:
        return sum(1 for _ in self.keys())
