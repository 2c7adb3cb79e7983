"""Stage ``measure_latency``: time (or import) a table of architectures.

:func:`run` reads the architecture table, times every architecture not yet in the results
store under the current protocol and device (:func:`hytnas.latency.timing.time_networks`),
or imports a validated CSV (``latency.backend: import``), and writes ``<out_dir>/<device>.csv``
and the metrics JSON. Results are keyed by the space, the ``arch_id``, the device name, the
protocol, the concurrency and the device fingerprint's identity fields, so a rerun measures
only what is missing and a changed protocol field measures everything again (records of
other settings stay in the store, unused).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hytnas.archs import read_arch_table, records_table
from hytnas.config import LatencyConfig, Params
from hytnas.errors import ConfigError
from hytnas.io import write_csv, write_json
from hytnas.latency.backend import MeasuringBackend, SpaceArch, get_backend
from hytnas.latency.import_csv import read_latency_csv
from hytnas.latency.protocol import CALIBRATION_COLUMNS, RESULT_COLUMNS, LatencyProtocol
from hytnas.latency.timing import TimingJob, time_networks
from hytnas.runs.runner import RunSummary
from hytnas.runs.store import ResultStore
from hytnas.space import get_space

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeasureLatencyPaths:
    """Where ``measure_latency`` reads and writes.

    Attributes:
        archs: architectures to time (``sample_archs``'s latency table).
        cache: per-architecture results store (a persisted DVC output).
        out_dir: folder of the per-device tables ``<latency.device>.csv``.
        metrics: flat metrics JSON, or ``None``.
    """

    archs: Path = Path("data/archs/latency.csv")
    cache: Path = Path("data/latency/cache")
    out_dir: Path = Path("data/latency")
    metrics: Path | None = Path("reports/latency.json")


@dataclass
class MeasureLatencyRun:
    """What :func:`run` produced: the table written, the metrics and the jobs' summary
    (``None`` for an import)."""

    table: pd.DataFrame
    report: dict[str, Any]
    summary: RunSummary | None


def latency_inputs(space: str, arch_id: str) -> dict[str, Any]:
    """What identifies one architecture in its latency key (the measurement's own inputs are
    added by :func:`~hytnas.latency.timing.time_networks`)."""
    return {"kind": "latency", "space": space, "arch_id": arch_id}


def latency_report(
    table: pd.DataFrame, cfg: LatencyConfig, *, summary: RunSummary | None, environment: dict[str, Any] | None
) -> dict[str, Any]:
    """Flat metrics of a latency table (counts, latency range, CV, rate, protocol, device)."""
    ok = table[table["status"] == "ok"]
    lat = ok["latency_ms"].to_numpy(dtype=float) if len(ok) else np.array([])
    report: dict[str, Any] = {
        "device": cfg.device,
        "backend": cfg.backend,
        "architectures": int(len(table)),
        "ok": int(len(ok)),
        "failed": int(len(table) - len(ok)),
        "latency_ms_min": float(lat.min()) if lat.size else None,
        "latency_ms_median": float(np.median(lat)) if lat.size else None,
        "latency_ms_max": float(lat.max()) if lat.size else None,
    }
    if "latency_cv" in ok.columns and len(ok):
        report["latency_cv_median"] = float(np.nanmedian(ok["latency_cv"].to_numpy(dtype=float)))
    # timed here (not imported) and after the field existed: the load just before each timing
    records = summary.records if summary is not None else []
    loads = [float(r.source["load_average_1min"]) for r in records if r.ok and "load_average_1min" in r.source]
    report["load_average_median"] = float(np.median(loads)) if loads else None
    report["load_average_max"] = max(loads) if loads else None
    if summary is not None:
        report.update(summary.report("measured"))
    report.update(resolution=cfg.resolution, threads=cfg.threads, warmup=cfg.warmup, runs=cfg.runs, batch=1, workers=cfg.workers)
    if environment:
        report.update({f"device_{k}": v for k, v in environment.items()})
    report["protocol"] = LatencyProtocol.from_config(cfg).describe()
    if len(ok) < len(table):
        failures = table.loc[table["status"] != "ok", "status"].value_counts()
        report.update({f"failed_{k}": int(v) for k, v in failures.items()})
    return report


def run(
    params: Params,
    paths: MeasureLatencyPaths = MeasureLatencyPaths(),
    *,
    progress: bool | None = None,
    backend: MeasuringBackend | None = None,
) -> MeasureLatencyRun:
    """Run stage ``measure_latency``.

    Args:
        params: validated params (``seed``, ``sample``, ``latency``, ``executor``).
        paths: where to read and write.
        progress: progress bar on/off (``None``: only on a terminal).
        backend: a measuring backend to use instead of ``params.latency.backend``.

    Raises:
        ConfigError, DataError: bad input, before any timing starts.
    """
    cfg = params.latency
    space = get_space(params.sample.space)
    out = Path(paths.out_dir) / f"{cfg.device}.csv"
    if cfg.backend == "import" and backend is None:
        if not cfg.import_csv:
            raise ConfigError("latency.import_csv is not set; latency.backend: import needs the CSV to import")
        table = read_latency_csv(
            cfg.import_csv, space, resolution=cfg.resolution, cost_resolution=params.sample.resolution, device=cfg.device
        )
        write_csv(out, table)
        report = latency_report(table, cfg, summary=None, environment=None)
        if paths.metrics:
            write_json(paths.metrics, report)
        log.info("measure_latency: imported %d latencies from %s -> %s", len(table), cfg.import_csv, out)
        return MeasureLatencyRun(table, report, None)

    archs = read_arch_table(paths.archs, space)
    protocol = LatencyProtocol.from_config(cfg)
    backend = backend or get_backend(cfg.backend, protocol=protocol, executor_cfg=params.executor, latency_cfg=cfg)
    jobs = [
        TimingJob(seed_id=arch_id, network=SpaceArch(space.name, arch_id), inputs=latency_inputs(space.name, arch_id), cost=float(macs))
        for arch_id, macs in zip(archs["arch_id"], archs["macs"] if "macs" in archs else [0] * len(archs))
    ]
    timings = time_networks(
        backend, jobs, cfg, params.seed, ResultStore(paths.cache), desc="measure_latency", progress=progress
    )
    columns = RESULT_COLUMNS + (CALIBRATION_COLUMNS if backend.protocol.calibrate else ())
    table = records_table(archs, timings.summary.records, columns)
    write_csv(out, table)
    report = latency_report(table, cfg, summary=timings.summary, environment=timings.environment)
    if paths.metrics:
        write_json(paths.metrics, report)
    log.info("%s -> %s", timings.summary.line("measure_latency"), out)
    return MeasureLatencyRun(table, report, timings.summary)


__all__ = ["MeasureLatencyPaths", "MeasureLatencyRun", "latency_inputs", "latency_report", "run"]
