"""The calibrating protocol: the calibration network timed right before each network, the
relative figure beside the absolute one, and one re-timing of measurements whose calibration
drifted from the run's median."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hytnas.latency.protocol import CALIBRATION_COLUMNS, LatencyProtocol
from hytnas.latency.timing import drifted
from hytnas.runs.store import Record

from support.params import quick_params
from test_measure import inline, run


def test_key_of_a_non_calibrating_protocol_is_unchanged() -> None:
    assert "calibrate" not in LatencyProtocol().to_dict()
    assert LatencyProtocol(calibrate=True).to_dict()["calibrate"] is True
    assert "calibration network" in LatencyProtocol(calibrate=True).describe()


def test_calibrated_table_has_the_relative_figure(arch_table: Path, tmp_path: Path) -> None:
    params = quick_params(latency={"calibrate": True})
    table = run(params, arch_table, tmp_path)
    assert set(CALIBRATION_COLUMNS) <= set(table.columns)
    assert (table["calibration_ms"] > 0).all()
    assert table["latency_relative"].round(6).equals((table["latency_ms"] / table["calibration_ms"]).round(6))


def _record(key: str, calibration: float, **result: float) -> Record:
    return Record(key=key, arch_id=key, inputs={}, status="ok", message="", result={"calibration_ms": calibration, **result}, source={})


def test_drifted_picks_calibrations_far_from_the_median() -> None:
    records = [_record("a", 1.0), _record("b", 1.02), _record("c", 0.98), _record("d", 1.5), _record("e", 0.7, retimed=True)]
    assert drifted(records, 0.1) == {"d"}
    assert drifted(records[:2], 0.1) == set()  # too few to have a median worth the name


def test_retiming_happens_once(arch_table: Path, tmp_path: Path) -> None:
    params = quick_params(latency={"calibrate": True, "retime_tolerance": 1e-6})  # all but the median one drift
    first = run(params, arch_table, tmp_path)
    stored = [json.loads(p.read_text()) for p in sorted((tmp_path / "cache").rglob("*.json"))]
    assert sum(bool(s["result"].get("retimed")) for s in stored) == len(first) - 1
    # The median moved: the one left may drift now; a measurement re-timed once never is again.
    second, third = run(params, arch_table, tmp_path), run(params, arch_table, tmp_path)
    assert sum(a != b for a, b in zip(first["latency_ms"], second["latency_ms"])) <= 1
    assert second["latency_ms"].tolist() == third["latency_ms"].tolist()


def test_retime_tolerance_needs_calibration() -> None:
    from hytnas.errors import ConfigError

    with pytest.raises(ConfigError, match="latency.retime_tolerance = 0.1: needs latency.calibrate: true"):
        quick_params(latency={"retime_tolerance": 0.1})
