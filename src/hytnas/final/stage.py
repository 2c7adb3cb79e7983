"""Stage ``train_final`` as a library call: Table II.

:func:`run_final` picks HyT-NAS-BL, -BA and -O from the HyT-NAS Pareto set
(:mod:`hytnas.final.selection`), adds the reference networks (``final.baselines``), trains
every network ``final.seeds`` times with one recipe (the proxy recipe with ``final.epochs`` at
``final.resolution``; :func:`hytnas.final.task.final_train_task`), times each under the
latency protocol of ``measure_latency``, and writes the weights, ONNX exports, Table II, the
metrics, the DVCLive curves and a figure.

Everything is validated before any training starts (Pareto set, constraints, baseline names,
image resolution). Runs are resumable and parallel as in ``proxy_train``: one job per network
and seed on the executor, each record stored under a key of everything its result depends on
(network architecture and builder, seed, recipe, data digest, training loop and export
versions, accelerator), so a killed run keeps every finished network and a changed param
retrains exactly what it affects.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hytnas.errors import ConfigError
from hytnas.executor import Executor, make_executor
from hytnas.final.curves import write_live_curves
from hytnas.final.figure import plot_accuracy_latency
from hytnas.final.networks import FinalNetwork, baseline_networks, check_reference, picked_networks
from hytnas.final.paper_table2 import PAPER_BL_PARAMS, PAPER_O_GAIN_POINTS, PAPER_O_PARAM_RATIO
from hytnas.final.selection import Pick, read_pareto, select
from hytnas.final.summary import NetworkResult, collect, curves_frame, flat_metrics, headline, results_frame
from hytnas.final.table import Budget, render_table2
from hytnas.final.task import (
    EXPORT_VERSION,
    ONNX_FILE,
    WEIGHTS_FILE,
    TrainPayload,
    file_digest,
    final_train_task,
)
from hytnas.io import write_csv, write_json, write_text
from hytnas.jobs import Job, Redo, RunSummary, run_jobs, unique_jobs
from hytnas.latency.backend import MeasuringBackend, get_backend
from hytnas.latency.protocol import LatencyProtocol
from hytnas.latency.stage import measurement_inputs
from hytnas.proxy import DataSource, TrainingSetup, VWWData, accelerator, data_digest, train_subset
from hytnas.space import get_space
from hytnas.store import Record, ResultStore, make_key
from hytnas.train import TRAIN_VERSION, Recipe, arch_seed


@dataclass(frozen=True)
class FinalPaths:
    """Where ``train_final`` reads its store and writes its outputs.

    Attributes:
        cache: per-network results store and artifacts (a persisted DVC output).
        models: ``<label>/`` folders with ``spec.json``, ``seed<k>.pt`` and ``model.onnx``.
        metrics: flat metrics JSON (``reports/final.json``), or ``None``.
        table: ``reports/table2.md``.
        results: one row per network (CSV).
        curves: tidy training curves (CSV).
        live: DVCLive folders, one per network and seed.
        figure: accuracy-latency PNG, or ``None``.
        bench: the targets and timings (``reports/bench/final.json``), or ``None``.
    """

    cache: Path = Path("data/final/cache")
    models: Path = Path("models/final")
    metrics: Path | None = Path("reports/final.json")
    table: Path = Path("reports/table2.md")
    results: Path = Path("reports/final/results.csv")
    curves: Path = Path("reports/final/curves.csv")
    live: Path = Path("reports/final/live")
    figure: Path | None = Path("reports/final/accuracy_latency.png")
    bench: Path | None = Path("reports/bench/final.json")

    @classmethod
    def under(cls, root: str | Path) -> "FinalPaths":
        """The default layout below ``root``."""
        root = Path(root)
        return cls(**{k: (root / v if v is not None else None) for k, v in asdict(cls()).items()})


@dataclass
class FinalRun:
    """What :func:`run_final` produced.

    Attributes:
        picks: BL, BA, O.
        networks: every network, HyT-NAS picks first.
        results: per-network results.
        table: :func:`~hytnas.final.summary.results_frame` of them.
        headline: the targets (:func:`~hytnas.final.summary.headline`).
        metrics: the flat metrics written.
        train: the training jobs' summary.
        latency: the timing jobs' summary.
    """

    picks: list[Pick]
    networks: list[FinalNetwork]
    results: list[NetworkResult]
    table: pd.DataFrame
    headline: dict[str, Any]
    metrics: dict[str, Any]
    train: RunSummary
    latency: RunSummary


# --- plan ---------------------------------------------------------------------------------------


def final_recipe(params: Any) -> Recipe:
    """The proxy recipe with ``final.epochs``."""
    return replace(Recipe.from_config(params.proxy), epochs=params.final.epochs)


def recipe_settings(recipe: Recipe, device: str) -> dict[str, Any]:
    """The recipe fields that affect results (``amp`` only matters on a GPU, ``momentum``
    only with SGD), so changing an inert one retrains nothing."""
    settings = recipe.to_dict()
    if device == "cpu":
        settings.pop("amp", None)
    if settings.get("optimizer") != "sgd":
        settings.pop("momentum", None)
    return settings


def train_inputs(params: Any, net: FinalNetwork, seed_index: int, digest: str, device: str) -> dict[str, Any]:
    """Everything one final training result depends on (hashed into its store key)."""
    cfg = params.final
    return {
        "kind": "final",
        "train_version": TRAIN_VERSION,
        "export_version": EXPORT_VERSION,
        "network": net.identity(),
        "seed": params.seed,
        "seed_index": seed_index,
        "recipe": recipe_settings(final_recipe(params), device),
        "resolution": cfg.resolution,
        "augment": cfg.augment,
        "train_images": cfg.train_images,
        "data": digest,
        "accelerator": device,
        "macs_resolution": params.latency.resolution,
        "onnx_opset": cfg.onnx_opset,
    }


def latency_inputs(params: Any, net: FinalNetwork, backend: str, environment: dict[str, Any]) -> dict[str, Any]:
    """Everything one final latency depends on (the keys of ``measure_latency``'s, with the
    network's architecture in place of a search-space ``arch_id``)."""
    return {"kind": "final_latency", "network": net.identity(), **measurement_inputs(params, backend, environment)}


def plan_networks(params: Any, pareto_csv: str | Path) -> tuple[list[Pick], list[FinalNetwork]]:
    """Validate the baselines and the Pareto set and select: ``(picks, networks)``.

    Raises:
        ConfigError: an unknown baseline, or a reference network not among the baselines.
        DataError: a missing, empty or malformed Pareto set.
        SelectionError: no architecture satisfies the constraints.
    """
    cfg = params.final
    baselines = baseline_networks(cfg.baselines)
    check_reference(cfg.reference, cfg.baselines)
    space = get_space(params.sample.space)
    front = read_pareto(pareto_csv, space)
    picks = select(front, max_params=cfg.max_params, max_latency_ms=cfg.max_latency_ms, source=str(pareto_csv))
    return picks, picked_networks(picks, space.name) + baselines


def _artifacts_ok(record: Record, folder: Path) -> bool:
    weights = folder / WEIGHTS_FILE
    return weights.is_file() and file_digest(weights) == record.result.get("weights_sha256")


def _redo_errors(job: Job, record: Record) -> bool:
    """A stored ``error`` says nothing about a hand-picked network (a bug since fixed): redo it."""
    return record.status == "error"


def _redo_lost_weights(artifacts: Path) -> Redo:
    """Redo errors, and successes whose weights under ``artifacts/<key>/`` are gone or altered."""

    def redo(job: Job, record: Record) -> bool:
        return _redo_errors(job, record) or (record.ok and not _artifacts_ok(record, artifacts / job.key))

    return redo


def _clean_artifact_temporaries(artifacts: Path) -> None:
    if artifacts.is_dir():
        for path in artifacts.glob("*/.*.tmp"):
            path.unlink(missing_ok=True)


# --- outputs ------------------------------------------------------------------------------------


def write_models(
    folder: Path,
    results: list[NetworkResult],
    keys: dict[str, list[str]],
    artifacts: Path,
    *,
    resolution: int,
    seeds: dict[str, list[int]],
) -> None:
    """Rebuild ``folder``: per network ``spec.json`` (architecture, builder, picks, per-seed
    accuracy), ``seed<k>.pt`` (state dicts) and ``model.onnx`` (seed 0's weights). Built beside
    the folder and swapped in, so a killed run leaves the old folder or the new one."""
    staging = folder.parent / f".{folder.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for result in results:
        net = result.network
        out = staging / net.label
        out.mkdir()
        runs = []
        for k, (record, key) in enumerate(zip(result.train, keys[net.label])):
            entry: dict[str, Any] = {"seed_index": k, "seed": seeds[net.label][k], "key": key, "status": record.status}
            if record.ok:
                shutil.copy2(artifacts / key / WEIGHTS_FILE, out / f"seed{k}.pt")
                entry.update(weights=f"seed{k}.pt", val_acc=record.result.get("val_acc"))
            runs.append(entry)
        onnx_source = artifacts / keys[net.label][0] / ONNX_FILE if keys[net.label] else None
        has_onnx = bool(result.train) and result.train[0].ok and onnx_source is not None and onnx_source.is_file()
        if has_onnx:
            shutil.copy2(onnx_source, out / ONNX_FILE)
        description = {
            "label": net.label,
            "name": net.display_name,
            "role": net.role,
            "kind": net.kind,
            "ref": net.ref,
            "space": net.space,
            "builder": net.builder(),
            "num_classes": 2,
            "input": f"float32 N x 3 x {resolution} x {resolution}, ImageNet mean/std normalised RGB",
            "spec": net.spec().to_dict(),
            "pick": result.pick.to_dict() if result.pick else None,
            "runs": runs,
            "onnx": ONNX_FILE if has_onnx else None,
        }
        write_text(out / "spec.json", json.dumps(description, indent=1) + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, folder)


def _bench(
    run_seconds: float,
    train: RunSummary,
    latency: RunSummary,
    table: pd.DataFrame,
    top: dict[str, Any],
    budget: Budget,
    described: dict[str, Any],
    environment: dict[str, Any],
) -> dict[str, Any]:
    """Flat benchmark record: the targets beside the paper's, and where the time went."""
    out: dict[str, Any] = {
        "reference": top.get("reference"),
        "o_acc_gain": top.get("o_acc_gain"),
        "o_acc_gain_std": top.get("o_acc_gain_std"),
        "o_acc_gain_seeds": top.get("o_acc_gain_seeds"),
        "o_param_ratio": top.get("o_param_ratio"),
        "o_latency_ratio": top.get("o_latency_ratio"),
        "bl_params": top.get("bl_params"),
        "bl_param_ratio": top.get("bl_param_ratio"),
        "bl_latency_ratio": top.get("bl_latency_ratio"),
        "paper_o_acc_gain": PAPER_O_GAIN_POINTS,
        "paper_o_param_ratio": PAPER_O_PARAM_RATIO,
        "paper_bl_params": PAPER_BL_PARAMS,
        "stage_seconds": round(run_seconds, 2),
        "train_jobs": train.total,
        "train_jobs_run": train.ran,
        "train_jobs_from_store": train.cached,
        "train_wall_seconds": round(train.seconds, 2),
        "latency_jobs_run": latency.ran,
        "latency_wall_seconds": round(latency.seconds, 2),
    }
    for row in table.to_dict("records"):
        out[f"{row['label']}_train_seconds"] = row.get("train_seconds")
    out.update({f"budget_{k}": v for k, v in asdict(budget).items()})
    out.update(described)
    out.update({f"device_{k}": environment.get(k) for k in ("cpu_model", "cores_logical", "cores_usable", "torch")})
    return {k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in out.items()}


# --- steps --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedData:
    """The training images, checked: their source, content digest and counts."""

    source: DataSource
    digest: str
    train_images: int
    val_images: int
    label: str


def prepare_data(params: Any, data: DataSource | None, data_root: str | Path) -> PreparedData:
    """Load the images once to check their resolution and digest them.

    Raises:
        ConfigError: the arrays are not at ``final.resolution``.
    """
    cfg = params.final
    label = params.data.source if data is None else type(data).__name__
    data = data or VWWData(str(Path(data_root).resolve()), cfg.resolution)
    arrays = data.load()
    if int(arrays.train_x.shape[1]) != cfg.resolution:
        raise ConfigError(
            f"final.resolution = {cfg.resolution}: the data hold {arrays.train_x.shape[1]} px images; "
            "add it to data.resolution or data.extra_resolutions"
        )
    return PreparedData(
        source=data,
        digest=data_digest(arrays),
        train_images=len(train_subset(len(arrays.train_y), cfg.train_images, 0)),
        val_images=int(len(arrays.val_y)),
        label=label,
    )


def training_device(params: Any) -> str:
    """``cuda`` or ``cpu``; :class:`ConfigError` if GPUs are asked for locally and torch sees none."""
    device = accelerator(params)
    if device == "cuda" and params.executor.kind == "local":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError("executor.gpus > 0 but torch sees no CUDA device on this machine")
    return device


@dataclass
class TrainPlan:
    """The training jobs, and per network label its store keys and seeds (one per repeat)."""

    jobs: list[Job]
    keys: dict[str, list[str]]
    seeds: dict[str, list[int]]


def plan_training(
    params: Any, networks: list[FinalNetwork], data: PreparedData, device: str, artifacts: Path
) -> TrainPlan:
    """One job per network and seed; equal networks under two labels share their jobs."""
    from hytnas.nn.measure import summarize

    cfg = params.final
    recipe = final_recipe(params)
    subset_seed = arch_seed(params.seed, "", "final-train-subset")
    plan = TrainPlan([], {}, {})
    for net in networks:
        cost = float(summarize(net.spec(), cfg.resolution)["macs"])
        plan.keys[net.label], plan.seeds[net.label] = [], []
        for k in range(cfg.seeds):
            inputs = train_inputs(params, net, k, data.digest, device)
            key = make_key(inputs)
            seed = arch_seed(params.seed, net.seed_id, f"final{k}")
            payload = TrainPayload(
                network=net,
                training=TrainingSetup(
                    recipe=recipe,
                    seed=seed,
                    data=data.source,
                    augment=cfg.augment,
                    train_images=cfg.train_images,
                    subset_seed=subset_seed,
                    device=device,
                ),
                artifacts=str(artifacts / key),
                macs_resolution=params.latency.resolution,
                onnx_opset=cfg.onnx_opset,
            )
            plan.jobs.append(Job(arch_id=net.seed_id, inputs=inputs, payload=payload, cost=cost))
            plan.keys[net.label].append(key)
            plan.seeds[net.label].append(seed)
    return plan


def train_all(
    params: Any, plan: TrainPlan, store: ResultStore, artifacts: Path, executor: Executor | None, progress: bool | None
) -> tuple[RunSummary, dict[str, list[Record]], dict[str, Any]]:
    """Run the missing training jobs; ``(summary, records per label in seed order, executor description)``."""
    _clean_artifact_temporaries(artifacts)
    own = executor is None
    executor = executor or make_executor(params.executor)
    try:
        described = executor.describe()
        summary = run_jobs(
            final_train_task,
            plan.jobs,
            store,
            executor,
            desc="train_final",
            progress=progress,
            redo=_redo_lost_weights(artifacts),
        )
    finally:
        if own:
            executor.close()
    by_key = dict(zip([job.key for job in unique_jobs(plan.jobs)], summary.records))
    print(summary.line("train_final"))
    return summary, {label: [by_key[key] for key in keys] for label, keys in plan.keys.items()}, described


def time_all(
    params: Any,
    networks: list[FinalNetwork],
    store: ResultStore,
    executor: Executor | None,
    progress: bool | None,
    backend: MeasuringBackend | None = None,
) -> tuple[RunSummary, dict[str, Record], dict[str, Any]]:
    """Time every network under the latency protocol with the configured measuring backend
    (``local`` when the search's latencies were imported: the reference networks are not in
    that table); ``(summary, record per label, device fingerprint)``."""
    from hytnas.nn.measure import summarize

    cfg = params.latency
    protocol = LatencyProtocol.from_config(cfg)
    if backend is None:
        name = cfg.backend
        if name == "import":
            print(
                "train_final: latency.backend = import: the reference networks are not in the imported table, "
                "so every network is timed here (backend local) under the same protocol",
                file=sys.stderr,
            )
            name = "local"
        backend = get_backend(name, protocol=protocol, executor_cfg=params.executor, latency_cfg=cfg)
    own = executor is None
    executor = executor or backend.executor()
    try:
        environment = backend.environment(executor)  # one kind of hardware, else DataError
        jobs = [
            Job(
                arch_id=net.seed_id,
                inputs=latency_inputs(params, net, backend.name, environment),
                payload=backend.network_payload(net, arch_seed(params.seed, net.seed_id, "latency")),
                cost=float(summarize(net.spec(), protocol.resolution)["macs"]),
            )
            for net in networks
        ]
        summary = run_jobs(
            backend.network_task, jobs, store, executor, desc="train_final latency", progress=progress, redo=_redo_errors
        )
    finally:
        if own:
            executor.close()
    by_key = dict(zip([job.key for job in unique_jobs(jobs)], summary.records))
    print(summary.line("train_final latency"))
    return summary, {net.label: by_key[job.key] for net, job in zip(networks, jobs)}, environment


# --- the stage ----------------------------------------------------------------------------------


def run_final(
    params: Any,
    pareto_csv: str | Path,
    paths: FinalPaths = FinalPaths(),
    *,
    data: DataSource | None = None,
    data_root: str | Path = "data/vww",
    executor: Executor | None = None,
    latency_executor: Executor | None = None,
    latency_backend: MeasuringBackend | None = None,
    progress: bool | None = None,
) -> FinalRun:
    """Run stage ``train_final``.

    Args:
        params: validated :class:`~hytnas.config.Params`.
        pareto_csv: the HyT-NAS Pareto set (``reports/search/pareto_hytnas.csv``).
        paths: where to read the store and write the outputs.
        data: image source (default: :class:`~hytnas.proxy.VWWData` at ``data_root`` and
            ``final.resolution``).
        data_root: the prepared VWW folder.
        executor: where to train (default: from ``params.executor``; closed afterwards).
        latency_executor: where to time (default: the latency backend's executor, for
            ``local`` ``latency.workers`` workers of ``latency.threads`` threads; closed afterwards).
        latency_backend: a measuring backend to use instead of ``params.latency.backend``.
        progress: progress bars on/off (``None``: only on a terminal).

    Raises:
        ConfigError, DataError, SelectionError: bad input, before any training starts.
    """
    start = time.perf_counter()
    cfg = params.final
    picks, networks = plan_networks(params, pareto_csv)
    data_ready = prepare_data(params, data, data_root)
    device = training_device(params)

    store = ResultStore(paths.cache)
    artifacts = (paths.cache / "artifacts").resolve()
    plan = plan_training(params, networks, data_ready, device, artifacts)
    train, train_records, described = train_all(params, plan, store, artifacts, executor, progress)
    latency, latency_records, environment = time_all(params, networks, store, latency_executor, progress, latency_backend)

    results = collect(networks, picks, train_records, latency_records)
    table = results_frame(results)
    top = headline(results, cfg.reference)
    recipe = final_recipe(params)
    protocol = LatencyProtocol.from_config(params.latency)
    budget = Budget(
        epochs=cfg.epochs,
        resolution=cfg.resolution,
        train_images=data_ready.train_images,
        val_images=data_ready.val_images,
        seeds=cfg.seeds,
        batch_size=recipe.batch_size,
        optimizer=recipe.optimizer,
        lr=recipe.lr,
        augment=cfg.augment,
        data=data_ready.label,
        latency=protocol.describe(),
        latency_device=f"{params.latency.device} ({environment.get('cpu_model') or 'unknown CPU'})",
        latency_resolution=protocol.resolution,
    )
    counts = {
        "epochs": cfg.epochs,
        "resolution": cfg.resolution,
        "seeds": cfg.seeds,
        "train_images": data_ready.train_images,
        "val_images": data_ready.val_images,
    }
    metrics = flat_metrics(table, top, counts)

    write_models(paths.models, results, plan.keys, artifacts, resolution=cfg.resolution, seeds=plan.seeds)
    write_live_curves(paths.live, results)
    write_csv(paths.curves, curves_frame(results))
    write_csv(paths.results, table)
    constraints = {"final.max_params": cfg.max_params, "final.max_latency_ms": cfg.max_latency_ms}
    write_text(paths.table, render_table2(table, picks, top, budget, constraints=constraints, pareto_source=str(pareto_csv)))
    if paths.figure is not None:
        plot_accuracy_latency(table, paths.figure)
    if paths.metrics is not None:
        write_json(paths.metrics, metrics)
    if paths.bench is not None:
        seconds = time.perf_counter() - start
        write_json(paths.bench, _bench(seconds, train, latency, table, top, budget, described, environment))
    failed = table[table["status"] != "ok"]
    if len(failed):
        listed = ", ".join(f"{r['label']} ({r['status']})" for r in failed.to_dict("records"))
        print(f"train_final: warning: {len(failed)} network(s) failed: {listed}", file=sys.stderr)
    print(f"train_final: Table II -> {paths.table}")
    return FinalRun(picks, networks, results, table, top, metrics, train, latency)
