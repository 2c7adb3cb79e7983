"""Stage prepare_data: Visual Wake Words labels and arrays from COCO-format data.

Reads the generated scenes (``--raw``, ``data.source: synthetic``) or COCO 2014 at
``data.coco_root`` (``data.source: coco``), labels every image with the ``data.variant`` rule,
splits train/val, and writes ``labels.csv`` and ``images_<res>.npy`` into ``--out`` and the
counts (per split and class, skipped images and why) into ``--reports``.
"""

from __future__ import annotations

import argparse
import time

from hytnas.cli import run_stage
from hytnas.config import load_params
from hytnas.data.commands import default_workers
from hytnas.data.prepare import prepare_vww
from hytnas.io import write_json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--raw", default="data/raw/synthetic", help="generated scenes (data.source: synthetic)")
    parser.add_argument("--out", default="data/vww")
    parser.add_argument("--reports", default="reports/data.json")
    parser.add_argument("--workers", type=int, default=default_workers(), help="processes (output does not depend on it)")
    args = parser.parse_args()

    params = load_params(args.params)
    start = time.perf_counter()
    metrics = prepare_vww(params.data, raw=args.raw, out=args.out, seed=params.seed, workers=args.workers)
    write_json(args.reports, metrics)
    print(
        f"prepare_data: {metrics['train_images']} train + {metrics['val_images']} val images "
        f"({metrics['positive_ratio']:.1%} positive, {metrics['skipped']} skipped) -> {args.out} "
        f"in {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    run_stage(main)
