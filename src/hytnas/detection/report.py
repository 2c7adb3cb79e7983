"""The outputs of the ``detect`` stage: per-detector results over seeds, flat metrics,
``table3.md`` beside the paper's Table III, DVCLive curves and a figure of detections."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from hytnas.detection.backbones import DetectionBackbone
from hytnas.detection.coco_eval import STAT_NAMES
from hytnas.io import atomic_open
from hytnas.names import NETWORK_NAMES
from hytnas.runs.store import Record

PAPER_TABLE3: dict[str, tuple[float, float]] = {
    "mobilenetv3_large": (4.9e6, 22.0),
    "mobilevit_xxs": (1.9e6, 21.4),
    "mobilevit_xs": (2.7e6, 24.8),
    "hytnas_o": (0.7e6, 22.0),
}
"""The paper's Table III: backbone -> (parameters, COCO mAP@[.5:.95] in %)."""
PAPER_SETTING = (81, 320)
"""The detector the paper's parameter counts describe: COCO's 80 categories and the
background (classes), at 320 px (the extra blocks down to 1x1 depend on the resolution)."""
DISPLAY = NETWORK_NAMES


@dataclass
class DetectorResult:
    """One detector over its seeds: the training records, the latency record, and the means."""

    backbone: DetectionBackbone
    train: list[Record]
    latency: Record | None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.backbone.label


def collect(
    backbones: Sequence[DetectionBackbone],
    train: dict[str, list[Record]],
    latency: dict[str, Record],
    paper_params: dict[str, int] | None = None,
) -> list[DetectorResult]:
    """Per backbone: mean and std over the ok seeds of every COCO number (in %), parameters,
    MACs, the median latency (ms), the training rate and, from ``paper_params`` (label ->
    parameters of the same detector at :data:`PAPER_SETTING`), ``params_paper_setting``."""
    out = []
    for backbone in backbones:
        records = train[backbone.label]
        ok = [r for r in records if r.ok]
        values: dict[str, Any] = {"seeds": len(ok), "failed": len(records) - len(ok)}
        for key in (*STAT_NAMES, "person_ap"):
            # COCOeval's -1 means no ground truth of that size: no number
            numbers = [100.0 * float(r.result[key]) for r in ok if r.result.get(key) is not None and r.result[key] >= 0]
            if numbers:
                values[key] = float(np.mean(numbers))
                values[f"{key}_std"] = float(np.std(numbers)) if len(numbers) > 1 else None
        for key in ("params", "macs", "images_per_second", "seconds"):
            if ok:
                values[key] = ok[0].result.get(key) if key in ("params", "macs") else float(np.mean([r.result[key] for r in ok]))
        record = latency.get(backbone.label)
        values["latency_ms"] = record.result.get("latency_ms") if record is not None and record.ok else None
        values["params_paper_setting"] = (paper_params or {}).get(backbone.label)
        out.append(DetectorResult(backbone, records, record, values))
    return out


def flat_metrics(results: Sequence[DetectorResult], baseline: dict[str, float], budget: dict[str, Any]) -> dict[str, Any]:
    """DVC metrics: ``<label>_map``, ``_map_50``, ``_person_ap`` (with ``_std`` over seeds),
    ``_params``, ``_latency_ms``, ..., the paper's ``paper_<label>_params`` and ``_map``, the
    random baseline's mAP and AP50, and the headline (HyT-NAS-O against MobileNetV3) beside the
    paper's."""
    out: dict[str, Any] = {f"budget_{k}": v for k, v in budget.items()}
    for result in results:
        for key in ("map", "map_50", "map_75", "map_small", "map_medium", "map_large", "person_ap", "params",
                    "params_paper_setting", "macs", "latency_ms", "images_per_second", "seeds"):
            value = result.values.get(key)
            out[f"{result.label}_{key}"] = round(value, 4) if isinstance(value, float) else value
        for key in ("map", "map_50", "person_ap"):
            std = result.values.get(f"{key}_std")
            if std is not None:
                out[f"{result.label}_{key}_std"] = round(std, 4)
        if result.label in PAPER_TABLE3:
            out[f"paper_{result.label}_params"], out[f"paper_{result.label}_map"] = PAPER_TABLE3[result.label]
    out["baseline_random_map"] = round(100.0 * baseline["map"], 4)
    out["baseline_random_map_50"] = round(100.0 * baseline["map_50"], 4)
    by_label = {r.label: r.values for r in results}
    o, v3 = by_label.get("hytnas_o", {}), by_label.get("mobilenetv3_large", {})
    if o.get("map") is not None and v3.get("map") is not None:
        out["headline_o_minus_mobilenetv3_map"] = round(o["map"] - v3["map"], 4)
    for key in ("params", "params_paper_setting"):
        if o.get(key) and v3.get(key):
            out["headline_mobilenetv3_over_o_" + key] = round(v3[key] / o[key], 3)
    paper_o, paper_v3 = PAPER_TABLE3["hytnas_o"], PAPER_TABLE3["mobilenetv3_large"]
    out["paper_headline_o_minus_mobilenetv3_map"] = round(paper_o[1] - paper_v3[1], 4)
    out["paper_headline_mobilenetv3_over_o_params"] = round(paper_v3[0] / paper_o[0], 3)
    return out


def _pm(values: dict[str, Any], key: str) -> str:
    mean, std = values.get(key), values.get(f"{key}_std")
    if mean is None or mean < 0:
        return "n/a"
    return f"{mean:.2f}" + (f" ± {std:.2f}" if std is not None else "")


