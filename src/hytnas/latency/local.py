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

from hytnas.errors import DataError
from hytnas.executor import Executor, is_out_of_memory, make_executor, one_line, outcome
from hytnas.latency.backend import Buildable
from hytnas.latency.fingerprint import fingerprint, identity
from hytnas.latency.protocol import LatencyProtocol, time_model


@dataclass(frozen=True)
class LocalPayload:
    """One architecture to time: its space, ``arch_id``, the protocol and the input seed."""

    space: str
    arch_id: str
    protocol: LatencyProtocol
    seed: int = 0


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
        stats = time_model(model, protocol, seed=seed)
    except Exception as err:  # noqa: BLE001
        if is_out_of_memory(err):
            return outcome("out_of_memory", one_line(err), source=source)
        if isinstance(err, RuntimeError) and ("size" in str(err) or "shape" in str(err)):
            return outcome("invalid_arch", f"does not run at {protocol.resolution} px: {one_line(err)}", source=source)
        raise
    return outcome("ok", result=stats.to_result(), source=source)


def _build_from_space(space_name: str, arch_id: str) -> Any:
    from hytnas.nn import build_model
    from hytnas.space import get_space

    space = get_space(space_name)
    return build_model(space.to_spec(space.parse_arch_id(arch_id)), num_classes=2)


def local_latency_task(payload: LocalPayload) -> dict[str, Any]:
    """Build and time one architecture of a search space here (:func:`time_network`)."""
    return time_network(partial(_build_from_space, payload.space, payload.arch_id), payload.protocol, payload.seed)


def network_latency_task(payload: NetworkPayload) -> dict[str, Any]:
    """Build and time any network here (:func:`time_network`)."""
    return time_network(payload.network.build, payload.protocol, payload.seed)


class LocalBackend:
    """Times networks where the executor runs them (this machine, or a Dask cluster).

    Args:
        protocol: the measurement protocol.
        executor_cfg: the ``executor`` params section.
        workers: concurrent measurements with the local executor (``latency.workers``).
    """

    name = "local"
    task = staticmethod(local_latency_task)
    network_task = staticmethod(network_latency_task)

    def __init__(self, protocol: LatencyProtocol, executor_cfg: Any, workers: int = 1) -> None:
        self.protocol = protocol
        self.executor_cfg = executor_cfg
        self.workers = workers

    @classmethod
    def from_config(cls, *, protocol: LatencyProtocol, executor_cfg: Any, latency_cfg: Any) -> "LocalBackend":
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

    def payload(self, space: str, arch_id: str, seed: int) -> LocalPayload:
        return LocalPayload(space, arch_id, self.protocol, seed)

    def network_payload(self, network: Buildable, seed: int) -> NetworkPayload:
        return NetworkPayload(network, self.protocol, seed)
