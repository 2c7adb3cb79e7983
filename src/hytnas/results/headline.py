"""The page's headline section: Table II's headline (HyT-NAS-O against the reference
network, with the paper's figures where known), the predictors' Kendall tau per target, and
each search strategy's hypervolume at the largest checkpoint and evaluations to 95%, and the
paper's search claim at its budget: the paper's loop, the authors' released code and ours
beside NSGA-II, from the claim benchmarks."""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Sequence

from hytnas.results.format import (
    code,
    finite,
    fix,
    network,
    pm,
    ratio,
    strategy,
    table,
    whole,
    with_sign,
)
from hytnas.results.hvtables import checkpoints, hv_cells, ratio_cell, reach, runs_reached, strategies
from hytnas.results.reports import Report, final_labels

__all__ = ["PAPER_BUDGET", "headline"]

PAPER_BUDGET = 1000
"""The paper's search budget (evaluations): claim benchmarks run at it or beyond join the headline."""
CLAIM_ORDER = ("hytnas", "hytnas-released", "gp-warm", "gp-ts", "nsga2", "random")
"""The headline's claim rows: the paper's loop, the authors' released code, ours, then the baselines."""
BASELINES = ("nsga2", "random")
"""Strategies the paper's claim is not made for (its row shows no target)."""
CLAIM_POINTS = (100, 300, 1000)
"""HV checkpoints the headline's claim table shows (``n/a`` where a benchmark has none)."""

_TABLE2_CLAIMS = (
    ("o_acc_gain", re.compile(r"HyT-NAS-O accuracy minus")),
    ("o_param_ratio", re.compile(r"parameters / HyT-NAS-O parameters")),
    ("o_latency_ratio", re.compile(r"latency / HyT-NAS-O latency")),
    ("bl_params", re.compile(r"^HyT-NAS-BL parameters")),
    ("bl_latency_ratio", re.compile(r"latency / HyT-NAS-BL latency")),
)


def headline(
    reports: dict[str, Report | None], prefix: str, table2: str | None, shown_table2: str, claims: Sequence[Report] = ()
) -> list[str]:
    """The lines of the ``## Headline`` section from the stage ``reports`` (by file name;
    ``None`` when absent), ``table2`` the text of ``table2.md`` if there is one, and the claim
    benchmarks at the paper's budget (``claims``, none: the claim table is left out)."""
    lines = ["## Headline", ""]
    final = reports["final.json"]
    if final is None:
        lines += [f"Table II: `{prefix}final.json` not found (train_final not run); skipped.", ""]
    else:
        lines += _headline_table2(final, table2, shown_table2)
    predictors = reports["predictors.json"]
    if predictors is None:
        lines += [f"Predictors: `{prefix}predictors.json` not found (fit_predictors not run); skipped.", ""]
    else:
        rows = []
        for target, entry in predictors.data.items():
            if not isinstance(entry, dict) or "chosen" not in entry:
                continue
            chosen = predictors.get(target, "chosen", kind="str")
            tau = predictors.get(target, "chosen_kendall_tau")
            std = predictors.get(target, chosen, "kendall_tau_std") if chosen else None
            rows.append([target, whole(predictors.get(target, "rows")), code(chosen) if chosen else "n/a", pm(tau, std, 3)])
        lines += [f"Predictors, cross-validated (`{predictors.name}`, source {predictors.get('source', kind='str') or 'n/a'}):", ""]
        lines += table(["target", "rows", "chosen predictor", "Kendall tau (mean ± std over folds)"], rows, [False, True, False, True])
        lines.append("")
    search = reports["search.json"]
    if search is None:
        lines += [f"Search: `{prefix}search.json` not found (compare_search not run); skipped.", ""]
    else:
        rows = []
        for oracle, entry in search.data.items():
            if not isinstance(entry, dict):
                continue
            names = strategies(entry)
            points = checkpoints(entry[n] for n in names)
            last = points[-1] if points else None
            for name in names:
                hv = search.get(oracle, name, f"hv_at_{last}_mean") if last else None
                std = search.get(oracle, name, f"hv_at_{last}_std") if last else None
                rows.append([oracle, strategy(name), str(last) if last else "n/a", pm(hv, std, 3), reach(search, (oracle, name), 95), runs_reached(search, (oracle, name), 95)])
        lines += [f"Search strategies on the predictors as oracle (`{search.name}`; HV as a fraction of the reference front's):", ""]
        lines += table(
            ["oracle", "strategy", "evaluations", "HV fraction (mean ± std over seeds)", "evaluations to 95% of reference HV (median)", "runs reaching 95%"],
            rows,
            [False, False, True, True, True, True],
        )
        lines.append("")
    if claims:
        lines += _headline_claim(claims)
    return lines


