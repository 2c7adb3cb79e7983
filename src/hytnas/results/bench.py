"""The page's ``## Benchmarks`` section: each ``reports/bench/*.json`` recognised by its keys
(a Table II headline at another budget, latency repeatability, a search comparison, proxy
fidelity, predictors, search speed) and shown as such; one of no known shape becomes a
key/value table."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from hytnas.results.format import (
    code,
    finite,
    fix,
    flat,
    general,
    generic_table,
    link,
    network,
    pm,
    provenance,
    ratio,
    strategy,
    table,
    whole,
    with_sign,
)
from hytnas.results.hvtables import nsga2_ratio_at, ratio_cell, search_tables, strategies
from hytnas.results.reports import Report, load

__all__ = ["benchmarks", "is_claim_at", "load_benchmarks"]


def _is_final_bench(d: dict[str, Any]) -> bool:
    """Whether ``d`` is a Table II headline at another budget (``bench/final_budget.py``)."""
    return "o_acc_gain" in d


def _is_latency_bench(d: dict[str, Any]) -> bool:
    """Whether ``d`` is a latency repeatability measurement."""
    return "relative_spread_median" in d


def _is_search_bench(d: dict[str, Any]) -> bool:
    """Whether ``d`` is a search comparison (a ``summary`` of HV checkpoints per oracle)."""
    return isinstance(d.get("summary"), dict) and any(
        isinstance(o, dict) and any(isinstance(s, dict) and any(k.startswith("hv_at_") for k in s) for s in o.values())
        for o in d["summary"].values()
    )


def _is_fidelity_bench(d: dict[str, Any]) -> bool:
    """Whether ``d`` is a proxy-fidelity study (recipes, each with an accuracy Kendall tau)."""
    values = list(d.values())
    return bool(values) and all(isinstance(v, dict) and isinstance(v.get("accuracy"), dict) and "kendall_tau" in v["accuracy"] for v in values)


def _is_predictor_bench(d: dict[str, Any]) -> bool:
    """Whether ``d`` is a predictor study (a ``zoo`` of scores per target)."""
    return isinstance(d.get("zoo"), dict)


def _is_speed_bench(d: dict[str, Any]) -> bool:
    """Whether ``d`` is a search-speed measurement (``runs``, each naming its strategy)."""
    runs = d.get("runs")
    return isinstance(runs, list) and bool(runs) and all(isinstance(x, dict) and "strategy" in x for x in runs)


def _bench_final(reports: Sequence[Report], bench_dir: Path, base: Path) -> list[str]:
    """The lines of one table of the Table II headline, a row per report in ``reports``."""
    rows = []
    for r in reports:
        ref = r.get("reference", kind="str")
        table2 = bench_dir / f"{Path(r.name).stem}_table2.md"
        rows.append([
            code(r.name),
            f"[{table2.name}]({link(base, table2)})" if table2.exists() else "none",
            network(ref) if ref else "n/a",
            whole(r.get("budget_train_images")),
            whole(r.get("budget_epochs")),
            whole(r.get("budget_resolution")),
            whole(r.get("o_acc_gain_seeds")),
            pm(r.get("o_acc_gain"), r.get("o_acc_gain_std"), 2, signed=True),
            with_sign(r.get("paper_o_acc_gain"), 1),
            ratio(r.get("o_param_ratio")),
            ratio(r.get("paper_o_param_ratio"), 1),
            whole(r.get("stage_seconds")),
        ])
    lines = ["### Table II headline at other budgets", ""]
    lines += table(
        ["file", "its Table II", "reference", "training images", "epochs", "px", "seeds", "O minus reference, points", "paper", "param ratio", "paper", "stage s"],
        rows,
        [False, False, False] + [True] * 9,
    )
    return lines + [""]


def _bench_latency(reports: Sequence[Report]) -> list[str]:
    """The lines of one table of latency repeatability, a row per report in ``reports``."""
    rows = []
    for r in reports:
        archs = r.get("architectures", kind="any")
        rows.append([
            code(r.name),
            whole(len(archs)) if isinstance(archs, list) else general(archs),
            whole(r.get("warmup")),
            whole(r.get("runs")),
            fix(r.get("relative_spread_median"), 3),
            fix(r.get("p10_relative_spread_median"), 3),
            fix(r.get("calibrated_spread_median"), 3),
            fix(r.get("retimed_spread_median"), 3),
            fix(r.get("calibration_relative_spread"), 3),
            fix(r.get("kendall_tau_mean"), 3),
            fix(r.get("calibrated_kendall_tau_mean"), 3),
            fix(r.get("target_spread"), 3),
            fix(r.get("load_average"), 2),
            fix(r.get("seconds_per_measurement"), 2),
        ])
    lines = ["### Latency repeatability (the same architectures timed in rounds)", ""]
    lines += table(
        ["file", "architectures", "warm-up", "timed runs", "spread across rounds (median, relative)", "same for p10",
         "same, latency over calibration", "same, after re-timing", "calibration network's spread",
         "Kendall tau between rounds (mean)", "same, latency over calibration", "target spread", "load average", "s per measurement"],
        rows,
        [False] + [True] * 13,
    )
    return lines + [""]


def _bench_fidelity(r: Report) -> list[str]:
    """The lines of a proxy-fidelity section: a row per recipe."""
    rows = []
    for recipe, entry in r.data.items():
        overrides = entry.get("overrides")
        text = ", ".join(code(str(o)) for o in overrides) if isinstance(overrides, list) and overrides else "defaults"
        rows.append([
            code(recipe),
            text,
            whole(r.get(recipe, "architectures")),
            fix(r.get(recipe, "accuracy", "kendall_tau"), 3),
            fix(r.get(recipe, "loss", "kendall_tau"), 3),
            fix(r.get(recipe, "val_acc_median"), 2),
            fix(r.get(recipe, "archs_per_minute"), 2),
            fix(r.get(recipe, "minutes"), 1),
        ])
    lines = [f"### Proxy fidelity: seed-to-seed ranking of recipes (`{r.name}`)", ""]
    lines += table(["recipe", "overrides", "architectures", "Kendall tau, accuracy", "Kendall tau, loss", "val acc. % (median)", "archs/min", "minutes"], rows, [False, False] + [True] * 6)
    return lines + [""]


def _bench_search(r: Report, base: Path, reports_dir: Path) -> list[str]:
    """The lines of a search-comparison section: settings, HV tables per oracle, the
    paper's NSGA-II/HyT-NAS claim per oracle and links to the figures that exist."""
    settings = [
        ("seeds", r.get("settings", "seeds")),
        ("budget", r.get("settings", "budget")),
        ("initial design", r.get("settings", "initial")),
        ("workers", r.get("settings", "workers")),
    ]
    lines = [f"### Search comparison (`{r.name}`)", "", provenance(settings), ""]
    lines += search_tables(r, ("summary",))
    claims = r.get("claim", kind="dict") or {}
    rows = []
    for oracle in claims:
        s = ("summary", oracle)
        for label in strategies(r.get(*s, kind="dict") or {}):
            ratio, bound = nsga2_ratio_at(r, (*s, label))
            if bound is None:  # NSGA-II itself, or a summary without the figure
                continue
            nsga2_runs = whole(r.get(*s, "nsga2", "reached_95pct_runs"))
            past = r.get(*s, "nsga2", "past_budget")
            if finite(past):
                nsga2_runs += f" ({whole(r.get(*s, 'nsga2', 'past_budget_reached_95pct_runs'))} by {whole(past)})"
            rows.append([oracle, code(label), ratio_cell(r, (*s, label)), nsga2_runs,
                         whole(r.get(*s, label, "reached_95pct_runs")), fix(r.get("claim", oracle, "paper_claim"), 1)])
    if rows:
        lines += ["The paper's claim, NSGA-II's evaluations to 95% of the reference HV over each strategy's:", ""]
        lines += table(["oracle", "strategy", "ratio (medians)", "NSGA-II runs reaching 95%", "its runs reaching 95%", "paper"], rows)
        lines.append("")
    stem = Path(r.name).stem
    folder = reports_dir / "bench" / stem
    if folder.is_dir():
        pngs = sorted(p.name for p in folder.glob("*.png"))
        if pngs:
            links = ", ".join(f"[{name}]({link(base, folder / name)})" for name in pngs)
            lines += [f"Figures: {links}.", ""]
    return lines


