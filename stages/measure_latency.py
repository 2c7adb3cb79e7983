"""Stage measure_latency: time every architecture of the latency set (or import a table).

Writes ``<out-dir>/<latency.device>.csv`` (arch_id, genome, params, MACs, latency_ms with
p10/p90/mean/CV, status, source with the device fingerprint and protocol) and flat metrics;
per-architecture results persist in the cache folder, so an interrupted run resumes.
"""

from __future__ import annotations

import argparse

from hytnas.cli import run_stage
from hytnas.config import load_params
from hytnas.latency.stage import measure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--archs", default="data/archs/latency.csv", help="architectures to time")
    parser.add_argument("--cache", default="data/latency/cache", help="per-architecture results store")
    parser.add_argument("--out-dir", default="data/latency", help="folder of <device>.csv tables")
    parser.add_argument("--metrics", default="reports/latency.json", help="metrics JSON")
    args = parser.parse_args()

    params = load_params(args.params)
    measure(params, args.archs, cache_dir=args.cache, out_dir=args.out_dir, metrics=args.metrics)


if __name__ == "__main__":
    run_stage(main)
