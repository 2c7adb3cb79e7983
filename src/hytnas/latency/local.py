"""The ``local`` backend: time architectures on the machines the executor runs on.

Each task builds its network, times it under the protocol (:func:`time_network`) on the worker
where it lands, and returns the statistics with the worker's fingerprint. With the local
executor that is this machine; with Dask it is the cluster's workers, which must all be one
kind of hardware (checked by :meth:`LocalBackend.environment`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from hytnas.config import ExecutorConfig, LatencyConfig
from hytnas.errors import DataError
from hytnas.latency.networks import Buildable, CalibrationNetwork
from hytnas.latency.protocol import LatencyProtocol, time_model
from hytnas.runs.executor import Executor
from hytnas.runs.factory import make_executor
from hytnas.runs.fingerprint import fingerprint, identity
from hytnas.runs.outcome import is_out_of_memory, one_line, outcome


@dataclass(frozen=True)
class NetworkPayload:
    """Any network to time (built by ``network.build()`` where the task runs), the protocol
    and the input and weight seed."""

    network: Buildable
    protocol: LatencyProtocol
    seed: int = 0


def time_network(build: Callable[[], Any], protocol: LatencyProtocol, seed: int = 0) -> dict[str, Any]:
    """Build a network here (weights seeded with ``seed``) and time it under ``protocol``; an
    outcome with the :data:`~hytnas.latency.protocol.RESULT_COLUMNS` and this machine's
    fingerprint as its source, plus ``load_average_1min`` (the machine's load just before
    timing: provenance only, never part of a result key). The one timing path of
    ``measure_latency`` and ``train_final``.

    Failures: ``invalid_arch`` (the network does not build or does not run at the
    resolution), ``out_of_memory``; anything else is raised (``error`` in :func:`run_task`).
    """
    import torch

    source = {
        "backend": "local",
        "protocol": protocol.to_dict(),
        **fingerprint(protocol.threads),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    try:
        torch.manual_seed(seed)
        model = build()
    except Exception as err:  # noqa: BLE001
        return outcome("invalid_arch", one_line(err), source=source)
    try:
        calibration = time_model(CalibrationNetwork().build(), protocol, seed=0) if protocol.calibrate else None
        stats = time_model(model, protocol, seed=seed)
    except Exception as err:  # noqa: BLE001
        if is_out_of_memory(err):
            return outcome("out_of_memory", one_line(err), source=source)
        if isinstance(err, RuntimeError) and ("size" in str(err) or "shape" in str(err)):
            return outcome("invalid_arch", f"does not run at {protocol.resolution} px: {one_line(err)}", source=source)
        raise
    result = stats.to_result()
    if calibration is not None:
        result.update(calibration_ms=calibration.median_ms, latency_relative=stats.median_ms / calibration.median_ms)
    return outcome("ok", result=result, source=source)


def network_latency_task(payload: NetworkPayload) -> dict[str, Any]:
    """Build and time one network here (:func:`time_network`)."""
    return time_network(payload.network.build, payload.protocol, payload.seed)


class LocalBackend:
    """Times networks where the executor runs them (this machine, or a Dask cluster).

    Args:
        protocol: the measurement protocol.
        executor_cfg: the ``executor`` params section.
        workers: concurrent measurements with the local executor (``latency.workers``).
    """

    name = "local"
    task = staticmethod(network_latency_task)

    def __init__(self, protocol: LatencyProtocol, executor_cfg: ExecutorConfig, workers: int = 1) -> None:
        self.protocol = protocol
        self.executor_cfg = executor_cfg
        self.workers = workers

    @classmethod
    def from_config(
        cls, *, protocol: LatencyProtocol, executor_cfg: ExecutorConfig, latency_cfg: LatencyConfig
    ) -> "LocalBackend":
        return cls(protocol, executor_cfg, latency_cfg.workers)

    def executor(self) -> Executor:
        return make_executor(self.executor_cfg, threads=self.protocol.threads, workers=self.workers)

    def environment(self, executor: Executor) -> dict[str, Any]:
        prints = executor.probe(partial(fingerprint, self.protocol.threads))
        kinds = {tuple(sorted(identity(p).items())) for p in prints}
        if len(kinds) > 1:
            listed = "; ".join(f"{p.get('cpu_model')} ({p.get('machine')}, torch {p.get('torch')})" for p in prints)
            raise DataError(
                f"latency.backend = local: the executor's workers are different hardware ({listed}); "
                "time one kind of device per latency.device"
            )
        return prints[0]

    def payload(self, network: Buildable, seed: int) -> NetworkPayload:
        return NetworkPayload(network, self.protocol, seed)