def _bench_predictors(r: Report) -> list[str]:
    """The lines of a predictor-study section: Kendall tau per predictor and target, the
    baseline if every target has it, and the evidence as a key/value table."""
    lines = [f"### Predictors (`{r.name}`)", ""]
    protocol = r.get("protocol", kind="str")
    machine = [("protocol", protocol), ("cpus", r.get("machine", "cpus")), ("python", r.get("machine", "python", kind="str")), ("seconds", r.get("timing", "fit_and_cv_four_predictors_both_tables_s"))]
    lines += [provenance(machine), ""]
    zoo = r.get("zoo", kind="dict") or {}
    targets = [t for t in zoo if isinstance(zoo[t], dict)]
    models: list[str] = []
    for t in targets:
        models += [m for m in zoo[t] if isinstance(zoo[t][m], dict) and m not in models]
    rows = []
    for m in models:
        rows.append([code(m)] + [pm(r.get("zoo", t, m, "kendall_tau"), r.get("zoo", t, m, "kendall_tau_std"), 3) for t in targets])
    for t_rows in ("baseline",):
        for variant in ("rows_last",):
            if all(r.get(t_rows, t, variant, "kendall_tau") is not None for t in targets):
                rows.append([f"baseline (`{variant}`)"] + [pm(r.get(t_rows, t, variant, "kendall_tau"), r.get(t_rows, t, variant, "kendall_tau_std"), 3) for t in targets])
    header = ["predictor"] + [f"{t} Kendall tau ({whole(r.get('rows', t, 'last'))} rows)" if r.get("rows", t, "last") is not None else f"{t} Kendall tau" for t in targets]
    lines += table(header, rows)
    lines.append("")
    evidence = r.get("evidence", kind="dict")
    if evidence:
        lines += ["Evidence:", ""]
        lines += table(["key", "value"], [[code(k), general(v)] for k, v in flat(evidence)], [False, True])
        lines.append("")
    return lines


