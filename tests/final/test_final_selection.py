"""Picking BL, BA and O from hand-built Pareto sets; constraints; malformed sets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from support.archs import pareto_frame, write_pareto
from hytnas.errors import DataError, HytnasError
from hytnas.final.selection import SelectionError, knee_distances, read_pareto, select
from hytnas.space import get_space

SPACE = get_space("table1")


def _roles(picks) -> dict[str, str]:
    return {p.role: p.arch_id for p in picks}


def test_bl_ba_and_knee_on_a_convex_front() -> None:
    # latency 10..40 ms, accuracy 80..90 %: the knee is the third point (scaled (0.33, 0.1)).
    front = pareto_frame(acc=[80, 85, 89, 90], lat=[10, 15, 20, 40])
    picks = select(front)
    ids = list(front["arch_id"])
    assert [p.role for p in picks] == ["BL", "BA", "O"]
    assert _roles(picks) == {"BL": ids[0], "BA": ids[3], "O": ids[2]}
    o = picks[2]
    assert o.knee_distance == pytest.approx(math.hypot(10 / 30, 1 / 10))
    assert picks[0].knee_distance == pytest.approx(1.0)
    assert [p.label for p in picks] == ["hytnas_bl", "hytnas_ba", "hytnas_o"]


def test_knee_distances_scale_each_objective_and_handle_no_spread() -> None:
    d = knee_distances(np.array([1.0, 2.0, 3.0]), np.array([50.0, 60.0, 70.0]))
    assert d == pytest.approx([1.0, math.hypot(0.5, 0.5), 1.0])
    # same latency everywhere: only accuracy counts
    assert knee_distances(np.array([5.0, 5.0]), np.array([1.0, 2.0])) == pytest.approx([1.0, 0.0])
    # same in units: scaling makes the knee independent of ms vs s
    lat, acc = np.array([10.0, 12.0, 30.0]), np.array([70.0, 79.0, 80.0])
    assert np.argmin(knee_distances(lat, acc)) == np.argmin(knee_distances(lat / 1000, acc))


def test_dominated_rows_are_ignored_and_ties_do_not_depend_on_row_order() -> None:
    # row 1 is dominated by row 0 (slower and less accurate); rows 2 and 3 tie on everything.
    front = pareto_frame(acc=[85, 84, 90, 90], lat=[10, 11, 30, 30])
    ids = list(front["arch_id"])
    picks = select(front)
    assert ids[1] not in _roles(picks).values()
    shuffled = select(front.iloc[::-1].reset_index(drop=True))
    assert _roles(picks) == _roles(shuffled)
    assert _roles(picks)["BA"] == min(ids[2], ids[3])


def test_one_row_front_gives_the_same_network_three_times() -> None:
    front = pareto_frame(acc=[80], lat=[10])
    picks = select(front)
    assert len({p.arch_id for p in picks}) == 1


def test_constraints_restrict_the_choice() -> None:
    front = pareto_frame(acc=[80, 85, 89, 90], lat=[10, 15, 20, 40], params=[15_000, 40_000, 60_000, 900_000])
    ids = list(front["arch_id"])
    assert _roles(select(front, max_params=100_000))["BA"] == ids[2]
    # two points left, both at distance 1 from the ideal point: the tie goes to the faster one
    assert _roles(select(front, max_latency_ms=15.0)) == {"BL": ids[0], "BA": ids[1], "O": ids[0]}
    assert _roles(select(front, max_params=15_000))["O"] == ids[0]


def test_unsatisfiable_constraint_is_one_line() -> None:
    front = pareto_frame(acc=[80, 90], lat=[10, 40], params=[15_000, 900_000])
    with pytest.raises(SelectionError) as info:
        select(front, max_params=1000, max_latency_ms=5.0, source="pareto.csv")
    text = str(info.value)
    assert "\n" not in text
    assert "final.max_params = 1000" in text and "final.max_latency_ms = 5" in text
    assert "fewest parameters 15000" in text
    assert isinstance(info.value, HytnasError)


def test_read_pareto_accepts_the_contract_and_counts_missing_params(tmp_path: Path) -> None:
    path = write_pareto(tmp_path / "p.csv", acc=[80, 90], lat=[10, 40])
    frame = read_pareto(path, SPACE)
    assert list(frame.columns[:1]) == ["arch_id"] and len(frame) == 2
    pareto_frame([80, 90], [10, 40]).drop(columns=["params", "macs"]).to_csv(tmp_path / "q.csv", index=False)
    counted = read_pareto(tmp_path / "q.csv", SPACE)
    assert list(counted["params"]) == list(frame["params"])


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "Pareto set not found"),
        ("", "empty file"),
        ("arch_id,pred_val_acc,pred_latency_ms\n", "has no rows"),
        ("arch_id,pred_val_acc\nx,1\n", "missing column(s) pred_latency_ms"),
        ("arch_id,pred_val_acc,pred_latency_ms\n{id},high,3\n", "row 1 (line 2), column pred_val_acc: 'high' is not a finite number"),
        ("arch_id,pred_val_acc,pred_latency_ms\n{id},80,\n", "column pred_latency_ms"),
        ("arch_id,pred_val_acc,pred_latency_ms\n{id},80,-1\n", "is not a positive latency"),
        ("arch_id,pred_val_acc,pred_latency_ms\nb9e1c8,80,3\n", "row 1 (line 2), column arch_id"),
    ],
)
def test_malformed_pareto_sets_give_one_line(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "pareto.csv"
    if content is not None:
        path.write_text(content.replace("{id}", SPACE.example_arch_id()))
    with pytest.raises(DataError) as info:
        read_pareto(path, SPACE)
    text = str(info.value)
    assert message in text, text
    assert str(path) in text
    assert "\n" not in text


def test_select_rejects_an_empty_frame() -> None:
    with pytest.raises(DataError, match="no rows"):
        select(pd.DataFrame(columns=["arch_id", "pred_val_acc", "pred_latency_ms", "params"]))


def test_select_command_prints_the_picks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from hytnas.final.commands import add_commands

    parser = argparse.ArgumentParser()
    add_commands(parser.add_subparsers(dest="command"))
    path = write_pareto(tmp_path / "p.csv", acc=[80, 85, 89, 90], lat=[10, 15, 20, 40])
    args = parser.parse_args(["final", "select", str(path), "--max-latency-ms", "30"])
    args.func(args)
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[1:]] == ["BL", "BA", "O"]
    assert out[2].split()[2] == "20.00"
