"""The released space against all 3,842 rows of the authors' measurements."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from hytnas.errors import SpaceError
from hytnas.space import get_space
from hytnas.space.released import decode_accuracy_row, spec_from_row
from hytnas.space.rules import pow2_floor


def _rows(path: Path) -> list[list[float]]:
    with path.open() as handle:
        return [[float(x) for x in row] for row in csv.reader(handle) if row]


@pytest.mark.parametrize("file, ffn", [("models_lat_pre.csv", "width"), ("models_lat.csv", "ratio")])
def test_latency_rows_round_trip(paper_data: Path, file: str, ffn: str) -> None:
    space = get_space("released")
    rows = _rows(paper_data / file)
    assert len(rows) == 1769
    for row in rows:
        genome = space.from_row(row[:23], ffn=ffn)
        assert space.to_row(genome, ffn=ffn) == row[:23]
        spec = space.to_spec(genome)
        assert spec == spec_from_row(space.to_row(genome, ffn="width"))


def test_both_latency_files_describe_the_same_architectures(paper_data: Path) -> None:
    space = get_space("released")
    widths = _rows(paper_data / "models_lat_pre.csv")
    ratios = _rows(paper_data / "models_lat.csv")
    for a, b in zip(widths, ratios):
        assert space.from_row(a[:23], ffn="width") == space.from_row(b[:23], ffn="ratio")
        assert a[23] == pytest.approx(b[23] * 1000, abs=1)


def test_accuracy_rows_decode_with_inferred_layer5(paper_data: Path) -> None:
    rows = _rows(paper_data / "models_acc_pr.csv")
    assert len(rows) == 304
    counts: Counter[int] = Counter()
    for row in rows:
        decoded = decode_accuracy_row(row[:23])
        counts[decoded.layer5_candidates] += 1
        layer5 = decoded.spec.stages[-1]
        # the inferred width is consistent with the recorded feed-forward width
        assert row[19] in (layer5.width, 2 * layer5.width) or decoded.layer5_candidates == 0
        assert layer5.out_channels in {min(int(row[12] * m), 256) for m in (1, 1.5, 2)}
        assert decoded.row[:13] == tuple(row[:13]) and decoded.row[14:] == tuple(row[14:23])
        assert pow2_floor(layer5.out_channels) == layer5.width
    assert sum(counts.values()) == 304
    assert counts[0] == 0  # every row has at least one consistent layer 5 width


def test_unreachable_channels_are_named(paper_data: Path) -> None:
    row = _rows(paper_data / "models_lat_pre.csv")[0][:23]
    row[11] = 100.0
    with pytest.raises(SpaceError, match="columns 10-13"):
        get_space("released").from_row(row)
    row = _rows(paper_data / "models_lat_pre.csv")[0][:23]
    row[14] = 3.0
    with pytest.raises(SpaceError, match="att1.heads = 3"):
        get_space("released").from_row(row)
    with pytest.raises(SpaceError, match="column 2 .* is not a number"):
        get_space("released").from_row(row[:2] + ["x"] + row[3:])
