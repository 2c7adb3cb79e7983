"""Benchmark: the paper's claim, evaluations to 95% of the reference HV, NSGA-II over each strategy.

Runs the compare_search stage (:func:`hytnas.pipeline.compare_search.run`) on params.yaml's
settings with many seeds, on the pipeline oracle (models/predictors) and, with
--released-dir, on predictors fitted on the authors' released measurements; writes
reports/bench/search.json (the stage's summary, whose entries carry each strategy's NSGA-II
ratio and whether it is exact or a bound, and a claim block per oracle: the paper's 5x and
whether it holds for each strategy) and its curves and figures under reports/bench/search/.

    .venv/bin/python bench/search_claim.py --seeds 10 --budget 200 --released-dir ../shared/paper-data
    .venv/bin/python bench/search_claim.py --seeds 10 --budget 1000 --released-dir ../shared/paper-data \
        --oracles released --workers 1 --out reports/bench/search_1000 --metrics reports/bench/search_1000.json

``--store DIR`` keeps every finished run in DIR and reads back those it holds: a benchmark
killed half-way, or re-run with one more strategy, runs only the runs it lacks (a stored run
keeps the wall time it was measured with). ``--nsga2-past N`` continues NSGA-II's runs to N evaluations, scored in the same frame, so
that NSGA-II's median evaluations to 95% is a count and not a bound where fewer than half its
runs reach 95% within the budget (the first evaluations of a run do not depend on its
budget); ``--extend FILE... --nsga2-past N`` does that for files already written.
``--rescore FILE...`` rewrites the ratios and claim blocks of files already written, from
their summaries.

A candidate setting of a strategy joins with --variant NAME=STRATEGY:key=value,... (values as
YAML), and NAME in --strategies, e.g.
``--variant gp-warm=gp-mobo:warm_start=true,hvi_on=mean --strategies nsga2 gp-warm``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import yaml

from hytnas.config import Params, load_params, parse_params
from hytnas.errors import HytnasError
from hytnas.io import read_json, write_json
from hytnas.pipeline.compare_search import (
    CompareSearchPaths,
    continue_nsga2,
    continue_nsga2_runs,
    pipeline_oracle,
    released_oracle,
    run,
)
from hytnas.pipeline.script import configure_logging
from hytnas.runs.fingerprint import cpu_model
from hytnas.search import Bounds
from hytnas.search.scoring import BOUND_KEY, RATIO_KEY, add_nsga2_ratios

REPO = Path(__file__).resolve().parents[1]


def parse_variant(text: str) -> tuple[str, dict[str, Any]]:
    """``NAME=STRATEGY:key=value,...`` -> ``(NAME, search.variants entry)``."""
    name, sep, rest = text.partition("=")
    strategy, _, settings = rest.partition(":")
    if not sep or not name or not strategy:
        raise SystemExit(f"--variant {text!r}: expected NAME=STRATEGY:key=value,...")
    options = {}
    for item in filter(None, settings.split(",")):
        key, eq, value = item.partition("=")
        if not eq:
            raise SystemExit(f"--variant {text!r}: {item!r} is not key=value")
        options[key] = yaml.safe_load(value)
    return name, {"strategy": strategy, "options": options}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--initial", type=int, default=30)
    parser.add_argument("--first-seed", type=int, default=None,
                        help="params.yaml's seed for this run: the runs are seeds first-seed .. "
                             "first-seed + seeds - 1, and the frame's bounds and long NSGA-II run follow it "
                             "(check a setting on seeds it was not chosen on)")
    parser.add_argument("--strategies", nargs="+", default=["random", "nsga2", "hytnas"])
    parser.add_argument("--released-dir", default=None, help="folder with the authors' CSVs")
    parser.add_argument("--oracles", nargs="+", choices=["pipeline", "released"], default=None,
                        help="oracles to search (default: pipeline, and released with --released-dir)")
    parser.add_argument("--warm-start", action="store_true", help="search.warm_start: true (the BO loops' solver from the evaluated points)")
    parser.add_argument("--candidates", choices=["visited", "final"], default=None, help="search.solver_candidates")
    parser.add_argument("--workers", type=int, default=None, help="parallel search runs (default: params.yaml's executor)")
    parser.add_argument("--variant", action="append", default=[], help="NAME=STRATEGY:key=value,... (a search.variants entry)")
    parser.add_argument("--out", default=str(REPO / "reports" / "bench" / "search"))
    parser.add_argument("--metrics", default=str(REPO / "reports" / "bench" / "search.json"))
    parser.add_argument("--store", default=None, metavar="DIR",
                        help="keep each finished run in DIR and read back the runs stored there "
                             "(hytnas.search.runstore): a killed or extended benchmark runs only what it lacks")
    parser.add_argument("--nsga2-past", type=int, default=None, metavar="N",
                        help="also continue NSGA-II's runs to N evaluations, scored in the same frame, so that its "
                             "median evaluations to 95%% is measured where too few runs reach it within the budget")
    parser.add_argument("--extend", nargs="+", type=Path, default=None, metavar="FILE",
                        help="with --nsga2-past: continue the NSGA-II runs of written claim files, and stop")
    parser.add_argument("--rescore", nargs="+", type=Path, default=None, metavar="FILE",
                        help="recompute the ratios and claim of written claim files from their summaries, and stop")
    args = parser.parse_args()
    if args.rescore:
        for path in args.rescore:
            rescore(path)
        return

    configure_logging()
    if args.extend:
        if not args.nsga2_past:
            parser.error("--extend needs --nsga2-past N")
        try:
            for path in args.extend:
                extend(path, args.nsga2_past)
        except (ValueError, HytnasError) as error:
            parser.error(str(error))
        return
    if args.nsga2_past is not None and args.nsga2_past <= args.budget:
        parser.error(f"--nsga2-past {args.nsga2_past}: expected more than --budget, {args.budget}")
    if args.nsga2_past is not None and "nsga2" not in args.strategies:
        parser.error("--nsga2-past: nsga2 is not among --strategies")
    params = bench_params(vars(args))
    with tempfile.TemporaryDirectory() as tmp:
        paths = CompareSearchPaths(
            predictors=REPO / "models" / "predictors", models=Path(tmp) / "models", out=Path(args.out),
            metrics=Path(tmp) / "search.json", params_dir=REPO,
        )
        stage = run(params, paths, oracles=args.oracles, store=Path(args.store) if args.store else None)
        summary = stage.report
        if args.nsga2_past:
            continue_nsga2_runs(params, stage, args.nsga2_past)
    claim = {oracle: claim_block(entry) for oracle, entry in summary.items()}
    settings = {**vars(args), "cpu_model": cpu_model()}
    write_json(args.metrics, {"settings": settings, "claim": claim, "summary": summary})


def bench_params(settings: dict[str, Any]) -> Params:
    """params.yaml with the search section a claim run's ``settings`` (its options) give."""
    tree = load_params(REPO / "params.yaml").model_dump()
    tree["search"].update(
        strategies=settings["strategies"], seeds=settings["seeds"], budget=settings["budget"], initial=settings["initial"],
        released_dir=str(Path(settings["released_dir"]).resolve()) if settings.get("released_dir") else None,
    )
    if settings.get("warm_start"):
        tree["search"]["warm_start"] = True
    if settings.get("candidates"):
        tree["search"]["solver_candidates"] = settings["candidates"]
    if settings.get("workers"):
        tree["executor"]["workers"] = settings["workers"]
    if settings.get("first_seed") is not None:
        tree["seed"] = settings["first_seed"]
    tree["search"]["variants"].update(parse_variant(v) for v in settings.get("variant") or [])
    return parse_params(tree, source="params.yaml + bench options")


