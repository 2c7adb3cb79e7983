"""Speed of the data pipeline: scene generation, preparation, and the training batch loader.

Measures, in this process with one torch thread:

- ``synth``: generated scenes per second (render + JPEG encode + file write, one process);
- ``prepare``: images per second decoded and resized into arrays (one process);
- ``loader``: images per second of :func:`hytnas.data.loader.batches` at ``--resolution`` px,
  batch 64, from a memory-mapped array, with and without augmentation (best of ``--rounds``,
  since machine load only ever slows a round down).

Writes ``reports/bench/data_pipeline.json``. A training step of a tiny hybrid net runs at
about 200-1,100 images/s at 64 px on 2 cores, so the loader should stay well above that.

Usage::

    .venv/bin/python bench/data_pipeline.py [--images 400] [--resolution 64] [--rounds 3]
        [--out reports/bench/data_pipeline.json]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from hytnas.config import DataConfig, SyntheticConfig
from hytnas.data.loader import batches
from hytnas.data.prepare import prepare_vww
from hytnas.data.synth import generate
from hytnas.io import write_json


def loader_rate(x: np.ndarray, y: np.ndarray, *, augment: bool, rounds: int) -> float:
    """Best images per second over ``rounds`` full passes."""
    best = 0.0
    for r in range(rounds):
        start, seen = time.perf_counter(), 0
        for xb, _ in batches(x, y, 64, augment=augment, shuffle=augment, seed=r):
            seen += len(xb)
        best = max(best, seen / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=400, help="scenes to generate and prepare")
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--loader-images", type=int, default=4000, help="images in the loader's array")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="reports/bench/data_pipeline.json")
    args = parser.parse_args()
    torch.set_num_threads(1)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        generate(root / "raw", images=args.images, size=128, seed=0)
        synth_rate = args.images / (time.perf_counter() - start)
        cfg = DataConfig(synthetic=SyntheticConfig(images=args.images), resolution=args.resolution)
        start = time.perf_counter()
        prepare_vww(cfg, raw=root / "raw", out=root / "vww")
        prepare_rate = args.images / (time.perf_counter() - start)

        rng = np.random.default_rng(0)
        x = rng.integers(0, 256, (args.loader_images, args.resolution, args.resolution, 3), dtype=np.uint8)
        np.save(root / "x.npy", x)
        mapped = np.load(root / "x.npy", mmap_mode="r")
        y = rng.integers(0, 2, args.loader_images)
        plain = loader_rate(mapped, y, augment=False, rounds=args.rounds)
        augmented = loader_rate(mapped, y, augment=True, rounds=args.rounds)

    results = {
        "synth_images_per_second": round(synth_rate, 1),
        "prepare_images_per_second": round(prepare_rate, 1),
        "loader_images_per_second": round(plain, 0),
        "loader_augmented_images_per_second": round(augmented, 0),
        "resolution": args.resolution,
        "torch_threads": 1,
        "machine": platform.machine(),
        "python": platform.python_version(),
        "torch": torch.__version__,
    }
    write_json(args.out, results)
    for key, value in results.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
