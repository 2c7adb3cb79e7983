"""``hytnas data ...`` sub-commands: generate scenes, label COCO files, prepare VWW arrays."""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def default_workers() -> int:
    """Worker processes for data jobs: at most 2 (the machines this runs on are small)."""
    return max(1, min(2, os.cpu_count() or 1))


def add_commands(sub: argparse._SubParsersAction) -> None:
    data = sub.add_parser("data", help="Visual Wake Words data: generated scenes, COCO -> VWW, arrays")
    data_sub = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)

    synth = data_sub.add_parser("synth", help="generate COCO-format scenes (images/ + annotations/instances_*.json)")
    synth.add_argument("out", help="output folder, e.g. data/raw/synthetic (replaced)")
    synth.add_argument("--images", type=int, default=4000, help="number of scenes (default 4000)")
    synth.add_argument("--size", type=int, default=128, help="image side in pixels (default 128)")
    synth.add_argument("--seed", type=int, default=0, help="scene seed (default 0)")
    synth.add_argument("--val-fraction", type=float, default=0.2, help="share of image ids in instances_val.json (default 0.2)")
    synth.add_argument("--split-seed", type=int, default=0, help="seed of the train/val rule (default 0)")
    synth.add_argument("--workers", type=int, default=default_workers(), help="processes (default up to 2)")
    synth.add_argument("--person-height", type=float, nargs=2, default=None, metavar=("LOWEST", "HIGHEST"),
                       help="standing person heights, fractions of the side (default: the generator's, 0.05 0.9)")
    synth.set_defaults(func=_synth)

    labels = data_sub.add_parser("labels", help="VWW labels of COCO instances file(s) as CSV")
    labels.add_argument("instances", nargs="+", help="COCO instances JSON file(s)")
    labels.add_argument("--variant", choices=["pyvww", "mlperf-tiny"], default="pyvww", help="labelling rule (default pyvww)")
    labels.add_argument("--threshold", type=float, default=None, help="person area fraction (default: the variant's)")
    labels.add_argument("--area-source", choices=["segmentation", "bbox"], default=None, help="default: the variant's")
    labels.add_argument("--val-ids", default=None, help="file of validation image ids, one per line (e.g. minival)")
    labels.add_argument("--val-fraction", type=float, default=0.2, help="seeded validation share without --val-ids")
    labels.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    labels.add_argument("--out", default=None, help="CSV file to write (default: print counts only)")
    labels.set_defaults(func=_labels)

    prepare = data_sub.add_parser("prepare", help="labels.csv and images_<res>.npy from params.yaml's data section")
    prepare.add_argument("--params", default="params.yaml", help="params file (default params.yaml)")
    prepare.add_argument("--raw", default="data/raw/synthetic", help="generated scenes (data.source: synthetic)")
    prepare.add_argument("--out", default="data/vww", help="output folder (default data/vww)")
    prepare.add_argument("--reports", default=None, help="metrics JSON to write (default: print)")
    prepare.add_argument("--workers", type=int, default=default_workers(), help="decoding processes (default up to 2)")
    prepare.set_defaults(func=_prepare)


def _synth(args: argparse.Namespace) -> None:
    from hytnas.data.synth import PERSON_HEIGHT, generate
    from hytnas.runs.local import local_pool

    start = time.perf_counter()
    with local_pool(args.workers) as executor:
        summary = generate(
            args.out, images=args.images, size=args.size, seed=args.seed,
            val_fraction=args.val_fraction, split_seed=args.split_seed, executor=executor,
            person_height=args.person_height or PERSON_HEIGHT,
        )
    print(
        f"synth: {summary.images} scenes ({summary.train_images} train, {summary.val_images} val) "
        f"-> {args.out} in {time.perf_counter() - start:.1f} s"
    )
    print("annotations: " + ", ".join(f"{name} {count}" for name, count in summary.annotations_per_category.items()))


def _labels(args: argparse.Namespace) -> None:
    from hytnas.data.coco import CocoSource
    from hytnas.data.vww import VWWRule, build_vww, read_id_list, summarise
    from hytnas.io import write_csv

    rule = VWWRule.of(args.variant, args.threshold, args.area_source)
    sources = [CocoSource(Path(p), Path(p).parent, "") for p in args.instances]
    val_ids = read_id_list(args.val_ids) if args.val_ids else None
    table, stats = build_vww(sources, rule, val_ids=val_ids, val_fraction=args.val_fraction, seed=args.seed)
    summary = summarise(table)
    summary["skipped_small_persons"] = stats.dropped_small_persons
    summary["persons_below_threshold"] = stats.persons_below_threshold
    if args.out:
        write_csv(args.out, table)
    print(json.dumps(summary, indent=2))


def _prepare(args: argparse.Namespace) -> None:
    from hytnas.config import load_params
    from hytnas.data.prepare import prepare_vww
    from hytnas.runs.local import local_pool
    from hytnas.io import write_json

    params = load_params(args.params)
    with local_pool(args.workers) as executor:
        metrics = prepare_vww(params.data, raw=args.raw, out=args.out, seed=params.seed, executor=executor)
    if args.reports:
        write_json(args.reports, metrics)
    print(json.dumps(metrics, indent=2))
