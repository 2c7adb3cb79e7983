"""Repeatability of the latency protocol: five architectures measured three times.

The same five architectures (the first of ``data/archs/latency.csv`` if present, else five
sampled from ``table1``) are timed under the protocol of ``params.yaml``'s ``latency``
section, in rounds (each round times all five in turn) run as separate worker processes.
Per architecture the relative spread is ``(max - min) / median`` of its three medians.
Writes ``reports/bench/latency_repeatability.json``: the latencies per round, the median
relative spread (target under 3%), the same for the 10th percentile, Kendall's tau between each pair of rounds (of the medians;
its mean also of the 10th percentiles, a candidate statistic less hit by slow runs), the mean
coefficient of variation within a measurement, and seconds per measurement.

The protocol calibrates (``latency.calibrate``): the fixed calibration network
(:class:`hytnas.latency.networks.CalibrationNetwork`) is timed right before each architecture.
Its spread over all measurements is the machine's own noise floor
(``spread_ratio_to_calibration``; near 1 means the protocol adds nothing to what the machine
does); the spread of each architecture's latency relative to its calibration
(``calibrated_spread_median``) says whether the relative figure cancels the drift; and the
pipeline's re-timing rule (``latency.retime_tolerance``, ``--retime-tolerance``) applied to each
round gives ``retimed_spread_median``.

An architecture-sized calibration is measured beside it: the space's middle architecture (every
gene its middle choice; ``--calibration-arch`` for another) timed as its own measurement right
before each architecture, and each latency taken relative to it (``arch_calibrated_*``), to see
whether a calibration of the architectures' size and operations cancels more of the drift than
the two-convolution network does (meaningful with ``--concurrent 1``, where the two run in turn).

With ``--concurrent 2`` each round times the five architectures two at a time (as
``latency.workers: 2`` would), to see what concurrency costs in repeatability.

Usage::

    .venv/bin/python bench/latency_repeatability.py [--params params.yaml]
        [--archs data/archs/latency.csv] [--count 5] [--rounds 3] [--concurrent 1] [--calibration-arch ARCH_ID]
        [--out reports/bench/latency_repeatability.json]
"""

from __future__ import annotations

