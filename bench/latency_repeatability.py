"""Repeatability of the latency protocol: five architectures measured three times.

The same five architectures (the first of ``data/archs/latency.csv`` if present, else five
sampled from ``table1``) are timed under the protocol of ``params.yaml``'s ``latency``
section, in rounds (each round times all five in turn) run as separate worker processes.
Per architecture the relative spread is ``(max - min) / median`` of its three medians.
Writes ``reports/bench/latency_repeatability.json``: the latencies per round, the median
relative spread (target under 3%), the same for the 10th percentile, Kendall's tau between each pair of rounds, the mean
coefficient of variation within a measurement, and seconds per measurement.

With ``--concurrent 2`` each round times the five architectures two at a time (as
``latency.workers: 2`` would), to see what concurrency costs in repeatability.

Usage::

    .venv/bin/python bench/latency_repeatability.py [--params params.yaml]
        [--archs data/archs/latency.csv] [--count 5] [--rounds 3] [--concurrent 1]
        [--out reports/bench/latency_repeatability.json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from hytnas.config import load_params
from hytnas.executor import LocalExecutor, Task
from hytnas.io import write_json
from hytnas.latency.fingerprint import fingerprint
from hytnas.latency.local import LocalPayload, local_latency_task
from hytnas.latency.protocol import LatencyProtocol
from hytnas.space import get_space
from hytnas.train import arch_seed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--archs", default="data/archs/latency.csv", help="architectures (first --count used)")
    parser.add_argument("--count", type=int, default=5, help="architectures (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each (default 3)")
    parser.add_argument("--concurrent", type=int, default=1, help="measurements at a time (default 1)")
    parser.add_argument("--out", default="reports/bench/latency_repeatability.json", help="JSON output path")
    args = parser.parse_args(argv)

    params = load_params(args.params)
    protocol = LatencyProtocol.from_config(params.latency)
    space = get_space(params.sample.space)
    if Path(args.archs).is_file():
        ids = list(pd.read_csv(args.archs)["arch_id"][: args.count])
    else:
        ids = [space.arch_id(g) for g in space.sample(args.count, seed=(params.seed, 99))]
    latencies = np.zeros((args.rounds, len(ids)))
    p10 = np.zeros((args.rounds, len(ids)))
    cvs, seconds = [], []
    for r in range(args.rounds):
        tasks = [Task(a, LocalPayload(space.name, a, protocol, arch_seed(params.seed, a, "latency"))) for a in ids]
        start = time.perf_counter()
        with LocalExecutor(args.concurrent, protocol.threads, quiet=True) as executor:
            for task, out in executor.map_unordered(local_latency_task, tasks):
                if out["status"] != "ok":
                    raise SystemExit(f"{task.name}: {out['status']}: {out['message']}")
                latencies[r, ids.index(task.name)] = out["result"]["latency_ms"]
                p10[r, ids.index(task.name)] = out["result"]["latency_p10_ms"]
                cvs.append(out["result"]["latency_cv"])
        seconds.append(time.perf_counter() - start)
        print(f"round {r + 1}: " + " ".join(f"{v:.1f}" for v in latencies[r]) + " ms", file=sys.stderr)
    median = np.median(latencies, axis=0)
    spread = (latencies.max(axis=0) - latencies.min(axis=0)) / median
    spread_p10 = (p10.max(axis=0) - p10.min(axis=0)) / np.median(p10, axis=0)
    taus = [float(kendalltau(latencies[a], latencies[b]).statistic) for a, b in itertools.combinations(range(args.rounds), 2)]
    fp = fingerprint(protocol.threads)
    report = {
        "architectures": ids,
        "protocol": protocol.describe(),
        "resolution": protocol.resolution,
        "threads": protocol.threads,
        "warmup": protocol.warmup,
        "runs": protocol.runs,
        "concurrent": args.concurrent,
        "latency_ms": [[round(v, 3) for v in row] for row in latencies],
        "relative_spread": [round(float(s), 4) for s in spread],
        "relative_spread_median": round(float(np.median(spread)), 4),
        "target_spread": 0.03,
        "meets_target": bool(np.median(spread) < 0.03),
        "p10_relative_spread_median": round(float(np.median(spread_p10)), 4),
        "load_average": round(os.getloadavg()[0], 2),
        "kendall_tau_pairs": [round(t, 3) for t in taus],
        "kendall_tau_mean": round(statistics.mean(taus), 3),
        "cv_within_median": round(float(np.median(cvs)), 4),
        "seconds_per_measurement": round(statistics.mean(seconds) / len(ids), 3),  # worker start-up included
        "cpu_model": fp["cpu_model"],
        "governor": fp["governor"],
        "torch": fp["torch"],
    }
    write_json(args.out, report)
    print(json.dumps({k: report[k] for k in ("relative_spread_median", "kendall_tau_mean", "seconds_per_measurement")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
