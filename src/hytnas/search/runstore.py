"""Search runs as resumable jobs of the job layer: a comparison that is re-run, extended by a
strategy or killed half-way runs only the runs it has not got.

A run's key (:func:`run_inputs`) holds everything that determines its history: the oracle
(its name, and a digest of its objective values on fixed probe genomes, so a refitted
predictor that predicts the same counts as the same oracle and one that predicts otherwise
does not), the strategy, its options, its label, the seed, the budget, and the code that
searches (a digest of the ``hytnas.search`` sources and the versions of the numerical
libraries they call; a strategy registered by another package is not in it, so clear the
store when its code changes). A change to any of them runs the search again; the old record
stays on disk. :func:`hytnas.search.compare.run_searches` runs them through
:func:`hytnas.runs.run_jobs` into a :class:`~hytnas.runs.store.ResultStore`, one JSON record
per run (its genomes, objective values, iterations, options, timings and the wall time it was
measured with).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import numpy as np

from hytnas.runs.store import Record
from hytnas.search.ledger import History

KIND = "search_run"
"""The ``kind`` of a stored search run's key inputs."""
PROBES = 256
"""Uniform genomes whose objective values fingerprint an oracle."""
LIBRARIES = ("numpy", "scipy", "scikit-learn", "xgboost", "torch", "gpytorch", "botorch", "pymoo")
"""Libraries whose versions are part of the code digest (absent ones count as ``none``)."""
SCORING_ONLY = ("commands.py", "figures.py", "report.py", "runstore.py", "scoring.py")
"""Modules of ``hytnas.search`` that only write, draw or store results: left out of the code
digest, so a change to them keeps the stored runs."""


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Hex digest of the ``hytnas.search`` package's sources (but :data:`SCORING_ONLY`) and
    :data:`LIBRARIES`' versions."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        if path.parent == root and path.name in SCORING_ONLY:
            continue
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "none"
        digest.update(f"{name}={version}".encode())
    return digest.hexdigest()[:20]


def oracle_digest(factory: Callable[[], tuple[Any, Callable[[np.ndarray], np.ndarray]]], probes: int = PROBES) -> str:
    """Hex digest of an oracle: its space's name and cardinalities and its objective values
    (9 significant digits) on ``probes`` uniform genomes drawn with seed 0."""
    space, objective = factory()
    F = np.asarray(objective(space.sample_uniform(probes, 0)), dtype=np.float64)
    digest = hashlib.sha256()
    digest.update(str(space.name).encode())
    digest.update(np.asarray(space.cardinalities, dtype=np.int64).tobytes())
    digest.update(np.array2string(F, precision=9, floatmode="maxprec_equal", threshold=F.size + 1).encode())
    return digest.hexdigest()[:20]


def plain(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays and tuples turned into JSON's types."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value


def run_inputs(job: Any, oracle: str) -> dict[str, Any]:
    """The key inputs of a :class:`~hytnas.search.compare.SearchJob` on the oracle whose
    :func:`oracle_digest` is ``oracle``."""
    return {
        "kind": KIND,
        "oracle": str(getattr(job.factory, "name", "")),
        "oracle_digest": oracle,
        "strategy": job.strategy,
        "label": job.label or job.strategy,
        "options": plain(dict(job.options)),
        "seed": int(job.seed),
        "budget": int(job.budget),
        "code": code_digest(),
    }


def history_result(history: History) -> dict[str, Any]:
    """A history as a record's result (plain JSON; read back by :func:`history_of`)."""
    if not np.all(np.isfinite(history.F)):
        raise ValueError(f"run {history.strategy} seed {history.seed}: non-finite objective values cannot be stored")
    return plain(
        {
            "strategy": history.strategy,
            "seed": history.seed,
            "budget": history.budget,
            "X": history.X,
            "F": history.F,
            "iteration": history.iteration,
            "options": history.options,
            "wall_time": history.wall_time,
            "timings": history.timings,
        }
    )


def history_of(record: Record) -> History:
    """The history a stored run's record holds.

    Raises:
        ValueError: the record does not hold a whole history (named by its key).
    """
    r = record.result
    try:
        n = len(r["X"])
        return History(
            strategy=str(r["strategy"]),
            seed=int(r["seed"]),
            budget=int(r["budget"]),
            X=np.asarray(r["X"], dtype=np.int64).reshape(n, -1),
            F=np.asarray(r["F"], dtype=np.float64).reshape(n, -1),
            iteration=np.asarray(r["iteration"], dtype=np.int64).reshape(n),
            options=dict(r["options"]),
            wall_time=float(r["wall_time"]),
            timings={k: float(v) for k, v in r["timings"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValueError(f"stored search run {record.key}: not a whole history ({error})") from None


__all__ = [
    "KIND",
    "LIBRARIES",
    "PROBES",
    "SCORING_ONLY",
    "code_digest",
    "history_of",
    "history_result",
    "oracle_digest",
    "plain",
    "run_inputs",
]
