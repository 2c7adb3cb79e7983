"""Time many networks with a measuring backend, resumably: the one timing path of every stage.

``measure_latency`` times the sampled architectures, ``train_final`` its Table II networks
(and the detection stage its detectors) through :func:`time_networks`: it asks the backend
for the device's fingerprint, keys every network's result by what the caller says identifies
the network plus what any latency depends on (:func:`measurement_inputs`), and runs the
missing ones through :func:`hytnas.runs.run_jobs`, so a rerun times only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from hytnas.config import LatencyConfig
from hytnas.latency.backend import Buildable, MeasuringBackend
from hytnas.latency.protocol import LatencyProtocol
from hytnas.runs.executor import Executor
from hytnas.runs.fingerprint import identity
from hytnas.runs.runner import Job, Redo, RunSummary, run_jobs, unique_jobs
from hytnas.runs.store import Record, ResultStore
from hytnas.seeds import arch_seed


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
    finally:
        if own:
            executor.close()
    by_key = dict(zip([job.key for job in unique_jobs(keyed)], summary.records))
    return Timings(summary, [by_key[job.key] for job in keyed], environment)


__all__ = ["TimingJob", "Timings", "measurement_inputs", "time_networks"]