def _headline_claim(claims: Sequence[Report]) -> list[str]:
    """The lines of the paper's search claim at its budget: per claim benchmark and oracle,
    the paper's loop, the authors' released code and ours beside NSGA-II (and any other
    strategy the benchmark ran, after them): HV fraction at the checkpoints, evaluations to
    95% of the reference HV and NSGA-II's over them, with the paper's figure."""
    rows = []
    for r in claims:
        for oracle, entry in (r.get("summary", kind="dict") or {}).items():
            if not isinstance(entry, dict):
                continue
            names = strategies(entry)
            ordered = [n for n in CLAIM_ORDER if n in names] + [n for n in names if n not in CLAIM_ORDER]
            paper = r.get("claim", oracle, "paper_claim")
            for name in ordered:
                p = ("summary", oracle, name)
                rows.append([code(r.name), oracle, strategy(name), whole(r.get(*p, "seeds"))] + hv_cells(r, p, CLAIM_POINTS)
                            + [reach(r, p, 95), runs_reached(r, p, 95), ratio_cell(r, p), fix(paper, 1) if name not in BASELINES else ""])
    header = ["file", "oracle", "strategy", "seeds"] + [f"HV at {n}" for n in CLAIM_POINTS]
    header += ["evals to 95% (median)", "runs reaching 95%", "NSGA-II's evals to 95% over its", "paper's claim"]
    lines = [f"The paper's search claim at its budget ({PAPER_BUDGET:,} evaluations): its loop (HyT-NAS), the authors' released code "
             "and ours beside NSGA-II; HV as a fraction of each oracle's reference front, mean ± std over seeds:", ""]
    lines += table(header, rows, [False, False, False] + [True] * (len(header) - 3))
    return lines + [""]


def _headline_table2(final: Report, table2: str | None, shown_table2: str) -> list[str]:
    """The lines of the Table II headline table: ours from ``final``, the paper's from
    ``final`` (``paper_*`` keys) or else from the ``table2`` text."""
    labels = final_labels(final)
    reference = _reference_label(final, labels)
    ref = network(reference) if reference else "the reference network"
    paper_cells = _table2_paper(table2) if table2 else {}

    def paper(key: str, fmt: Callable[[Any], str]) -> str:
        for name in (f"paper_{key}", f"headline_paper_{key}"):
            value = final.get(name)
            if value is not None:
                return fmt(value)
        return paper_cells.get(key, "n/a")

    seeds = final.get("headline_o_acc_gain_seeds")
    seeds_text = f"{whole(seeds)} paired seed{'s' if seeds != 1 else ''}" if finite(seeds) else "seeds n/a"
    rows = [
        [f"HyT-NAS-O accuracy minus {ref}, points ({seeds_text})", pm(final.get("headline_o_acc_gain"), final.get("headline_o_acc_gain_std"), 2, signed=True), paper("o_acc_gain", lambda v: with_sign(v, 1))],
        [f"{ref} parameters / HyT-NAS-O parameters (above one: O is smaller)", ratio(final.get("headline_o_param_ratio")), paper("o_param_ratio", lambda v: ratio(v, 1))],
        [f"{ref} latency / HyT-NAS-O latency (above one: O is faster)", ratio(final.get("headline_o_latency_ratio")), paper("o_latency_ratio", ratio)],
        ["HyT-NAS-BL parameters", whole(final.get("headline_bl_params")), paper("bl_params", whole)],
    ]
    source = f"`{final.name}`"
    if paper_cells and not any(final.get(f"paper_{k}") is not None for k, _ in _TABLE2_CLAIMS):
        source += f", the paper's column from `{shown_table2}`"
    lines = [f"Table II headline ({source}):", ""]
    lines += table(["claim", "ours", "paper"], rows)
    lines.append("")
    return lines


def _reference_label(final: Report, labels: Sequence[str]) -> str | None:
    """The headline's reference network: named by the report, else the one network whose
    parameter ratio to HyT-NAS-O and accuracy difference match the headline; ``None`` when
    neither settles it."""
    for key in ("reference", "headline_reference"):
        name = final.get(key, kind="str")
        if name:
            return name
    ratio_, gain = final.get("headline_o_param_ratio"), final.get("headline_o_acc_gain")
    o_params, o_acc = final.get("hytnas_o_params"), final.get("hytnas_o_val_acc")
    if not all(finite(v) for v in (ratio_, gain, o_params, o_acc)) or o_params == 0:
        return None
    found = []
    for label in labels:
        if label.startswith("hytnas_"):
            continue
        params, acc = final.get(f"{label}_params"), final.get(f"{label}_val_acc")
        if finite(params) and finite(acc) and math.isclose(params / o_params, ratio_, rel_tol=1e-6) and math.isclose(o_acc - acc, gain, rel_tol=1e-6, abs_tol=1e-9):
            found.append(label)
    return found[0] if len(found) == 1 else None


def _table2_paper(text: str) -> dict[str, str]:
    """The paper's column of the Headline table of ``table2.md``: claim key -> cell text."""
    out: dict[str, str] = {}
    match = re.search(r"^## Headline\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    if not match:
        return out
    for line in match.group(1).splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or set(cells[-1]) <= set("-: "):
            continue
        for key, pattern in _TABLE2_CLAIMS:
            if pattern.search(cells[0]) and cells[-1] != "n/a":
                out.setdefault(key, cells[-1])
    return out
