"""Wall time of 500-evaluation ``hytnas`` and ``gp-mobo`` runs on a cheap synthetic oracle.

The oracle is :func:`hytnas.search.synthetic.proxy_objective` over the ``table1`` space
(analytic, microseconds per genome), so the time measured is the strategies' own. Writes
``reports/bench/search_speed.json``: per strategy and thread count, wall time, time per
phase (surrogate fitting, acquisition solving, selection, objective), the process CPU time
(wall time alone misleads on a shared machine: compare with the load average recorded)
and the final hypervolume in the oracle's fixed frame.

Usage::

    .venv/bin/python bench/search_speed.py [--budget 500] [--strategies hytnas gp-mobo]
        [--n-jobs 1 2] [--seed 0] [--out reports/bench/search_speed.json]
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

from hytnas.search import bounds_from_sample, get_strategy, hv_curve
from hytnas.search.synthetic import proxy_problem
from hytnas.space import get_space


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=500, help="distinct evaluations per run (default 500)")
    parser.add_argument("--strategies", nargs="+", default=["hytnas", "gp-mobo"], help="strategies to time")
    parser.add_argument("--n-jobs", nargs="+", type=int, default=[2], help="thread counts to try (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    parser.add_argument("--initial", type=int, default=50, help="initial design size (default 50)")
    parser.add_argument("--batch", type=int, default=10, help="evaluations per iteration (default 10)")
    parser.add_argument("--out", default="reports/bench/search_speed.json", help="JSON output path")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)  # this process is the worker: one torch thread (GP surrogates)
    space = get_space("table1")
    problem = proxy_problem(space, seed=0)
    bounds = bounds_from_sample(problem.evaluate, space, n=20_000, seed=0)
    runs = []
    for name in args.strategies:
        for n_jobs in args.n_jobs:
            strategy = get_strategy(name, initial=args.initial, batch=args.batch, n_jobs=n_jobs)
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            history = strategy.run(problem, args.budget, seed=args.seed)
            wall = time.perf_counter() - start
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
            curve = hv_curve(history, bounds)
            row = {
                "strategy": name,
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
    report = {
        "oracle": "hytnas.search.synthetic.proxy_objective(table1, seed=0)",
        "space": "table1",
        "seed": args.seed,
        "initial": args.initial,
        "batch": args.batch,
        "machine": {
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "load_average_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
            "python": platform.python_version(),
        },
        "runs": runs,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    tmp.replace(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
