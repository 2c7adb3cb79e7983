"""Throughput of the one training loop on a detector against a bare torchvision-style loop.

Same SSDLite detector (fresh, same seed), same data (the detect stage's training split at its
resolution), same batches, same optimizer and one torch thread; the bare loop is what
torchvision's detection reference does per step (forward with targets, sum of losses,
zero_grad, backward, step), without schedule, logging or checks. Writes images/s of both and
their ratio (target >= 0.9) to reports/bench/detect_train.json.

    .venv/bin/python bench/detect_train.py --backbone hytnas_o --rounds 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import torch

from hytnas.config import load_params
from hytnas.detection.backbones import plan_backbones
from hytnas.detection.objective import Detection, detection_batches
from hytnas.detection.ssdlite import DetectorSpec, build_detector
from hytnas.detection.task import DetectionData
from hytnas.io import write_json
from hytnas.pipeline.detect import detect_recipe
from hytnas.runs.fingerprint import fingerprint
from hytnas.seeds import arch_seed
from hytnas.training.loop import make_optimizer, train


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--backbone", default="hytnas_o")
    parser.add_argument("--final-models", default="models/final")
    parser.add_argument("--raw", default="data/raw/synthetic-detect")
    parser.add_argument("--images", type=int, default=160, help="training images per timed epoch")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default="reports/bench/detect_train.json")
    args = parser.parse_args()

    torch.set_num_threads(1)
    params = load_params(args.params)
    cfg = params.detect
    backbone = plan_backbones([args.backbone], Path(args.final_models))[0]
    data = DetectionData(cfg.source, cfg.coco_root, str(Path(args.raw).resolve()), tuple(cfg.categories) if cfg.categories else None,
                         cfg.resolution, args.images, 8, arch_seed(params.seed, "", "detect-subset"))
    train_split, val_split = data.load()
    recipe = detect_recipe(params).__class__(**{**detect_recipe(params).to_dict(), "epochs": 1})
    steps = len(train_split) // recipe.batch_size

    def batches(epoch: int):
        return detection_batches(train_split, recipe.batch_size, augment=cfg.augment, shuffle=True, seed=epoch, drop_last=True)

    def fresh():
        torch.manual_seed(0)
        return build_detector(DetectorSpec(backbone.backbone(), train_split.num_classes, cfg.resolution))

    class NoEval(Detection):
        def evaluate(self, *a, **k):  # time training only, as the bare loop does
            return float("nan"), float("nan")

    ours, bare = [], []
    for _ in range(args.rounds):
        model = fresh()
        result = train(model, batches, lambda: iter(()), recipe, steps_per_epoch=steps, seed=0, objective=NoEval(val_split))
        ours.append(result.images_per_second)
        model = fresh()
        model.train()
        optimizer = make_optimizer(model, recipe)
        start, images = time.perf_counter(), 0
        for x, targets in batches(0):
            losses = model(list(x), [{"boxes": t["boxes"], "labels": t["labels"]} for t in targets])
            loss = sum(losses.values())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            images += len(targets)
        bare.append(images / (time.perf_counter() - start))
    ratios = [o / b for o, b in zip(ours, bare)]
    report = {
        "backbone": args.backbone, "resolution": cfg.resolution, "batch_size": recipe.batch_size, "images": len(train_split),
        "threads": 1, "rounds": args.rounds,
        "hytnas_images_per_second": [round(v, 2) for v in ours], "bare_images_per_second": [round(v, 2) for v in bare],
        "ratio_per_round": [round(r, 3) for r in ratios], "ratio_median": round(statistics.median(ratios), 3),
        "target_ratio": 0.9, "meets_target": statistics.median(ratios) >= 0.9,
        "load_average": round(os.getloadavg()[0], 2), "cpu_model": fingerprint(1).get("cpu_model"),
    }
    write_json(args.out, report)
    print(report)


if __name__ == "__main__":
    main()
