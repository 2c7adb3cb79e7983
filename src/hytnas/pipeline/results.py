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
from hytnas.results.plot_data import PlotSources, write_plot_data
from hytnas.results.summary import write_summary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResultsPaths:
    """Where ``results`` reads and writes: the reports folder, the proxy accuracy table, the
    page, the summary metrics, and the folder of plot tables."""

    reports: Path = Path("reports")
    proxy: Path = Path("data/proxy/accuracy.csv")
    out: Path = Path("reports/RESULTS.md")
    summary: Path = Path("reports/summary.json")
    plots: Path = Path("reports/plots")


@dataclass
class ResultsRun:
    """What :func:`run` produced: the page's path and size, and the plot tables written."""

    report: dict[str, Any]


def run(params: Params, paths: ResultsPaths = ResultsPaths()) -> ResultsRun:
    """Run stage ``results`` (no params: it reads what the other stages wrote)."""
    write_summary(paths.reports, paths.summary)
    tables = write_plot_data(paths.plots, PlotSources.under(paths.reports, paths.proxy))
    out = write_results(paths.reports, paths.out)
    size = out.stat().st_size
    log.info("results: %s (%d bytes), %d plot tables in %s", out, size, len(tables), paths.plots)
    return ResultsRun({"page": str(out), "bytes": size, "plot_tables": [str(path) for path in tables]})


__all__ = ["ResultsPaths", "ResultsRun", "run"]
