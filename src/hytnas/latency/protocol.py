"""The latency measurement protocol.

One measurement of one network:

1. the network in eval mode, weights seeded from the architecture, float32, NCHW layout;
2. torch intra-op threads fixed to ``threads`` (restored afterwards), ``torch.inference_mode``;
3. one input of ``batch x 3 x resolution x resolution`` (batch 1 and 224 px as in the paper);
4. ``warmup`` untimed forward passes, then ``runs`` timed ones, each timed alone with
   ``time.perf_counter_ns`` and the garbage collector paused;
5. reported: the median (``latency_ms``), the 10th and 90th percentiles, the mean, and the
   coefficient of variation (standard deviation / mean, unitless) of the timed runs.

The protocol's fields and :data:`PROTOCOL_VERSION` are part of every result key: change one
and the affected measurements are redone.
"""

from __future__ import annotations

import gc
import time
from dataclasses import asdict, dataclass
from typing import Any, Sequence

from hytnas.latency.device_timer import RESULT_FIELDS, summarize_times as device_summary

PROTOCOL_VERSION = 1
RESULT_COLUMNS = RESULT_FIELDS
CALIBRATION_COLUMNS = ("calibration_ms", "latency_relative")
"""Result columns of a calibrating protocol: the calibration network's median (ms) right before
the network, and the network's median over it (unitless)."""


@dataclass(frozen=True)
class LatencyProtocol:
    """How one latency is measured (see the module docstring).

    Attributes:
        resolution: input side, pixels.
        threads: torch intra-op threads during timing.
        warmup: untimed forward passes first.
        runs: timed forward passes.
        batch: images per forward pass.
        calibrate: time the fixed calibration network
            (:class:`~hytnas.latency.networks.CalibrationNetwork`) right before each network and
            report ``calibration_ms`` and ``latency_relative`` (its median over the
            calibration's) beside the absolute figures.
    """

    resolution: int = 224
    threads: int = 1
    warmup: int = 10
    runs: int = 50
    batch: int = 1
    calibrate: bool = False

    @classmethod
    def from_config(cls, cfg: Any) -> "LatencyProtocol":
        """From a :class:`~hytnas.config.LatencyConfig`."""
        return cls(resolution=cfg.resolution, threads=cfg.threads, warmup=cfg.warmup, runs=cfg.runs,
                   calibrate=bool(getattr(cfg, "calibrate", False)))

    def to_dict(self) -> dict[str, Any]:
        fields = asdict(self)
        if not self.calibrate:  # results measured before the field existed keep their keys
            del fields["calibrate"]
        return {**fields, "version": PROTOCOL_VERSION}

    def describe(self) -> str:
        """The protocol in one sentence (for reports)."""
        calibration = "; the calibration network timed the same way right before each" if self.calibrate else ""
        return (
            f"batch {self.batch}, 3x{self.resolution}x{self.resolution} float32 NCHW input, eval mode, "
            f"inference_mode, {self.threads} torch thread(s), {self.warmup} warm-up then {self.runs} timed "
            f"forward passes (perf_counter_ns each, GC paused); median, p10/p90, mean, CV{calibration}"
        )


@dataclass(frozen=True)
class LatencyStats:
    """Statistics of the timed runs, milliseconds (``cv`` unitless)."""

    median_ms: float
    p10_ms: float
    p90_ms: float
    mean_ms: float
    cv: float
    runs: int

    def to_result(self) -> dict[str, float]:
        """Result columns: ``latency_ms`` (median), ``latency_p10_ms``, ``latency_p90_ms``,
        ``latency_mean_ms``, ``latency_cv``, ``runs``."""
        return dict(
            zip(RESULT_COLUMNS, (self.median_ms, self.p10_ms, self.p90_ms, self.mean_ms, self.cv, self.runs))
        )


def summarize_times(seconds: Sequence[float]) -> LatencyStats:
    """Statistics of per-run times given in seconds (``n`` runs, ``n >= 1``): the same
    computation as the device's timing program (:func:`hytnas.latency.device_timer.summarize_times`)."""
    stats = device_summary(seconds)
    return LatencyStats(*(stats[name] for name in RESULT_COLUMNS))


def time_model(model: Any, protocol: LatencyProtocol, *, seed: int = 0) -> LatencyStats:
    """Measure ``model`` (a ``torch.nn.Module``) under ``protocol``.

    The input is ``protocol.batch x 3 x resolution x resolution`` standard normal noise drawn
    from ``seed``. The model is left in eval mode; the torch thread count is restored.
    """
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(protocol.threads)
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(protocol.batch, 3, protocol.resolution, protocol.resolution, generator=generator)
    model.eval()
    times = []
    gc_was_enabled = gc.isenabled()
    try:
        with torch.inference_mode():
            for _ in range(protocol.warmup):
                model(x)
            gc.collect()
            gc.disable()
            for _ in range(protocol.runs):
                start = time.perf_counter_ns()
                model(x)
                times.append((time.perf_counter_ns() - start) * 1e-9)
    finally:
        if gc_was_enabled:
            gc.enable()
        torch.set_num_threads(previous)
    return summarize_times(times)
