"""Stage ``measure_latency`` as a library call: time (or import) a table of architectures.

:func:`measure` reads the architecture table, measures every architecture not yet in the
results store under the current protocol and device (or imports a validated CSV), and writes
``<out_dir>/<device>.csv`` and the metrics JSON. Results are keyed by the space, the
``arch_id``, the device name, the protocol, the concurrency and the device fingerprint's
identity fields, so a rerun measures only what is missing and a changed protocol field
measures everything again (records of other settings stay in the store, unused).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hytnas.errors import ConfigError
from hytnas.io import write_csv, write_json
from hytnas.jobs import Job, RunSummary, read_arch_table, records_table, run_jobs
from hytnas.latency.backend import MeasuringBackend, get_backend
from hytnas.latency.fingerprint import identity
from hytnas.latency.import_csv import read_latency_csv
from hytnas.latency.protocol import RESULT_COLUMNS, LatencyProtocol
from hytnas.space import get_space
from hytnas.store import ResultStore
from hytnas.train import arch_seed


def measurement_inputs(params: Any, backend: str, environment: dict[str, Any]) -> dict[str, Any]:
    """What any latency result depends on besides the network: seed, device, backend,
    protocol, concurrent measurements and the device's identity."""
    cfg = params.latency
    return {
        "seed": params.seed,
        "device": cfg.device,
        "backend": backend,
        "protocol": LatencyProtocol.from_config(cfg).to_dict(),
        "workers": cfg.workers,
        "environment": identity(environment),
    }


def latency_inputs(params: Any, arch_id: str, backend: str, environment: dict[str, Any]) -> dict[str, Any]:
    """Everything one latency result depends on (hashed into its store key)."""
    return {
        "kind": "latency",
        "space": params.sample.space,
        "arch_id": arch_id,
        **measurement_inputs(params, backend, environment),
    }


def latency_report(
    table: pd.DataFrame, params: Any, *, summary: RunSummary | None, environment: dict[str, Any] | None
) -> dict[str, Any]:
    """Flat metrics of a latency table (counts, latency range, CV, rate, protocol, device)."""
    cfg = params.latency
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


def measure(
    params: Any,
    archs_csv: str | Path,
    *,
    cache_dir: str | Path,
    out_dir: str | Path,
    metrics: str | Path | None,
    progress: bool | None = None,
    backend: MeasuringBackend | None = None,
) -> pd.DataFrame:
    """Run stage ``measure_latency``; returns the table written to ``<out_dir>/<device>.csv``.

    Args:
        params: validated :class:`~hytnas.config.Params`.
        archs_csv: architectures to time (``data/archs/latency.csv``).
        cache_dir: results store folder (``data/latency/cache``; a persisted DVC output).
        out_dir: folder of the per-device tables.
        metrics: path of the metrics JSON, or ``None``.
        progress: progress bar on/off (``None``: only on a terminal).
        backend: a measuring backend to use instead of ``params.latency.backend``.
    """
    cfg = params.latency
    space = get_space(params.sample.space)
    out = Path(out_dir) / f"{cfg.device}.csv"
    if cfg.backend == "import" and backend is None:
        if not cfg.import_csv:
            raise ConfigError("latency.import_csv is not set; latency.backend: import needs the CSV to import")
        table = read_latency_csv(
            cfg.import_csv, space, resolution=cfg.resolution, cost_resolution=params.sample.resolution, device=cfg.device
        )
        write_csv(out, table)
        if metrics:
            write_json(metrics, latency_report(table, params, summary=None, environment=None))
        print(f"measure_latency: imported {len(table)} latencies from {cfg.import_csv} -> {out}")
        return table

    archs = read_arch_table(archs_csv, space)
    protocol = LatencyProtocol.from_config(cfg)
    backend = backend or get_backend(cfg.backend, protocol=protocol, executor_cfg=params.executor, latency_cfg=cfg)
    store = ResultStore(cache_dir)
    with backend.executor() as executor:
        environment = backend.environment(executor)
        jobs = [
            Job(
                arch_id=arch_id,
                inputs=latency_inputs(params, arch_id, backend.name, environment),
                payload=backend.payload(space.name, arch_id, arch_seed(params.seed, arch_id, "latency")),
                cost=float(macs),
            )
            for arch_id, macs in zip(archs["arch_id"], archs["macs"] if "macs" in archs else [0] * len(archs))
        ]
        summary = run_jobs(backend.task, jobs, store, executor, desc="measure_latency", progress=progress)
    table = records_table(archs, summary.records, RESULT_COLUMNS)
    write_csv(out, table)
    if metrics:
        write_json(metrics, latency_report(table, params, summary=summary, environment=environment))
    print(summary.line("measure_latency") + f" -> {out}")
    return table

