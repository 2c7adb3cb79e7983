"""Repeatability of the latency protocol: five architectures measured three times.

The same five architectures (the first of ``data/archs/latency.csv`` if present, else five
sampled from ``table1``) are timed under the protocol of ``params.yaml``'s ``latency``
section, in rounds (each round times all five in turn) run as separate worker processes.
Per architecture the relative spread is ``(max - min) / median`` of its three medians.
Writes ``reports/bench/latency_repeatability.json``: the latencies per round, the median
relative spread (target under 3%), the same for the 10th percentile, Kendall's tau between each pair of rounds (of the medians;
its mean also of the 10th percentiles, a candidate statistic less hit by slow runs), the mean
coefficient of variation within a measurement, and seconds per measurement.

Each round also times a fixed calibration network (two plain convolutions, the same every
time) under the same protocol: its spread is the machine's own noise floor, against which
the architectures' spread is judged (``spread_ratio_to_calibration``; near 1 means the
protocol adds nothing to what the machine does).

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
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from hytnas.config import load_params
from hytnas.runs import Task, outcome
from hytnas.runs.local import LocalExecutor
from hytnas.io import write_json
from hytnas.runs.fingerprint import fingerprint
from hytnas.latency.backend import SpaceArch
from hytnas.latency.local import NetworkPayload, network_latency_task
from hytnas.latency.protocol import LatencyProtocol, time_model
from hytnas.space import get_space
from hytnas.seeds import arch_seed


CALIBRATION = "calibration"


def calibration_task(payload: NetworkPayload) -> dict[str, Any]:
    """Time the fixed calibration network (3 -> 32 -> 32 channels, 3 x 3, stride 2 then 1)."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 32, 3, 1, 1), nn.ReLU())
    return outcome("ok", result=time_model(model, payload.protocol, seed=0).to_result())


def _task_fn(payload: NetworkPayload) -> dict[str, Any]:
    return calibration_task(payload) if payload.network.arch_id == CALIBRATION else network_latency_task(payload)


def round_pair_taus(values: np.ndarray) -> list[float]:
    """Kendall's tau between every pair of rounds of a ``rounds x architectures`` array."""
    pairs = itertools.combinations(range(len(values)), 2)
    return [float(kendalltau(values[a], values[b]).statistic) for a, b in pairs]


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
    names = [*ids, CALIBRATION]
    latencies = np.zeros((args.rounds, len(names)))
    p10 = np.zeros((args.rounds, len(names)))
    cvs, seconds = [], []
    for r in range(args.rounds):
        tasks = [Task(a, NetworkPayload(SpaceArch(space.name, a), protocol, arch_seed(params.seed, a, "latency"))) for a in names]
        start = time.perf_counter()
        with LocalExecutor(args.concurrent, protocol.threads, quiet=True) as executor:
            for task, out in executor.map_unordered(_task_fn, tasks):
                if out["status"] != "ok":
                    raise SystemExit(f"{task.name}: {out['status']}: {out['message']}")
                latencies[r, names.index(task.name)] = out["result"]["latency_ms"]
                p10[r, names.index(task.name)] = out["result"]["latency_p10_ms"]
                if task.name != CALIBRATION:
                    cvs.append(out["result"]["latency_cv"])
        seconds.append(time.perf_counter() - start)
        print(f"round {r + 1}: " + " ".join(f"{v:.1f}" for v in latencies[r]) + " ms", file=sys.stderr)
    calibration = latencies[:, -1]
    calibration_spread = float((calibration.max() - calibration.min()) / np.median(calibration))
    latencies, p10 = latencies[:, :-1], p10[:, :-1]
    median = np.median(latencies, axis=0)
    spread = (latencies.max(axis=0) - latencies.min(axis=0)) / median
    spread_p10 = (p10.max(axis=0) - p10.min(axis=0)) / np.median(p10, axis=0)
    taus, taus_p10 = round_pair_taus(latencies), round_pair_taus(p10)
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
        "calibration_latency_ms": [round(float(v), 3) for v in calibration],
        "calibration_relative_spread": round(calibration_spread, 4),
        "spread_ratio_to_calibration": round(float(np.median(spread)) / max(calibration_spread, 1e-9), 3),
        "load_average": round(os.getloadavg()[0], 2),
        "kendall_tau_pairs": [round(t, 3) for t in taus],
        "kendall_tau_mean": round(statistics.mean(taus), 3),
        "p10_kendall_tau_mean": round(statistics.mean(taus_p10), 3),
        "cv_within_median": round(float(np.median(cvs)), 4),
        "seconds_per_measurement": round(statistics.mean(seconds) / len(names), 3),  # worker start-up included
        "cpu_model": fp["cpu_model"],
        "governor": fp["governor"],
        "torch": fp["torch"],
    }
    write_json(args.out, report)
    keys = ("relative_spread_median", "calibration_relative_spread", "kendall_tau_mean", "p10_kendall_tau_mean", "seconds_per_measurement")
    print(json.dumps({k: report[k] for k in keys}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
