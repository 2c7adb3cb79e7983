"""Overhead of :func:`hytnas.training.loop.train` against a bare PyTorch loop on the same model and data.

Both loops consume the same pre-built ``channels_last`` batches (so the data loader is not
measured), train the same architecture from the same initial weights with AdamW and label
smoothing, in this process, with one torch thread. Rounds alternate bare, hytnas, bare,
hytnas, ... so that machine load drifts affect both alike; the first epoch of each run is a
warm-up and is not timed. Writes ``reports/bench/train_loop.json`` with the images per
second of each loop per round, their medians and the median per-round ratio
(hytnas / bare; target >= 0.9).

Usage::

    .venv/bin/python bench/train_loop.py [--resolution 64] [--images 512] [--epochs 3]
        [--rounds 3] [--arch ARCH_ID] [--out reports/bench/train_loop.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import torch

from hytnas.io import write_json
from hytnas.runs.fingerprint import fingerprint
from hytnas.nn import build_model
from hytnas.space import get_space
from hytnas.training import Recipe
from hytnas.training.loop import train

# A mid-sized table1 architecture (about 170 M MACs at 224 px).
DEFAULT_ARCH = "b2e2c16-b2e2c24-e2m1.5h2f1.5-e2m1.5h2f1.5-e2m1.5h2f1.5"


def make_batches(n: int, batch: int, resolution: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(0)
    out = []
    for start in range(0, n, batch):
        b = min(batch, n - start)
        x = torch.randn(b, 3, resolution, resolution, generator=g).contiguous(memory_format=torch.channels_last)
        out.append((x, torch.randint(0, 2, (b,), generator=g)))
    return out


def bare_loop(model: torch.nn.Module, batches: list, epochs: int, recipe: Recipe) -> float:
    """Images per second of epochs 2.. of the plainest loop: forward, loss, backward, step."""
    model.train().to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    criterion = torch.nn.CrossEntropyLoss(label_smoothing=recipe.label_smoothing)
    timed, images = 0.0, 0
    for epoch in range(epochs):
        start = time.perf_counter()
        for x, y in batches:
            loss = criterion(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if epoch:
                images += int(y.shape[0])
        if epoch:
            timed += time.perf_counter() - start
    return images / timed


def hytnas_loop(model: torch.nn.Module, batches: list, epochs: int, recipe: Recipe) -> float:
    """Images per second of epochs 2.. of :func:`hytnas.training.loop.train` (evaluation excluded)."""
    result = train(model, lambda e: batches, lambda: batches[:1], recipe, steps_per_epoch=len(batches), seed=0)
    later = result.history[1:]
    return sum(h.images for h in later) / sum(h.seconds for h in later)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", type=int, default=64, help="image side, px (default 64)")
    parser.add_argument("--images", type=int, default=512, help="images per epoch (default 512)")
    parser.add_argument("--batch", type=int, default=64, help="batch size (default 64)")
    parser.add_argument("--epochs", type=int, default=3, help="epochs per run, the first untimed (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="bare/hytnas pairs (default 3)")
    parser.add_argument("--arch", default=DEFAULT_ARCH, help="table1 arch_id to train")
    parser.add_argument("--out", default="reports/bench/train_loop.json", help="JSON output path")
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    space = get_space("table1")
    spec = space.to_spec(space.parse_arch_id(args.arch))
    batches = make_batches(args.images, args.batch, args.resolution)
    recipe = Recipe(epochs=args.epochs, batch_size=args.batch)
    bare, ours = [], []
    for i in range(args.rounds):
        for name, loop, sink in (("bare", bare_loop, bare), ("hytnas", hytnas_loop, ours)):
            torch.manual_seed(0)
            sink.append(loop(build_model(spec), batches, args.epochs, recipe))
            print(f"round {i + 1} {name}: {sink[-1]:.1f} images/s", file=sys.stderr)
    ratios = [o / b for o, b in zip(ours, bare)]
    report = {
        "arch_id": args.arch,
        "resolution": args.resolution,
        "batch_size": args.batch,
        "images_per_epoch": args.images,
        "timed_epochs": args.epochs - 1,
        "threads": 1,
        "bare_images_per_second": [round(v, 1) for v in bare],
        "hytnas_images_per_second": [round(v, 1) for v in ours],
        "bare_median": round(statistics.median(bare), 1),
        "hytnas_median": round(statistics.median(ours), 1),
        "ratio_per_round": [round(r, 3) for r in ratios],
        "ratio_median": round(statistics.median(ratios), 3),
        "target_ratio": 0.9,
        "meets_target": statistics.median(ratios) >= 0.9,
        "cpu_model": fingerprint(1)["cpu_model"],
        "torch": torch.__version__,
    }
    write_json(args.out, report)
    print(json.dumps({k: report[k] for k in ("bare_median", "hytnas_median", "ratio_median")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
