"""Stage proxy_train: short training of every architecture of the accuracy set.

Writes the proxy accuracy table (arch_id, genome, params, MACs, val_acc, best_val_acc, ...,
status) and flat metrics; per-architecture results persist in the cache folder, so an
interrupted run resumes where it stopped and a changed param retrains only what it affects.
"""

from __future__ import annotations

import argparse

from hytnas.cli import run_stage
from hytnas.config import load_params
from hytnas.proxy import run_proxy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--archs", default="data/archs/accuracy.csv", help="architectures to train")
    parser.add_argument("--data", default="data/vww", help="prepared Visual Wake Words folder")
    parser.add_argument("--cache", default="data/proxy/cache", help="per-architecture results store")
    parser.add_argument("--out", default="data/proxy/accuracy.csv", help="proxy accuracy table")
    parser.add_argument("--metrics", default="reports/proxy.json", help="metrics JSON")
    args = parser.parse_args()

    params = load_params(args.params)
    run_proxy(params, args.archs, data_root=args.data, cache_dir=args.cache, out=args.out, metrics=args.metrics)


if __name__ == "__main__":
    run_stage(main)
