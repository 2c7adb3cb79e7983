"""Architectures per minute of ``proxy_train`` and ``measure_latency`` at the default profile.

Runs both stages' library calls with the params of ``params.yaml`` (executor included) on
the first ``--proxy-count`` / ``--latency-count`` architectures of the pipeline's tables,
into a scratch results store (nothing of the pipeline is touched), and extrapolates the
minutes each stage needs for its whole table. The load average is recorded before and after:
on a shared machine, rates scale with the share of the cores this run gets. Writes
``reports/bench/stage_rates.json``.

Usage::

    .venv/bin/python bench/stage_rates.py [--params params.yaml] [--archs-dir data/archs]
        [--data data/vww] [--proxy-count 8] [--latency-count 30]
        [--out reports/bench/stage_rates.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

from hytnas.config import load_params
from hytnas.io import write_csv, write_json
from hytnas.pipeline import measure_latency, proxy_train


def _subset(path: Path, count: int, out: Path) -> int:
    frame = pd.read_csv(path)
    write_csv(out, frame.head(count))
    return len(frame)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--archs-dir", default="data/archs", help="folder of accuracy.csv and latency.csv")
    parser.add_argument("--data", default="data/vww", help="prepared VWW folder")
    parser.add_argument("--proxy-count", type=int, default=8, help="architectures to proxy-train (default 8)")
    parser.add_argument("--latency-count", type=int, default=30, help="architectures to time (default 30)")
    parser.add_argument("--out", default="reports/bench/stage_rates.json", help="JSON output path")
    args = parser.parse_args(argv)

    params = load_params(args.params)
    archs = Path(args.archs_dir)
    report: dict[str, object] = {
        "cores": os.cpu_count(),
        "executor": params.executor.kind,
        "workers": params.executor.workers,
        "threads": params.executor.threads,
        "params_file": args.params,
        "load_average_before": round(os.getloadavg()[0], 2),
    }
    with tempfile.TemporaryDirectory(prefix="hytnas-rates-") as scratch:
        tmp = Path(scratch)
        total = _subset(archs / "accuracy.csv", args.proxy_count, tmp / "acc.csv")
        proxy_train.run(params, proxy_train.ProxyTrainPaths(archs=tmp / "acc.csv", data=Path(args.data), cache=tmp / "pc",
                                                            out=tmp / "p.csv", metrics=tmp / "p.json"))
        proxy = json.loads((tmp / "p.json").read_text())
        report.update(
            proxy_architectures=proxy["trained"],
            proxy_seconds=proxy["seconds"],
            proxy_archs_per_minute=proxy["archs_per_minute"],
            proxy_table_size=total,
            proxy_estimated_minutes=round(total / proxy["archs_per_minute"], 1),
            proxy_val_acc_spread=proxy.get("val_acc_spread"),
            proxy_images_per_second_median=proxy.get("images_per_second_median"),
            proxy_epochs=params.proxy.epochs,
            proxy_resolution=params.proxy.resolution,
            proxy_train_images=params.proxy.train_images,
        )
        report["load_average_middle"] = round(os.getloadavg()[0], 2)
        total = _subset(archs / "latency.csv", args.latency_count, tmp / "lat.csv")
        measure_latency.run(params, measure_latency.MeasureLatencyPaths(archs=tmp / "lat.csv", cache=tmp / "lc",
                                                                        out_dir=tmp / "l", metrics=tmp / "l.json"))
        latency = json.loads((tmp / "l.json").read_text())
        report.update(
            latency_architectures=latency["measured"],
            latency_seconds=latency["seconds"],
            latency_archs_per_minute=latency["archs_per_minute"],
            latency_table_size=total,
            latency_estimated_minutes=round(total / latency["archs_per_minute"], 1),
            latency_resolution=params.latency.resolution,
            latency_warmup=params.latency.warmup,
            latency_runs=params.latency.runs,
            latency_workers=params.latency.workers,
        )
    report["load_average_after"] = round(os.getloadavg()[0], 2)
    write_json(args.out, report)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
