"""The hypervolume figures of a search comparison, shared by the headline, the
``search.json`` section and the search benchmark: which strategies and checkpoints an
oracle's summary has, evaluations to a share of the reference HV, and the per-oracle tables.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from hytnas.results.format import finite, fix, general, pm, strategy, table, whole
from hytnas.results.reports import Report

__all__ = [
    "checkpoints",
    "hv_cells",
    "nsga2_ratio",
    "nsga2_ratio_at",
    "ratio_cell",
    "reach",
    "runs_reached",
    "search_tables",
    "strategies",
]


def checkpoints(entries: Iterable[dict[str, Any]]) -> list[int]:
    """HV checkpoints (``hv_at_<n>_mean``) present in every entry, ascending."""
    sets = [{int(m.group(1)) for k in e if (m := re.fullmatch(r"hv_at_(\d+)_mean", k))} for e in entries]
    return sorted(set.intersection(*sets)) if sets else []


def strategies(oracle: dict[str, Any]) -> list[str]:
    """The strategy names of one oracle's summary (its keys holding an object), in order."""
    return [name for name, entry in oracle.items() if isinstance(entry, dict)]


def reach(report: Report, path: Sequence[str], target: int) -> str:
    """Median evaluations to ``target``% of the reference HV, or why there is none
    (``n/a``, ``not reached``, ``not by most runs``, with the median of the runs continued
    past the budget where they were and most reach it).

    A run that never reaches it counts as budget + 1, so the median is a reached value only
    when more than half the runs reached it."""
    median = report.get(*path, f"evals_to_{target}pct_median")
    reached = report.get(*path, f"reached_{target}pct_runs")
    seeds = report.get(*path, "seeds")
    if median is None:
        return "n/a"
    if finite(reached) and finite(seeds) and reached * 2 <= seeds:
        text = "not reached" if reached == 0 else "not by most runs"
        past, past_median = report.get(*path, "past_budget"), report.get(*path, f"past_budget_evals_to_{target}pct_median")
        past_reached = report.get(*path, f"past_budget_reached_{target}pct_runs")
        if finite(past) and finite(past_median) and finite(past_reached) and past_reached * 2 > seeds:
            text += f"; {general(past_median)} with the runs continued to {whole(past)}"
        return text
    return general(median)


def runs_reached(report: Report, path: Sequence[str], target: int) -> str:
    """How many runs reached ``target``% of the reference HV (``7 of 10``), or ``n/a``."""
    reached, seeds = report.get(*path, f"reached_{target}pct_runs"), report.get(*path, "seeds")
    if reached is None:
        return "n/a"
    return f"{whole(reached)} of {whole(seeds)}" if finite(seeds) else whole(reached)


def nsga2_ratio_at(report: Report, path: Sequence[str]) -> tuple[Any, str | None]:
    """``(ratio, bound)``: NSGA-II's evaluations to 95% over the strategy's whose summary is at
    ``path``, and whether it is ``exact``, ``at most``, ``at least`` or ``unmeasured``, as the
    search stage wrote them (``hytnas.search.scoring.nsga2_ratios``); ``(None, None)`` where
    the summary has none."""
    return report.get(*path, "nsga2_ratio_95pct"), report.get(*path, "nsga2_ratio_95pct_bound", kind="str")


def nsga2_ratio(ratio: Any, bound: str | None) -> str:
    """The text of :func:`nsga2_ratio_at`'s pair (``6.20``, ``at most 0.93``, ``at least
    4.02``), ``n/a`` where there is none."""
    if bound == "unmeasured":
        return "not measured (neither reaches 95% in most runs)"
    if bound not in ("exact", "at most", "at least") or not finite(ratio):
        return "n/a"
    return fix(ratio, 2) if bound == "exact" else f"{bound} {fix(ratio, 2)}"


def hv_cells(report: Report, path: Sequence[str], points: Iterable[int]) -> list[str]:
    """The HV fraction at each checkpoint of ``points`` (``mean ± std``, ``n/a`` where absent)
    of the strategy summary at ``path``."""
    return [pm(report.get(*path, f"hv_at_{n}_mean"), report.get(*path, f"hv_at_{n}_std"), 3) for n in points]


def ratio_cell(report: Report, path: Sequence[str]) -> str:
    """NSGA-II's evaluations to 95% over the strategy's at ``path`` as text, saying so where
    NSGA-II's median came from its runs continued past the budget; empty on NSGA-II's own
    row."""
    if path[-1] == "nsga2":
        return ""
    text = nsga2_ratio(*nsga2_ratio_at(report, path))
    past = report.get(*path, "nsga2_ratio_95pct_nsga2_budget")
    return f"{text} (NSGA-II's runs continued to {whole(past)})" if finite(past) else text


def search_tables(r: Report, path: Sequence[str] = ()) -> list[str]:
    """The lines of one table per oracle of a ``{oracle: {strategy: summary}}`` object at
    ``path`` (the report itself when empty)."""
    lines: list[str] = []
    root = r.get(*path, kind="dict") if path else r.data
    for oracle, entry in (root or {}).items():
        if not isinstance(entry, dict):
            continue
        names = strategies(entry)
        points = checkpoints(entry[n] for n in names)
        rows = []
        for name in names:
            p = (*path, oracle, name)
            row = [strategy(name), whole(r.get(*p, "seeds"))]
            row += hv_cells(r, p, points)
            row.append(ratio_cell(r, p))
            row += [reach(r, p, 95), runs_reached(r, p, 95), reach(r, p, 99), runs_reached(r, p, 99), fix(r.get(*p, "wall_s_mean"), 1)]
            rows.append(row)
        header = ["strategy", "seeds"] + [f"HV at {n}" for n in points]
        header += ["NSGA-II's evals to 95% over its", "evals to 95% (median)", "runs reaching 95%", "evals to 99% (median)",
                   "runs reaching 99%", "wall s per run (mean)"]
        seconds = r.get(*path, oracle, "stage_seconds")
        tail = f"; stage {fix(seconds, 1)} s" if seconds is not None else ""
        lines += [f"**{oracle} oracle** (HV as a fraction of the reference front's, mean ± std over seeds{tail}):", ""]
        lines += table(header, rows, [False] + [True] * (len(header) - 1))
        lines.append("")
    return lines
