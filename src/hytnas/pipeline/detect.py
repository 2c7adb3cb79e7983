"""Stage ``detect``: Table III. SSDLite detectors on HyT-NAS-O (``train_final``'s pick) and the
reference backbones (MobileNetV3-Large, MobileViT-XXS, MobileViT-XS), trained with the one
training loop, scored by pycocotools COCOeval, timed with the latency backend.

Everything is checked before any training (backbone names and picks, categories, the COCO
files and their boxes, the resolution). Runs are resumable as in ``train_final``: one job per
detector and seed on the executor, each record stored under a key of everything its result
depends on (backbone architecture, seed, recipe, data digest, resolution, loop and stage
versions), so a killed run keeps every finished detector and a second seed trains only the
new runs.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hytnas.config import Params
from hytnas.detection.backbones import DetectionBackbone, plan_backbones
from hytnas.detection.baseline import random_detections
from hytnas.detection.coco_eval import evaluate
from hytnas.detection.report import (
    DISPLAY,
    PAPER_SETTING,
    collect,
    flat_metrics,
    plot_detections,
    render_table3,
    write_live,
)
from hytnas.detection.pretrained import load_backbone_weights
from hytnas.detection.ssdlite import check_resolution, detector_macs
from hytnas.detection.task import (
    DETECT_VERSION,
    DETECTIONS_FILE,
    WEIGHTS_FILE,
    DetectionData,
    DetectPayload,
    detect_task,
    load_detection_data,
    split_digest,
)
from hytnas.io import write_json, write_text
from hytnas.latency.backend import MeasuringBackend, get_backend
from hytnas.latency.protocol import LatencyProtocol
from hytnas.latency.timing import TimingJob, time_networks
from hytnas.nn import count_params
from hytnas.runs import Executor, Job, make_executor, run_jobs, unique_jobs
from hytnas.runs.store import Record, ResultStore, make_key
from hytnas.seeds import arch_seed
from hytnas.training import TRAIN_VERSION, Recipe, result_settings, training_device

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DetectPaths:
    """Where ``detect`` reads and writes.

    Attributes:
        final_models: ``train_final``'s ``models/final`` (the picks' ``spec.json``).
        raw: the generated scenes of ``synth_detect`` (``detect.source: synthetic``).
        cache: per-detector results store and artifacts (a persisted DVC output).
        models: ``<label>/seed<k>.pt`` weights and ``spec.json``.
        metrics: flat metrics JSON.
        table: ``table3.md``.
        live: DVCLive folders, one per detector and seed.
        figure: detections drawn on validation images (PNG).
    """

    final_models: Path = Path("models/final")
    raw: Path = Path("data/raw/synthetic-detect")
    cache: Path = Path("data/detection/cache")
    models: Path = Path("models/detection")
    metrics: Path = Path("reports/detection.json")
    table: Path = Path("reports/table3.md")
    live: Path = Path("reports/detection/live")
    figure: Path = Path("reports/detection/detections.png")


@dataclass
class DetectRun:
    """What :func:`run` produced: per detector its results, the metrics written, the baseline."""

    results: list[Any]
    report: dict[str, Any]
    baseline: dict[str, float]


@dataclass(frozen=True)
class DetectorNetwork:
    """A detector as a latency :class:`~hytnas.latency.networks.Buildable` (random weights:
    timing does not depend on them)."""

    backbone: DetectionBackbone
    num_classes: int
    resolution: int

    def build(self) -> Any:
        from hytnas.detection.ssdlite import build_detector

        return build_detector(self.backbone.detector_spec(self.num_classes, self.resolution))

    def exportable(self, model: Any) -> Any:
        """What an ONNX runtime times (``latency.backend: remote``): the dense part."""
        from hytnas.detection.ssdlite import DenseDetector

        return DenseDetector(model)


def detect_recipe(params: Params) -> Recipe:
    cfg = params.detect
    return Recipe(
        epochs=cfg.epochs, batch_size=cfg.batch_size, optimizer=cfg.optimizer, lr=cfg.lr, weight_decay=cfg.weight_decay,
        momentum=cfg.momentum, warmup_epochs=cfg.warmup_epochs, label_smoothing=0.0,
    )


def _redo_lost_weights(artifacts: Path):
    def redo(job: Job, record: Record) -> bool:
        return record.status == "error" or (record.ok and not (artifacts / job.key / WEIGHTS_FILE).is_file())

    return redo


def run(
    params: Params,
    paths: DetectPaths = DetectPaths(),
    *,
    executor: Executor | None = None,
    latency_executor: Executor | None = None,
    latency_backend: MeasuringBackend | None = None,
    progress: bool | None = None,
) -> DetectRun:
    """Run stage ``detect`` (params: ``seed``, ``detect``, ``latency``, ``executor``).

    Raises:
        ConfigError, DataError, SpaceError: bad input, before any training starts.
    """
    cfg = params.detect
    check_resolution(cfg.resolution, "detect.resolution")
    backbones = plan_backbones(cfg.backbones, paths.final_models, cfg.backbone_weights)
    data = DetectionData(
        source=cfg.source, coco_root=cfg.coco_root, raw=str(Path(paths.raw).resolve()),
        categories=tuple(cfg.categories) if cfg.categories else None, resolution=cfg.resolution,
        train_images=cfg.train_images, val_images=cfg.val_images, subset_seed=arch_seed(params.seed, "", "detect-subset"),
    )
    train_split, val_split = load_detection_data(data)
    # every backbone builds (and takes its weights) at this resolution before any training; MACs
    # order the jobs; its parameters at the paper's setting go beside ours in Table III
    costs, paper_params = {}, {}
    for backbone in backbones:
        detector = DetectorNetwork(backbone, train_split.num_classes, cfg.resolution).build()
        if backbone.weights is not None:
            load_backbone_weights(detector, backbone.weights)
        costs[backbone.label] = float(detector_macs(detector, cfg.resolution))
        paper_params[backbone.label] = count_params(DetectorNetwork(backbone, *PAPER_SETTING).build())
    digest = split_digest(train_split, val_split)
    device = training_device(params.executor.gpus, params.executor.kind)
    recipe = detect_recipe(params)
    store = ResultStore(paths.cache)
    artifacts = (paths.cache / "artifacts").resolve()
    jobs, keys = [], {}
    for backbone in backbones:
        keys[backbone.label] = []
        for k in range(cfg.seeds):
            inputs = {
                "kind": "detect", "detect_version": DETECT_VERSION, "train_version": TRAIN_VERSION,
                "backbone": backbone.identity(), "seed": params.seed, "seed_index": k,
                "recipe": result_settings(recipe.to_dict(), device), "augment": cfg.augment, "data": digest,
                "resolution": cfg.resolution, "accelerator": device,
            }
            key = make_key(inputs)
            payload = DetectPayload(
                backbone=backbone, data=data, recipe=recipe, seed=arch_seed(params.seed, backbone.seed_id, f"detect{k}"),
                augment=cfg.augment, artifacts=str(artifacts / key), device=device,
            )
            jobs.append(Job(arch_id=backbone.seed_id, inputs=inputs, payload=payload, cost=costs[backbone.label]))
            keys[backbone.label].append(key)
    own = executor is None
    executor = executor or make_executor(params.executor)
    try:
        summary = run_jobs(detect_task, jobs, store, executor, desc="detect", progress=progress,
                           redo=_redo_lost_weights(artifacts))
    finally:
        if own:
            executor.close()
    by_key = dict(zip([job.key for job in unique_jobs(jobs)], summary.records))
    log.info(summary.line("detect"))

    protocol = dataclasses.replace(LatencyProtocol.from_config(params.latency), resolution=cfg.resolution)
    latency_cfg = params.latency.model_copy(update={"resolution": cfg.resolution})
    name = "local" if params.latency.backend == "import" else params.latency.backend
    backend = latency_backend or get_backend(name, protocol=protocol, executor_cfg=params.executor, latency_cfg=latency_cfg)
    timings = time_networks(
        backend,
        [TimingJob(b.seed_id, DetectorNetwork(b, train_split.num_classes, cfg.resolution),
                   {"kind": "detect_latency", "backbone": b.architecture(), "num_classes": train_split.num_classes}) for b in backbones],
        latency_cfg, params.seed, store, executor=latency_executor, desc="detect latency", progress=progress,
    )
    log.info(timings.summary.line("detect latency"))

    results = collect(backbones, {label: [by_key[k] for k in ks] for label, ks in keys.items()},
                      {b.label: r for b, r in zip(backbones, timings.records)}, paper_params)
    baseline = evaluate(val_split.ground_truth, random_detections(train_split, val_split, per_image=cfg.baseline_boxes, seed=params.seed))
    budget = {
        "epochs": cfg.epochs, "resolution": cfg.resolution, "train_images": len(train_split), "val_images": len(val_split),
        "batch_size": cfg.batch_size, "optimizer": cfg.optimizer, "lr": cfg.lr, "seeds": cfg.seeds,
        "data": cfg.source, "categories": ", ".join(train_split.names), "latency": protocol.describe(),
        "start": _start(backbones),
    }
    report = flat_metrics(results, baseline, budget)
    _write_models(paths.models, results, keys, artifacts)
    write_live(paths.live, results)
    write_text(paths.table, render_table3(results, baseline, budget))
    _figure(paths.figure, results, keys, artifacts, val_split)
    write_json(paths.metrics, report)
    log.info("detect: Table III -> %s", paths.table)
    return DetectRun(results, report, baseline)


def _start(backbones: list[DetectionBackbone]) -> str:
    """How the backbones start, for the budget line: ``from scratch`` or which take weights."""
    pretrained = [f"{DISPLAY.get(b.label, b.label)} (from {Path(b.weights).name})" for b in backbones if b.weights]
    if not pretrained:
        return "from scratch"
    rest = " (the others from scratch)" if len(pretrained) < len(backbones) else ""
    return f"with the backbone weights of {', '.join(pretrained)}{rest}"


def _write_models(folder: Path, results: list[Any], keys: dict[str, list[str]], artifacts: Path) -> None:
    """Rebuild ``folder``: per detector ``spec.json`` and ``seed<k>.pt``."""
    staging = folder.parent / f".{folder.name}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for result in results:
        out = staging / result.label
        out.mkdir()
        for k, (record, key) in enumerate(zip(result.train, keys[result.label])):
            if record.ok:
                shutil.copy2(artifacts / key / WEIGHTS_FILE, out / f"seed{k}.pt")
        description = {"label": result.label, "backbone": dataclasses.asdict(result.backbone),
                       "builder": "hytnas.detection.ssdlite.build_detector", "values": result.values}
        write_text(out / "spec.json", json.dumps(description, indent=1, default=str) + "\n")
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(folder)


def _figure(path: Path, results: list[Any], keys: dict[str, list[str]], artifacts: Path, val: Any, count: int = 4) -> None:
    """Detections of the first detector that trained (HyT-NAS-O first when present) on the
    first ``count`` validation images that hold a ground-truth box."""
    chosen = next((r for r in sorted(results, key=lambda r: r.label != "hytnas_o") if r.train and r.train[0].ok), None)
    if chosen is None:
        return
    detections = json.loads((artifacts / keys[chosen.label][0] / DETECTIONS_FILE).read_text())
    indices = [i for i, b in enumerate(val.boxes) if len(b)][:count]
    by_image: dict[int, list[dict[str, Any]]] = {}
    for det in detections:
        by_image.setdefault(int(det["image_id"]), []).append(det)
    boxes = []
    for i in indices:
        width, height = val.sizes[i]
        sx, sy = val.resolution / width, val.resolution / height
        scaled = [{**d, "bbox": [d["bbox"][0] * sx, d["bbox"][1] * sy, d["bbox"][2] * sx, d["bbox"][3] * sy]}
                  for d in by_image.get(int(val.image_ids[i]), [])]
        boxes.append(scaled)
    names = dict(zip(val.category_ids, val.names))
    plot_detections(val.images[indices], boxes, [val.boxes[i] for i in indices], names, path,
                    title=f"{DISPLAY.get(chosen.label, chosen.label)}: its 5 highest-scoring detections per image (red) and the ground truth (green)")


__all__ = ["DetectPaths", "DetectRun", "DetectorNetwork", "detect_recipe", "run"]
