"""Time many networks with a measuring backend, resumably: the one timing path of every stage.

``measure_latency`` times the sampled architectures, ``train_final`` its Table II networks
(and the detection stage its detectors) through :func:`time_networks`: it asks the backend
for the device's fingerprint, keys every network's result by what the caller says identifies
the network plus what any latency depends on (:func:`measurement_inputs`), and runs the
missing ones through :func:`hytnas.runs.run_jobs`, so a rerun times only what is missing.
With ``latency.retime_tolerance`` (and a calibrating protocol), a measurement whose calibration
network ran more than that fraction away from the run's median calibration is timed once more
(:func:`drifted`).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from hytnas.config import LatencyConfig
from hytnas.latency.backend import Buildable, MeasuringBackend
from hytnas.latency.protocol import LatencyProtocol
from hytnas.runs.executor import Executor
from hytnas.runs.fingerprint import identity
from hytnas.runs.runner import Job, Redo, RunSummary, run_jobs, unique_jobs
from hytnas.runs.store import Record, ResultStore
from hytnas.seeds import arch_seed

log = logging.getLogger(__name__)


def drifted(records: Sequence[Record], tolerance: float) -> set[str]:
    """Keys of the ok records, not re-timed before, whose ``calibration_ms`` differs from the
    median calibration of ``records`` by more than ``tolerance`` (a fraction): measured while
    the device ran slower or faster than it usually does."""
    timed = [(r.key, float(r.result["calibration_ms"]), bool(r.result.get("retimed")))
             for r in records if r.ok and r.result.get("calibration_ms")]
    if len(timed) < 3:
        return set()
    median = float(np.median([c for _, c, _ in timed]))
    return {key for key, c, retimed in timed if not retimed and abs(c / median - 1.0) > tolerance}


def measurement_inputs(latency: LatencyConfig, seed: int, backend: str, environment: Mapping[str, Any]) -> dict[str, Any]:
    """What any latency result depends on besides the network: seed, device, backend,
    protocol, concurrent measurements and the device's identity."""
    return {
        "seed": seed,
        "device": latency.device,
        "backend": backend,
        "protocol": LatencyProtocol.from_config(latency).to_dict(),
        "workers": latency.workers,
        "environment": identity(dict(environment)),
    }


@dataclass(frozen=True)
class TimingJob:
    """One network to time.

    Attributes:
        seed_id: what its weight and input seed derive from (an ``arch_id``, or a network's
            ``seed_id``).
        network: builds it where the task runs.
        inputs: what identifies the network in its result key (``kind``, ``space`` and
            ``arch_id``, or a network's identity); the measurement's own inputs are added.
        cost: scheduling hint (MACs); larger networks start first.
    """

    seed_id: str
    network: Buildable
    inputs: Mapping[str, Any]
    cost: float = 0.0


@dataclass
class Timings:
    """What :func:`time_networks` did: the jobs' summary, one record per job given (in order)
    and the device's fingerprint."""

    summary: RunSummary
    records: list[Record]
    environment: dict[str, Any]


def time_networks(
    backend: MeasuringBackend,
    jobs: Sequence[TimingJob],
    latency: LatencyConfig,
    seed: int,
    store: ResultStore,
    *,
    executor: Executor | None = None,
    desc: str = "latency",
    progress: bool | None = None,
    redo: Redo | None = None,
) -> Timings:
    """Time every network not yet in ``store`` under ``backend``'s protocol.

    Args:
        backend: the measuring backend.
        jobs: the networks.
        latency: the ``latency`` params section (device, protocol, concurrency).
        seed: the global seed (weights and inputs: ``arch_seed(seed, seed_id, "latency")``).
        store: where results are looked up and written.
        executor: where to time (default: the backend's; closed afterwards).
        desc: progress bar label.
        progress: progress bar on/off (``None``: only on a terminal).
        redo: the caller's rule for stored records to time again.

    Raises:
        DataError: the executor's workers are different hardware.
    """
    own = executor is None
    executor = executor or backend.executor()
    try:
        environment = backend.environment(executor)
        measured = measurement_inputs(latency, seed, backend.name, environment)
        keyed = [
            Job(
                arch_id=job.seed_id,
                inputs={**job.inputs, **measured},
                payload=backend.payload(job.network, arch_seed(seed, job.seed_id, "latency")),
                cost=job.cost,
            )
            for job in jobs
        ]
        summary = run_jobs(backend.task, keyed, store, executor, desc=desc, progress=progress, redo=redo)
        if latency.retime_tolerance is not None:
            outliers = drifted(summary.records, latency.retime_tolerance)
            if outliers:
                log.info("%s: re-timing %d measurement(s) whose calibration drifted beyond %.0f%% of the run's median",
                         desc, len(outliers), 100 * latency.retime_tolerance)
                again = run_jobs(backend.task, keyed, store, executor, desc=f"{desc} re-time", progress=progress,
                                 redo=lambda job, record: job.key in outliers)
                for k, record in enumerate(again.records):  # re-timed once: never judged again
                    if record.key in outliers and record.ok:
                        again.records[k] = store.put(dataclasses.replace(record, result={**record.result, "retimed": True}))
                again.cached, again.seconds = summary.cached, summary.seconds + again.seconds
                again.ran, again.redone = summary.ran + again.ran, summary.redone + again.redone
                summary = again
    finally:
        if own:
            executor.close()
    by_key = dict(zip([job.key for job in unique_jobs(keyed)], summary.records))
    return Timings(summary, [by_key[job.key] for job in keyed], environment)


__all__ = ["TimingJob", "Timings", "drifted", "measurement_inputs", "time_networks"]
