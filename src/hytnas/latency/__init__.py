"""Latency measurement: protocol, device fingerprint, backends (local, import).

::

    from hytnas.latency import LatencyProtocol, time_model, fingerprint
    stats = time_model(model, LatencyProtocol(resolution=224, threads=1, warmup=10, runs=50))
    stats.median_ms, stats.p10_ms, stats.p90_ms, stats.cv

The stage itself is :func:`hytnas.pipeline.measure_latency.run`; every stage times networks
through :func:`hytnas.latency.timing.time_networks`.
"""

from hytnas.latency.backend import MeasuringBackend, get_backend, register_backend
from hytnas.runs.fingerprint import fingerprint, identity
from hytnas.latency.protocol import RESULT_COLUMNS, LatencyProtocol, LatencyStats, summarize_times, time_model

__all__ = [
    "LatencyProtocol",
    "LatencyStats",
    "MeasuringBackend",
    "RESULT_COLUMNS",
    "fingerprint",
    "get_backend",
    "identity",
    "register_backend",
    "summarize_times",
    "time_model",
]