def _bench_speed(r: Report) -> list[str]:
    """The lines of a search-speed section: a row per run with its time per phase."""
    runs = r.get("runs", kind="list")
    phases: list[str] = []
    for run in runs:
        timings = run.get("timings_s")
        if isinstance(timings, dict):
            phases += [p for p in timings if p not in phases]
    relative = any("time_over_nsga2" in run for run in runs)
    rows = []
    for run in runs:
        timings = run.get("timings_s") if isinstance(run.get("timings_s"), dict) else {}
        rows.append(
            [strategy(str(run.get("strategy"))), general(run.get("n_jobs")), general(run.get("evaluations")), general(run.get("wall_time_s")), general(run.get("cpu_time_s"))]
            + [general(timings.get(p)) for p in phases]
            + ([general(run.get("time_over_nsga2"))] if relative else [])
        )
    machine = [("oracle", r.get("oracle", kind="str")), ("space", r.get("space", kind="str")), ("seed", r.get("seed")), ("budget", r.get("budget")), ("initial", r.get("initial")), ("batch", r.get("batch")), ("cpus", r.get("machine", "cpus")), ("load average", r.get("machine", "load_average_1m"))]
    lines = [f"### Search speed (`{r.name}`)", "", provenance(machine), ""]
    header = ["strategy", "jobs", "evaluations", "wall s", "CPU s"] + [f"{p} s" for p in phases] + (["time / NSGA-II's"] if relative else [])
    lines += table(header, rows, [False] + [True] * (len(header) - 1))
    return lines + [""]


def load_benchmarks(bench_dir: Path, prefix: str) -> list[Report]:
    """Every ``bench_dir/*.json`` as a report, in file-name order (none if the folder is absent).

    Raises:
        DataError: a benchmark file is unreadable or not a JSON object.
    """
    files = sorted(bench_dir.glob("*.json")) if bench_dir.is_dir() else []
    loaded = [load(p, f"{prefix}bench/{p.name}", "a JSON object written by a script of bench/") for p in files]
    return [r for r in loaded if r is not None]


def is_claim_at(r: Report, budget: int) -> bool:
    """Whether ``r`` is a search claim benchmark (``bench/search_claim.py``: a summary and a
    claim block) run at ``budget`` evaluations or more."""
    return _is_search_bench(r.data) and isinstance(r.data.get("claim"), dict) and (r.get("settings", "budget") or 0) >= budget


def benchmarks(reports: Sequence[Report], bench_dir: Path, prefix: str, base: Path, reports_dir: Path) -> list[str]:
    """The lines of the ``## Benchmarks`` section from the reports of ``bench_dir``
    (:func:`load_benchmarks`): each shown by the first recogniser that matches it, else as a
    key/value table."""
    lines = ["## Benchmarks", ""]
    if not reports:
        return lines + [f"No `{prefix}bench/*.json` found: no benchmark was run; skipped.", ""]
    lines += [f"From `{prefix}bench/*.json`, written by the scripts in `bench/`; each table or section names its file.", ""]
    finals = [r for r in reports if _is_final_bench(r.data)]
    latencies = [r for r in reports if _is_latency_bench(r.data)]
    if finals:
        lines += _bench_final(finals, bench_dir, base)
    if latencies:
        lines += _bench_latency(latencies)
    for r in reports:
        if r in finals or r in latencies:
            continue
        if _is_search_bench(r.data):
            lines += _bench_search(r, base, reports_dir)
        elif _is_fidelity_bench(r.data):
            lines += _bench_fidelity(r)
        elif _is_predictor_bench(r.data):
            lines += _bench_predictors(r)
        elif _is_speed_bench(r.data):
            lines += _bench_speed(r)
        else:
            lines += [f"### `{r.name}`", ""] + generic_table(r.data, r.name) + [""]
    return lines
