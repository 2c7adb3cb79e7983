"""Stage ``train_final``: Table II.

:func:`run` picks HyT-NAS-BL, -BA and -O from the HyT-NAS Pareto set
(:mod:`hytnas.final.selection`), adds the reference networks (``final.baselines``), trains
every network ``final.seeds`` times with one recipe (the proxy recipe with ``final.epochs`` at
``final.resolution``; :func:`hytnas.final.task.final_train_task`), times each with the latency
backend through the same path as ``measure_latency``
(:func:`hytnas.latency.timing.time_networks`), and writes the weights, ONNX exports, Table II,
the metrics, the DVCLive curves and a figure.

Everything is validated before any training starts (:mod:`hytnas.final.plan`). Runs are
resumable and parallel as in ``proxy_train``: one job per network and seed on the executor,
each record stored under a key of everything its result depends on, so a killed run keeps
every finished network and a changed param retrains exactly what it affects.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hytnas.config import Params
from hytnas.cost import summarize
from hytnas.data.sources import DataSource
from hytnas.final.artifacts import clean_artifact_temporaries, redo_errors, redo_lost_weights, write_models
from hytnas.final.curves import write_live_curves
from hytnas.final.figure import plot_accuracy_latency
from hytnas.final.networks import FinalNetwork
from hytnas.final.plan import TrainPlan, final_recipe, latency_identity, plan_networks, plan_training, prepare_data
from hytnas.final.report import bench_record
from hytnas.final.selection import Pick
from hytnas.final.summary import NetworkResult, collect, curves_frame, flat_metrics, headline, results_frame
from hytnas.final.table import Budget, render_table2
from hytnas.final.task import final_train_task
from hytnas.io import write_csv, write_json, write_text
from hytnas.latency.backend import MeasuringBackend, get_backend
from hytnas.latency.protocol import LatencyProtocol
from hytnas.latency.timing import TimingJob, time_networks
from hytnas.runs import Executor, RunSummary, make_executor, run_jobs, unique_jobs
from hytnas.runs.store import Record, ResultStore
from hytnas.training import training_device

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FinalPaths:
    """Where ``train_final`` reads its store and writes its outputs.

    Attributes:
        pareto: the HyT-NAS Pareto set (``compare_search``'s ``pareto_hytnas.csv``).
        data: the prepared VWW folder.
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

    pareto: Path = Path("reports/search/pareto_hytnas.csv")
    data: Path = Path("data/vww")
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
    def under(cls, root: str | Path, **inputs: Path) -> "FinalPaths":
        """The default layout of the outputs below ``root`` (``pareto`` and ``data`` as given, or
        their defaults)."""
        root = Path(root)
        outputs = {k: (root / v if v is not None else None) for k, v in asdict(cls()).items() if k not in ("pareto", "data")}
        return cls(**outputs, **inputs)


@dataclass
class FinalRun:
    """What :func:`run` produced.

    Attributes:
        picks: BL, BA, O.
        networks: every network, HyT-NAS picks first.
        results: per-network results.
        table: :func:`~hytnas.final.summary.results_frame` of them.
        headline: the targets (:func:`~hytnas.final.summary.headline`).
        report: the flat metrics written (``paths.metrics``).
        train: the training jobs' summary.
        latency: the timing jobs' summary.
    """

    picks: list[Pick]
    networks: list[FinalNetwork]
    results: list[NetworkResult]
    table: pd.DataFrame
    headline: dict[str, Any]
    report: dict[str, Any]
    train: RunSummary
    latency: RunSummary


def train_all(
    params: Params, plan: TrainPlan, store: ResultStore, artifacts: Path, executor: Executor | None, progress: bool | None
) -> tuple[RunSummary, dict[str, list[Record]], dict[str, Any]]:
    """Run the missing training jobs; ``(summary, records per label in seed order, executor description)``."""
    clean_artifact_temporaries(artifacts)
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
            redo=redo_lost_weights(artifacts),
        )
    finally:
        if own:
            executor.close()
    by_key = dict(zip([job.key for job in unique_jobs(plan.jobs)], summary.records))
    log.info(summary.line("train_final"))
    return summary, {label: [by_key[key] for key in keys] for label, keys in plan.keys.items()}, described


def time_all(
    params: Params,
    networks: list[FinalNetwork],
    store: ResultStore,
    executor: Executor | None,
    progress: bool | None,
    backend: MeasuringBackend | None = None,
) -> tuple[RunSummary, dict[str, Record], dict[str, Any]]:
    """Time every network under the latency protocol with the configured measuring backend
    (``local`` when the search's latencies were imported: the reference networks are not in
    that table); ``(summary, record per label, device fingerprint)``."""
    cfg = params.latency
    protocol = LatencyProtocol.from_config(cfg)
    if backend is None:
        name = cfg.backend
        if name == "import":
            log.warning(
                "train_final: latency.backend = import: the reference networks are not in the imported table, "
                "so every network is timed here (backend local) under the same protocol"
            )
            name = "local"
        backend = get_backend(name, protocol=protocol, executor_cfg=params.executor, latency_cfg=cfg)
    jobs = [
        TimingJob(
            seed_id=net.seed_id,
            network=net,
            inputs=latency_identity(net),
            cost=float(summarize(net.spec(), protocol.resolution)["macs"]),
        )
        for net in networks
    ]
    timings = time_networks(
        backend, jobs, cfg, params.seed, store, executor=executor, desc="train_final latency", progress=progress,
        redo=redo_errors,
    )
    log.info(timings.summary.line("train_final latency"))
    return timings.summary, {net.label: record for net, record in zip(networks, timings.records)}, timings.environment


def run(
    params: Params,
    paths: FinalPaths = FinalPaths(),
    *,
    data: DataSource | None = None,
    executor: Executor | None = None,
    latency_executor: Executor | None = None,
    latency_backend: MeasuringBackend | None = None,
    progress: bool | None = None,
) -> FinalRun:
    """Run stage ``train_final``.

    Args:
        params: validated params (``seed``, ``sample.space``, ``final``, ``proxy``, ``latency``,
            ``executor``).
        paths: where to read the Pareto set, the data and the store, and write the outputs.
        data: image source (default: :class:`~hytnas.data.sources.VWWData` at ``paths.data``
            and ``final.resolution``).
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
    pareto_csv = paths.pareto
    picks, networks = plan_networks(params, pareto_csv)
    data_ready = prepare_data(params, data, paths.data)
    device = training_device(params.executor.gpus, params.executor.kind)

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
        write_json(paths.bench, bench_record(seconds, train, latency, table, top, budget, described, environment))
    failed = table[table["status"] != "ok"]
    if len(failed):
        listed = ", ".join(f"{r['label']} ({r['status']})" for r in failed.to_dict("records"))
        log.warning("train_final: %d network(s) failed: %s", len(failed), listed)
    log.info("train_final: Table II -> %s", paths.table)
    return FinalRun(picks, networks, results, table, top, metrics, train, latency)


__all__ = ["FinalPaths", "FinalRun", "run"]
