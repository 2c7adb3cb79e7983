"""Reading measurement tables: the authors' files, pipeline CSVs, and bad input."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hytnas.errors import DataError
from hytnas.predictors.tables import (
    TableWarning,
    apply_duplicates,
    read_pipeline_table,
    read_released_table,
    read_table,
)
from hytnas.space import get_space


def test_released_tables(released) -> None:
    acc, lat = released["accuracy"], released["latency"]
    assert (len(acc), len(lat)) == (304, 1769)
    assert acc.space == lat.space == "released"
    assert acc.unit == "%" and 74 < acc.y.min() < acc.y.max() < 85
    assert lat.unit == "ms" and 600 < lat.y.min() < lat.y.max() < 3200
    assert acc.genomes is None and lat.genomes.shape == (1769, 23)
    assert acc.encoding.shape == (304, 23) and len(acc.specs) == 304
    # the accuracy file repeats 18 encodings (rows 254-271 = rows 272-289)
    assert len(set(acc.keys)) == 286
    assert [acc.keys[i] for i in range(254, 272)] == [acc.keys[i] for i in range(272, 290)]


def test_duplicate_policies(released) -> None:
    acc = released["accuracy"]
    last, mean = apply_duplicates(acc, "last"), apply_duplicates(acc, "mean")
    assert len(last) == len(mean) == 286
    i = last.keys.index(acc.keys[254])
    assert last.y[i] == acc.y[272]
    assert mean.y[i] == pytest.approx((acc.y[254] + acc.y[272]) / 2)
    with pytest.raises(DataError, match="duplicates policy"):
        apply_duplicates(acc, "first")  # type: ignore[arg-type]


def test_released_nan_targets_dropped_with_count(released_dir: Path, tmp_path: Path) -> None:
    rows = (released_dir / "models_acc_pr.csv").read_text().splitlines()
    rows[3] = ",".join(rows[3].split(",")[:23] + ["nan"])
    rows[5] = ",".join(rows[5].split(",")[:23] + [""])
    path = tmp_path / "models_acc_pr.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.warns(TableWarning, match="dropped 2 of 304 rows"):
        table = read_released_table(path, "accuracy")
    assert len(table) == 302
    with pytest.raises(DataError, match="only 302 rows .* at least 400"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read_released_table(path, "accuracy", min_rows=400)


def test_released_bad_row_is_named(released_dir: Path, tmp_path: Path) -> None:
    rows = (released_dir / "models_lat_pre.csv").read_text().splitlines()
    fields = rows[6].split(",")
    fields[14] = "3"  # heads 3 is not a choice
    rows[6] = ",".join(fields)
    path = tmp_path / "models_lat_pre.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError, match=r"row 7 does not decode in space released: .*att1.heads = 3"):
        read_released_table(path, "latency")


def test_pipeline_table(pipeline_csv: Path) -> None:
    table = read_pipeline_table(pipeline_csv, "table1", "latency_ms")
    assert len(table) == 80 and table.unit == "ms"
    assert table.genomes.shape == (80, 18)
    space = get_space("table1")
    assert table.keys[0] == space.arch_id(table.genomes[0])
    acc = read_pipeline_table(pipeline_csv, "table1", "val_acc")
    assert acc.unit == "%" and acc.y.min() > 50  # fractions become %


def test_pipeline_status_and_nan(tmp_path: Path, make_frame) -> None:
    frame = make_frame(40)
    frame.loc[[1, 2], "status"] = "failed"
    frame.loc[[5], "latency_ms"] = np.nan
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    with pytest.warns(TableWarning, match="dropped 1 of 38 rows with a missing or non-numeric latency_ms"):
        table = read_pipeline_table(path, "table1", "latency_ms")
    assert len(table) == 37


def test_pipeline_bad_arch_id_names_row(tmp_path: Path, make_frame) -> None:
    frame = make_frame(30)
    frame.loc[4, "arch_id"] = "b9e4c16-nonsense"
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match=r"t.csv: data row 5 \(line 6, arch_id 'b9e4c16-nonsense'\) does not decode in space table1"):
        read_pipeline_table(path, "table1", "latency_ms")


def test_pipeline_genome_column_must_agree(tmp_path: Path, make_frame) -> None:
    frame = make_frame(30)
    frame.loc[2, "conv1.blocks"] = 9
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataError, match="data row 3 .* column conv1.blocks = 9"):
        read_pipeline_table(path, "table1", "latency_ms")


def test_pipeline_table_of_another_space(pipeline_csv: Path) -> None:
    with pytest.raises(DataError, match="data row 1 .* does not decode in space released"):
        read_pipeline_table(pipeline_csv, "released", "latency_ms")


def test_missing_column_and_file(pipeline_csv: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="missing column.*energy_mj"):
        read_pipeline_table(pipeline_csv, "table1", "energy_mj")
    with pytest.raises(DataError, match="no such table"):
        read_table(tmp_path / "nope.csv", "table1", "latency_ms")


def test_read_table_detects_released_files(released_dir: Path) -> None:
    table = read_table(released_dir / "models_lat_pre.csv", "released", "latency_ms")
    assert len(table) == 1769
    frame = pd.read_csv(released_dir / "models_acc_pr.csv", header=None)
    assert len(read_table(released_dir / "models_acc_pr.csv", "released", "val_acc")) == len(frame)