def _params(n: float | None) -> str:
    if not n:
        return "n/a"
    return f"{n / 1e6:.2f}M" if n >= 1e6 else f"{n / 1e3:.1f}k"


def render_table3(results: Sequence[DetectorResult], baseline: dict[str, float], budget: dict[str, Any]) -> str:
    """``reports/table3.md``: our detectors beside the paper's Table III, the budget stated."""
    lines = [
        "# Table III: SSDLite detectors, ours beside the paper's",
        "",
        "Generated by the `detect` stage (`hytnas.detection`); do not edit by hand.",
        "",
        f"**Budget.** Every detector: torchvision's SSDLite head and extra blocks on the backbone, trained "
        f"{budget.get('start', 'from scratch')} {budget['epochs']} epochs at {budget['resolution']}x{budget['resolution']} px on {budget['train_images']:,} "
        f"training images ({budget['data']}; categories: {budget['categories']}), batch {budget['batch_size']}, "
        f"{budget['optimizer']} at peak learning rate {budget['lr']}, {budget['seeds']} seed(s); scored by pycocotools "
        f"COCOeval on {budget['val_images']:,} validation images. Latency: {budget['latency']}.",
        "The paper trains at 320x320 on MS-COCO with MobileViT's recipe (its numbers are COCO mAP@[.5:.95] in %); "
        "compare our columns with each other and with the random baseline.",
        "",
        "| Backbone | Params (ours) | Params (ours, paper's setting) | Params (paper) | mAP % (ours) | mAP % (paper) | AP50 % | "
        "person AP % | MACs | Latency ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        paper = PAPER_TABLE3.get(result.label)
        v = result.values
        latency = v.get("latency_ms")
        lines.append(
            f"| {DISPLAY.get(result.label, result.label)} | {_params(v.get('params'))} | {_params(v.get('params_paper_setting'))} | "
            f"{_params(paper[0]) if paper else 'n/a'} | {_pm(v, 'map')} | {f'{paper[1]:.1f}' if paper else 'n/a'} | "
            f"{_pm(v, 'map_50')} | {_pm(v, 'person_ap')} | {_params(v.get('macs'))} | "
            f"{f'{latency:.2f}' if latency else 'n/a'} |"
        )
    lines.append(
        f"| random boxes (training statistics) | | | | {100.0 * max(0.0, baseline['map']):.2f} | | "
        f"{100.0 * max(0.0, baseline['map_50']):.2f} | | | |"
    )
    classes, side = PAPER_SETTING
    lines += [
        "",
        "MACs: backbone, extra blocks and head for one image (box decoding and NMS excluded).",
        f"Params (ours, paper's setting): the same detector for {classes - 1} COCO categories and the background at "
        f"{side}x{side} px, as the paper's counts are (its head and extra blocks grow with both); ours at this budget's "
        "classes and resolution are smaller.",
    ]
    return "\n".join(lines) + "\n"


def write_live(root: Path, results: Sequence[DetectorResult]) -> None:
    """One DVCLive folder per detector and seed (``<label>_s<k>``): ``train/loss``, ``lr`` and
    ``val/map`` (percent) per epoch, replayed from the stored histories."""
    from hytnas.training.loop import open_live

    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for result in results:
        for seed, record in enumerate(result.train):
            if not record.ok:
                continue
            live = open_live(str(root / f"{result.label}_s{seed}"))
            try:
                for epoch in record.result.get("history", []):
                    live.log_metric("train/loss", float(epoch["train_loss"]), timestamp=False)
                    live.log_metric("lr", float(epoch["lr"]), timestamp=False)
                    if epoch.get("val_acc") is not None and np.isfinite(epoch["val_acc"]):
                        live.log_metric("val/map", float(epoch["val_acc"]), timestamp=False)
                    live.next_step()
            finally:
                live.end()


def plot_detections(images: np.ndarray, boxes: Sequence[Sequence[dict[str, Any]]], truth: Sequence[np.ndarray],
                    names: dict[int, str], path: Path, *, title: str, top: int = 5) -> Path:
    """A row of validation images with ground-truth boxes (green) and each image's ``top``
    highest-scoring detections (red, with label and score); boxes in the images' own pixels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    n = len(images)
    fig, axes = plt.subplots(1, n, figsize=(2.6 * n, 2.9), dpi=120, squeeze=False)
    for ax, image, dets, gt in zip(axes[0], images, boxes, truth):
        ax.imshow(image)
        for x1, y1, x2, y2 in gt:
            ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, edgecolor="lime", linewidth=1.2))
        for det in sorted(dets, key=lambda d: -d["score"])[:top]:
            x, y, w, h = det["bbox"]
            ax.add_patch(Rectangle((x, y), w, h, fill=False, edgecolor="red", linewidth=1.2))
            ax.text(x, y, f"{names.get(det['category_id'], det['category_id'])} {det['score']:.2f}", color="red", fontsize=6,
                    va="bottom")
        ax.set_axis_off()
    fig.suptitle(title, fontsize=8)
    fig.tight_layout()
    with atomic_open(path, "wb") as handle:
        fig.savefig(handle, format="png")
    plt.close(fig)
    return path


__all__ = ["DetectorResult", "PAPER_TABLE3", "collect", "flat_metrics", "plot_detections", "render_table3", "write_live"]