import argparse
import dataclasses
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
from hytnas.runs import Task
from hytnas.runs.store import Record
from hytnas.runs.local import LocalExecutor
from hytnas.io import write_json
from hytnas.runs.fingerprint import fingerprint
from hytnas.latency.backend import SpaceArch
from hytnas.latency.local import NetworkPayload, network_latency_task
from hytnas.latency.protocol import LatencyProtocol
from hytnas.latency.timing import drifted
from hytnas.space import get_space
from hytnas.seeds import arch_seed


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
    parser.add_argument("--retime-tolerance", type=float, default=0.05, help="re-timing rule's tolerance (default 0.05)")
    parser.add_argument("--calibration-arch", default=None, help="arch_id timed before each architecture (default: the space's middle one)")
    parser.add_argument("--out", default="reports/bench/latency_repeatability.json", help="JSON output path")
    args = parser.parse_args(argv)

    params = load_params(args.params)
    protocol = LatencyProtocol.from_config(params.latency)
    space = get_space(params.sample.space)
    if Path(args.archs).is_file():
        ids = list(pd.read_csv(args.archs)["arch_id"][: args.count])
    else:
        ids = [space.arch_id(g) for g in space.sample(args.count, seed=(params.seed, 99))]
    protocol = dataclasses.replace(protocol, calibrate=True)
    middle = args.calibration_arch or space.arch_id((space.cardinalities - 1) // 2)
    arch_calibration = np.zeros((args.rounds, len(ids)))
    tolerance = args.retime_tolerance
    latencies = np.zeros((args.rounds, len(ids)))
    relative = np.zeros((args.rounds, len(ids)))
    calibration = np.zeros((args.rounds, len(ids)))
    p10 = np.zeros((args.rounds, len(ids)))
    retimed_latency = np.zeros((args.rounds, len(ids)))
    cvs, seconds, retimed = [], [], 0

    def measure(names: list[str], calibrated: bool = False) -> dict[str, dict[str, Any]]:
        """Time ``names`` in order (with ``calibrated``, each after the middle architecture, as
        ``cal:<arch_id>``)."""
        tasks = []
        for a in names:
            if calibrated:
                tasks.append(Task(f"cal:{a}", NetworkPayload(SpaceArch(space.name, middle), protocol, arch_seed(params.seed, middle, "latency"))))
            tasks.append(Task(a, NetworkPayload(SpaceArch(space.name, a), protocol, arch_seed(params.seed, a, "latency"))))
        with LocalExecutor(args.concurrent, protocol.threads, quiet=True) as executor:
            results = {}
            for task, out in executor.map_unordered(network_latency_task, tasks):
                if out["status"] != "ok":
                    raise SystemExit(f"{task.name}: {out['status']}: {out['message']}")
                results[task.name] = out["result"]
        return results

    for r in range(args.rounds):
        start = time.perf_counter()
        results = measure(ids, calibrated=True)
        seconds.append(time.perf_counter() - start)
        for k, a in enumerate(ids):
            arch_calibration[r, k] = results[f"cal:{a}"]["latency_ms"]
            latencies[r, k], p10[r, k] = results[a]["latency_ms"], results[a]["latency_p10_ms"]
            relative[r, k], calibration[r, k] = results[a]["latency_relative"], results[a]["calibration_ms"]
            cvs.append(results[a]["latency_cv"])
        # The pipeline's re-timing rule (latency.retime_tolerance) applied to this round.
        records = [Record(a, a, {}, "ok", "", results[a], {}) for a in ids]
        again = drifted(records, tolerance)
        retimed += len(again)
        redo = measure(sorted(again)) if again else {}
        retimed_latency[r] = [redo.get(a, results[a])["latency_ms"] for a in ids]
        print(f"round {r + 1}: " + " ".join(f"{v:.1f}" for v in latencies[r]) + f" ms, re-timed {len(again)}", file=sys.stderr)

    def spread(values: np.ndarray) -> np.ndarray:
        return (values.max(axis=0) - values.min(axis=0)) / np.median(values, axis=0)

    absolute, rel, after = spread(latencies), spread(relative), spread(retimed_latency)
    arch_relative = latencies / arch_calibration
    arch_rel = spread(arch_relative)
    spread_p10 = spread(p10)
    flat_calibration = calibration.ravel()
    calibration_spread = float((flat_calibration.max() - flat_calibration.min()) / np.median(flat_calibration))
    taus, taus_p10, taus_rel = round_pair_taus(latencies), round_pair_taus(p10), round_pair_taus(relative)
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
        "relative_spread": [round(float(s), 4) for s in absolute],
        "relative_spread_median": round(float(np.median(absolute)), 4),
        "target_spread": 0.03,
        "meets_target": bool(np.median(absolute) < 0.03),
        "p10_relative_spread_median": round(float(np.median(spread_p10)), 4),
        "latency_relative": [[round(v, 4) for v in row] for row in relative],
        "calibrated_spread_median": round(float(np.median(rel)), 4),
        "calibrated_meets_target": bool(np.median(rel) < 0.03),
        "calibrated_kendall_tau_mean": round(statistics.mean(taus_rel), 3),
        "arch_calibration": middle,
        "arch_calibration_latency_ms": [[round(float(v), 3) for v in row] for row in arch_calibration],
        "arch_calibrated_spread": [round(float(s), 4) for s in arch_rel],
        "arch_calibrated_spread_median": round(float(np.median(arch_rel)), 4),
        "arch_calibrated_meets_target": bool(np.median(arch_rel) < 0.03),
        "arch_calibrated_kendall_tau_mean": round(statistics.mean(round_pair_taus(arch_relative)), 3),
        "retime_tolerance": tolerance,
        "retimed_measurements": retimed,
        "retimed_spread_median": round(float(np.median(after)), 4),
        "calibration_latency_ms": [[round(float(v), 3) for v in row] for row in calibration],
        "calibration_relative_spread": round(calibration_spread, 4),
        "spread_ratio_to_calibration": round(float(np.median(absolute)) / max(calibration_spread, 1e-9), 3),
        "load_average": round(os.getloadavg()[0], 2),
        "kendall_tau_pairs": [round(t, 3) for t in taus],
        "kendall_tau_mean": round(statistics.mean(taus), 3),
        "p10_kendall_tau_mean": round(statistics.mean(taus_p10), 3),
        "cv_within_median": round(float(np.median(cvs)), 4),
        "seconds_per_measurement": round(statistics.mean(seconds) / len(ids), 3),  # worker start-up and both calibrations included
        "cpu_model": fp["cpu_model"],
        "governor": fp["governor"],
        "torch": fp["torch"],
    }
    write_json(args.out, report)
    keys = ("relative_spread_median", "calibrated_spread_median", "arch_calibrated_spread_median", "retimed_spread_median", "retimed_measurements",
            "calibration_relative_spread", "kendall_tau_mean", "calibrated_kendall_tau_mean", "seconds_per_measurement")
    print(json.dumps({k: report[k] for k in keys}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
