"""The measurement protocol: statistics, thread handling, what it reports."""

from __future__ import annotations

import math

import pytest
import torch

from hytnas.latency import LatencyProtocol, summarize_times, time_model
from hytnas.latency.protocol import RESULT_COLUMNS


def test_summary_statistics_in_milliseconds() -> None:
    stats = summarize_times([0.001, 0.002, 0.003, 0.004, 0.010])
    assert stats.median_ms == pytest.approx(3.0)
    assert stats.p10_ms == pytest.approx(1.4) and stats.p90_ms == pytest.approx(7.6)
    assert stats.mean_ms == pytest.approx(4.0)
    assert stats.cv == pytest.approx(math.sqrt(10.0) / 4.0)
    assert stats.runs == 5
    assert tuple(stats.to_result()) == RESULT_COLUMNS


def test_time_model_restores_threads_and_leaves_eval_mode() -> None:
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.AdaptiveAvgPool2d(1))
    before = torch.get_num_threads()
    seen: list[int] = []
    model.register_forward_hook(lambda *_: seen.append(torch.get_num_threads()))
    stats = time_model(model, LatencyProtocol(resolution=16, threads=1, warmup=2, runs=5))
    assert torch.get_num_threads() == before
    assert seen == [1] * 7
    assert not model.training
    assert stats.runs == 5 and 0 < stats.p10_ms <= stats.median_ms <= stats.p90_ms


def test_protocol_describes_itself_and_carries_a_version() -> None:
    protocol = LatencyProtocol()
    assert (protocol.resolution, protocol.batch, protocol.threads) == (224, 1, 1)
    assert "batch 1" in protocol.describe() and "224" in protocol.describe()
    assert protocol.to_dict()["version"] >= 1