def extend(path: Path, budget: int) -> None:
    """Continue the NSGA-II runs of a written claim file to ``budget`` evaluations, in the
    frame of its ``frame.json``, and rewrite its ratios and claim blocks."""
    report = read_json(path, "a search claim file (bench/search_claim.py)")
    settings = report["settings"]
    params = bench_params(settings)
    frames = read_json(Path(settings["out"]) / "frame.json", "the frame of a search claim file")
    with tempfile.TemporaryDirectory() as tmp:
        for name, entry in report["summary"].items():
            if name == "pipeline":
                oracle = pipeline_oracle(params, REPO / "models" / "predictors")
            else:
                oracle = released_oracle(params, Path(params.search.released_dir), Path(tmp))
            frame = frames[name]
            continue_nsga2(params, oracle, Bounds.from_dict(frame["bounds"]), float(frame["reference_hv"]), entry, budget)
    report["claim"] = {oracle: claim_block(entry) for oracle, entry in report["summary"].items()}
    report["settings"]["nsga2_past"] = budget
    write_json(path, report)


def claim_block(entry: dict[str, Any], claim: float = 5.0) -> dict[str, Any]:
    """The claim block of one oracle's summary: the paper's figure and, per strategy, whether
    the claim holds for it (NSGA-II's evaluations to 95% over its, exact or a lower bound, at
    least ``claim``). The ratios themselves are in the summary's entries
    (:func:`hytnas.search.scoring.nsga2_ratios`)."""
    holds = {
        label: bool(stats[RATIO_KEY] is not None and stats[BOUND_KEY] in ("exact", "at least") and stats[RATIO_KEY] >= claim)
        for label, stats in entry.items()
        if isinstance(stats, dict) and RATIO_KEY in stats
    }
    return {"paper_claim": claim, "holds": holds}


def rescore(path: Path) -> None:
    """Rewrite the NSGA-II ratios and the claim block of a claim file from its summary with
    today's :func:`~hytnas.search.scoring.nsga2_ratios` (the runs are not repeated)."""
    report = read_json(path, "a search claim file (bench/search_claim.py)")
    for entry in report["summary"].values():
        add_nsga2_ratios(entry)
    report["claim"] = {oracle: claim_block(entry) for oracle, entry in report["summary"].items()}
    write_json(path, report)


if __name__ == "__main__":
    main()
