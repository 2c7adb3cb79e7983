"""Stage synth_data: generated COCO-format scenes, the offline default input of prepare_data.

Writes ``images/*.jpg`` and ``annotations/instances_{train,val}.json`` into ``--out``; the
train/val rule (global ``seed``, ``data.val_fraction``) is the one prepare_data applies, so
the detection split and the VWW split agree.
"""

from __future__ import annotations

import argparse
import time

from hytnas.cli import run_stage
from hytnas.config import load_params
from hytnas.data.commands import default_workers
from hytnas.data.synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--out", default="data/raw/synthetic")
    parser.add_argument("--workers", type=int, default=default_workers(), help="processes (output does not depend on it)")
    args = parser.parse_args()

    params = load_params(args.params)
    cfg = params.data
    start = time.perf_counter()
    summary = generate(
        args.out,
        images=cfg.synthetic.images,
        size=cfg.synthetic.image_size,
        seed=cfg.synthetic.seed,
        val_fraction=cfg.val_fraction,
        split_seed=params.seed,
        workers=args.workers,
        person_height=cfg.synthetic.person_height,
    )
    print(
        f"synth_data: {summary.images} scenes of {cfg.synthetic.image_size} px "
        f"({summary.train_images} train, {summary.val_images} val) -> {args.out} "
        f"in {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    run_stage(main)
