"""Benchmark: the choices the paper leaves open in the ``hytnas`` loop, each on and off.

Runs the compare_search stage once per oracle with NSGA-II, the paper-literal ``hytnas``
(params.yaml's defaults), one variant per choice with that choice made as DGEMO and the
authors make it, one with all of them, ``hytnas-released`` (the authors' released
configuration at its own initial design and batch) and, with --also, strategies as
params.yaml configures them (default: ``gp-warm`` and ``gp-ts``, ours), all scored in one frame against one
reference front. The variants are ``search.variants`` entries:

- ``+warm_start``: the acquisition solver starts from the evaluated points (non-dominated order);
- ``+final``: its candidates are its final population, not every point it visited;
- ``+mean``: the batch's hypervolume improvement is scored on the predicted mean, not the UCB;
- ``+value``: ... in objective values (ranks mapped through the evaluated quantiles), not ranks;
- ``+bootstrap``: each ranker is fitted on its own bootstrap resample;
- ``dgemo``: all five.

Writes the stage's summary with the settings to ``--metrics`` and a Markdown table beside it
(``.md``), in the words of ``reports/RESULTS.md``: HV fraction at each checkpoint (mean +- std
over seeds), median evaluations to 95% and 99% of the reference HV with the runs reaching
them (a count only when most runs do), and NSGA-II's evaluations to 95% over the arm's, exact
or a bound, as the stage wrote it.

The table at the paper's budget (HV at 100, 300 and 1,000 from the same runs; 3 to 4 h on 2
cores per oracle, resumable with --store; --nsga2-past makes NSGA-II's median a count)::

    .venv/bin/python bench/search_ablation.py --seeds 10 --budget 1000 --released-dir ../shared/paper-data \
        --oracles released --workers 2 --store .cache/search_runs --nsga2-past 3000 \
        --metrics reports/bench/search_ablation_released_1000.json

``--oracles pipeline`` (without ``--released-dir``) runs it on the pipeline's oracle; a quick look
is ``--seeds 5 --budget 300`` (about 20 minutes).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from hytnas.config import load_params, parse_params
from hytnas.io import write_json, write_text
from hytnas.pipeline.compare_search import CompareSearchPaths, continue_nsga2_runs, run
from hytnas.pipeline.script import configure_logging
from hytnas.results.format import code, table
from hytnas.results.hvtables import checkpoints, hv_cells, ratio_cell, reach, runs_reached
from hytnas.results.reports import Report

REPO = Path(__file__).resolve().parents[1]

CHOICES: dict[str, dict[str, Any]] = {
    "+warm_start": {"warm_start": True},
    "+final": {"solver_candidates": "final"},
    "+mean": {"hvi_on": "mean"},
    "+value": {"hvi_space": "value"},
    "+bootstrap": {"bootstrap": True},
}
"""Each open choice, as the options that make it DGEMO's / the authors' way."""


def variants(base: str) -> dict[str, dict[str, Any]]:
    """``search.variants`` entries: one per choice of :data:`CHOICES`, and ``dgemo`` with all."""
    table = {f"{base}{suffix}": {"strategy": base, "options": options} for suffix, options in CHOICES.items()}
    every: dict[str, Any] = {}
    for options in CHOICES.values():
        every.update(options)
    table[f"{base}-dgemo"] = {"strategy": base, "options": every}
    table["hytnas-released"] = {"strategy": "hytnas-released", "options": {"initial": 100, "batch": 50}}
    return table


def markdown(summary: dict[str, Any], order: list[str]) -> str:
    """The ablation table of each oracle: the HV checkpoints every arm has, evaluations to 95%
    and 99% with the runs reaching them, and NSGA-II's evaluations to 95% over the arm's, in
    the words of ``reports/RESULTS.md`` (:mod:`hytnas.results.hvtables`)."""
    report = Report("search ablation", summary)
    lines: list[str] = []
    for oracle, entry in summary.items():
        names = [name for name in order if isinstance(entry.get(name), dict)]
        points = checkpoints(entry[name] for name in names)
        head = ["strategy", *[f"HV@{c}" for c in points], "evals to 95% (runs)", "evals to 99% (runs)", "NSGA-II / it, 95%"]
        rows = []
        for name in names:
            path = (oracle, name)
            reached = [f"{reach(report, path, t)} ({runs_reached(report, path, t)})" for t in (95, 99)]
            rows.append([code(name), *hv_cells(report, path, points), *reached, ratio_cell(report, path)])
        lines += [f"### Oracle {code(oracle)}", "", *table(head, rows), ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=300)
    parser.add_argument("--base", default="hytnas", help="the loop whose choices are ablated (hytnas or gp-mobo)")
    parser.add_argument("--only", nargs="+", default=None, help="variants to run (default: all) besides nsga2 and the base")
    parser.add_argument("--also", nargs="*", default=["gp-warm", "gp-ts"],
                        help="strategies or params.yaml variants to run beside them as configured (default: gp-warm, gp-ts)")
    parser.add_argument("--released-dir", default=None, help="folder with the authors' CSVs")
    parser.add_argument("--oracles", nargs="+", choices=["pipeline", "released"], default=None)
    parser.add_argument("--workers", type=int, default=None, help="parallel search runs (default: params.yaml's executor)")
    parser.add_argument("--metrics", default=str(REPO / "reports" / "bench" / "search_ablation.json"))
    parser.add_argument("--store", default=None, metavar="DIR",
                        help="keep each finished run in DIR and read back the runs stored there "
                             "(hytnas.search.runstore): a killed or extended ablation runs only what it lacks")
    parser.add_argument("--nsga2-past", type=int, default=None, metavar="N",
                        help="also continue NSGA-II's runs to N evaluations in the same frame, so that its median "
                             "evaluations to 95%% is a count where too few runs reach it within the budget")
    args = parser.parse_args()
    if args.nsga2_past is not None and args.nsga2_past <= args.budget:
        parser.error(f"--nsga2-past {args.nsga2_past}: expected more than --budget, {args.budget}")

    configure_logging()
    table = variants(args.base)
    chosen = [name for name in table if args.only is None or name in args.only]
    strategies = ["nsga2", args.base, *chosen, *[name for name in args.also if name not in chosen]]
    tree = load_params(REPO / "params.yaml").model_dump()
    configured = tree["search"]["variants"]
    tree["search"].update(
        strategies=strategies, seeds=args.seeds, budget=args.budget,
        variants={**{name: configured[name] for name in args.also if name in configured}, **{name: table[name] for name in chosen}},
        released_dir=str(Path(args.released_dir).resolve()) if args.released_dir else None,
    )
    if args.workers:
        tree["executor"]["workers"] = args.workers
    params = parse_params(tree, source="params.yaml + bench options")
    with tempfile.TemporaryDirectory() as tmp:
        paths = CompareSearchPaths(
            predictors=REPO / "models" / "predictors", models=Path(tmp) / "models", out=Path(tmp) / "out",
            metrics=Path(tmp) / "search.json", params_dir=REPO,
        )
        stage = run(params, paths, oracles=args.oracles, store=Path(args.store) if args.store else None)
        summary = stage.report
        if args.nsga2_past:
            continue_nsga2_runs(params, stage, args.nsga2_past)
    settings = {**vars(args), "variants": tree["search"]["variants"]}
    write_json(args.metrics, {"settings": settings, "summary": summary})
    text = f"# Search ablation ({args.seeds} seeds, {args.budget} evaluations)\n\nGenerated by `bench/search_ablation.py`; settings in `{Path(args.metrics).name}`.\n\n"
    write_text(Path(args.metrics).with_suffix(".md"), text + markdown(summary, strategies))


if __name__ == "__main__":
    main()
