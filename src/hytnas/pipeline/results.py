"""Stage ``results``: ``reports/RESULTS.md``, every measured figure of the last run, generated
from ``reports/*.json`` and ``reports/bench/*.json`` (:mod:`hytnas.results`). It runs last,
so the page always shows what the reports hold, and names the commit the code ran at."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hytnas.config import Params
from hytnas.results import write_results

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResultsPaths:
    """Where ``results`` reads and writes: the reports folder and the page."""

    reports: Path = Path("reports")
    out: Path = Path("reports/RESULTS.md")


@dataclass
class ResultsRun:
    """What :func:`run` produced: the page's path and size."""

    report: dict[str, Any]


def run(params: Params, paths: ResultsPaths = ResultsPaths()) -> ResultsRun:
    """Run stage ``results`` (no params: it reads what the other stages wrote)."""
    out = write_results(paths.reports, paths.out)
    size = out.stat().st_size
    log.info("results: %s (%d bytes)", out, size)
    return ResultsRun({"page": str(out), "bytes": size})


__all__ = ["ResultsPaths", "ResultsRun", "run"]
