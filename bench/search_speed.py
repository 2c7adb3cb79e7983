"""Wall time of 1,000-evaluation search runs, each strategy as params.yaml configures it.

Each ``--strategies`` entry is a registered strategy or a name of ``search.variants``,
resolved as the ``compare_search`` stage resolves it (the shared ``search`` keys it accepts,
then the variant's options; ``--initial`` and ``--batch`` override both when given). The
oracle is :func:`hytnas.search.synthetic.proxy_objective` over the ``table1`` space
(analytic, microseconds per genome), so the time measured is the strategies' own. Writes
``reports/bench/search_speed.json``: per strategy and thread count, wall time, time per
phase (surrogate fitting, acquisition solving, selection, objective), the process CPU time
(wall time alone misleads on a shared machine: compare with the load average recorded),
the final hypervolume in the oracle's fixed frame, and each run's time over NSGA-II's when
NSGA-II is among them.

Usage::

    .venv/bin/python bench/search_speed.py [--budget 1000] [--strategies nsga2 hytnas gp-warm]
        [--n-jobs 1 2] [--seed 0] [--params params.yaml] [--out reports/bench/search_speed.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import torch

from hytnas.config import load_params
from hytnas.io import write_json
from hytnas.runs.fingerprint import cpu_model
from hytnas.search import bounds_from_sample, get_strategy, hv_curve
from hytnas.search.strategies import resolve_entry, strategy_options
from hytnas.search.synthetic import proxy_problem
from hytnas.space import get_space

DEFAULT_STRATEGIES = ["nsga2", "random", "hytnas", "hytnas-released", "gp-mobo", "gp-warm", "gp-ts"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=1000, help="distinct evaluations per run (default 1000)")
    parser.add_argument("--strategies", nargs="+", default=DEFAULT_STRATEGIES, help="strategies or search.variants names to time")
    parser.add_argument("--n-jobs", nargs="+", type=int, default=[2], help="thread counts to try (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    parser.add_argument("--params", default="params.yaml", help="params file whose search section configures them")
    parser.add_argument("--initial", type=int, default=None, help="initial design size of every BO strategy (default: the params')")
    parser.add_argument("--batch", type=int, default=None, help="evaluations per iteration of every BO strategy (default: the params')")
    parser.add_argument("--out", default="reports/bench/search_speed.json", help="JSON output path")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)  # this process is the worker: one torch thread (GP surrogates)
    space = get_space("table1")
    problem = proxy_problem(space, seed=0)
    bounds = bounds_from_sample(problem.evaluate, space, n=20_000, seed=0)
    search = load_params(Path(args.params)).search.model_dump()
    runs = []
    for name in args.strategies:
        base, options = resolve_entry(name, search)
        overrides = {key: value for key, value in (("initial", args.initial), ("batch", args.batch)) if value is not None}
        for n_jobs in args.n_jobs:
            options.update(strategy_options(base, {**overrides, "n_jobs": n_jobs}))  # the ones it accepts
            strategy = get_strategy(base, **options)
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            history = strategy.run(problem, args.budget, seed=args.seed)
            wall = time.perf_counter() - start
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
            curve = hv_curve(history, bounds)
            row = {
                "strategy": name,
                "base": base,
                "options": {k: v for k, v in strategy.options.items() if k != "n_jobs"},
                "n_jobs": n_jobs,
                "budget": args.budget,
                "evaluations": history.n_evals,
                "wall_time_s": round(wall, 2),
                "cpu_time_s": round(cpu, 2),
                "load_average_1m_after": round(os.getloadavg()[0], 2),
                "timings_s": {k: round(v, 2) for k, v in history.timings.items()},
                "final_hv": round(float(curve[-1]), 4),
            }
            runs.append(row)
            print(json.dumps(row), flush=True)
    nsga2 = next((r["wall_time_s"] for r in runs if r["base"] == "nsga2"), None)
    for row in runs:
        row["time_over_nsga2"] = round(row["wall_time_s"] / nsga2, 1) if nsga2 else None
    report = {
        "oracle": "hytnas.search.synthetic.proxy_objective(table1, seed=0)",
        "space": "table1",
        "seed": args.seed,
        "budget": args.budget,
        "params": str(args.params),
        "machine": {
            "cpu_model": cpu_model(),
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
            "python": platform.python_version(),
        },
        "runs": runs,
    }
    out = Path(args.out)
    write_json(out, report)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
