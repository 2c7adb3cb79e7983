"""The import backend: a table measured elsewhere, validated row by row, all or nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from hytnas.errors import DataError
from hytnas.latency.import_csv import read_latency_csv
from hytnas.pipeline.measure_latency import MeasureLatencyPaths
from hytnas.pipeline.measure_latency import run as measure
from hytnas.space import get_space

from support.params import quick_params

SPACE = get_space("table1")
IDS = [SPACE.arch_id(g) for g in SPACE.sample(3, seed=1)]


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def good_csv(tmp_path: Path) -> Path:
    rows = "\n".join(f"{a},{10.5 + i},{10 + i},{12 + i},pi3b-lab" for i, a in enumerate(IDS))
    return write(tmp_path / "pi.csv", f"arch_id,latency_ms,latency_p10_ms,latency_p90_ms,source\n{rows}\n")


def read(path: Path) -> pd.DataFrame:
    return read_latency_csv(path, SPACE, resolution=224, cost_resolution=224, device="pi3b")


def test_valid_table_is_imported_with_genome_and_costs(tmp_path: Path) -> None:
    table = read(good_csv(tmp_path))
    assert list(table["arch_id"]) == IDS
    assert list(table.columns[: 1 + SPACE.n_dims]) == ["arch_id", *SPACE.dim_names]
    assert {"params", "macs", "latency_ms", "latency_p10_ms", "latency_p90_ms", "status", "source"} <= set(table.columns)
    assert (table["params"] > 0).all() and (table["macs"] > 0).all()
    assert list(table["latency_ms"]) == [10.5, 11.5, 12.5]
    assert set(table["status"]) == {"ok"} and set(table["source"]) == {"pi3b-lab"}


@pytest.mark.parametrize(
    "text, message",
    [
        ("arch_id,latency\n{a},3\n", "missing column latency_ms; required: arch_id, latency_ms"),
        ("arch_id,latency_ms\n{a},3\n{b},fast\n", "row 2 (line 3), column latency_ms: 'fast' is not a number"),
        ("arch_id,latency_ms\n{a},\n", "row 1 (line 2), column latency_ms: empty, expected a number"),
        ("arch_id,latency_ms\n{a},-1\n", "row 1 (line 2), column latency_ms: -1 ms, expected a positive latency"),
        ("arch_id,latency_ms\n{a},3\nb9-x1,4\n", "row 2 (line 3), column arch_id: arch_id 'b9-x1'"),
        ("arch_id,latency_ms\n{a},3\n{a},4\n", "row 2 (line 3), column arch_id: " + IDS[0] + " repeats row 1"),
        ("arch_id,latency_ms,resolution\n{a},3,64\n", "row 1 (line 2), column resolution: 64 px, but latency.resolution is 224"),
        ("arch_id,latency_ms,conv1.blocks\n{a},3,9\n", "row 1 (line 2), column conv1.blocks: 9 disagrees with the arch_id"),
        ("", "not a readable CSV table"),
        ("arch_id,latency_ms\n", "no rows to import"),
    ],
)
def test_bad_input_is_one_line_naming_row_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "bad.csv", text.format(a=IDS[0], b=IDS[1]))
    with pytest.raises(DataError) as err:
        read(path)
    assert message in str(err.value)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_stage_imports_and_writes_table_and_metrics(tmp_path: Path) -> None:
    params = quick_params(latency={"backend": "import", "import_csv": str(good_csv(tmp_path)), "resolution": 224, "device": "pi3b"})
    measure(params, MeasureLatencyPaths(archs=tmp_path / "unused.csv", cache=tmp_path / "cache", out_dir=tmp_path / "lat", metrics=tmp_path / "m.json"))
    table = pd.read_csv(tmp_path / "lat" / "pi3b.csv")
    assert len(table) == 3 and (table["status"] == "ok").all()
    assert yaml.safe_load((tmp_path / "m.json").read_text())["ok"] == 3


def test_stage_script_rejects_a_bad_table_and_writes_nothing(tmp_path: Path, repo_root: Path) -> None:
    bad = write(tmp_path / "bad.csv", f"arch_id,latency_ms\n{IDS[0]},3\n{IDS[1]},n/a\n")
    params = {"latency": {"backend": "import", "import_csv": str(bad), "device": "pi3b"}}
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    run = subprocess.run(
        [sys.executable, str(repo_root / "stages" / "measure_latency.py"), "--params", str(tmp_path / "params.yaml"),
         "--out-dir", str(tmp_path / "lat"), "--metrics", str(tmp_path / "m.json"), "--cache", str(tmp_path / "c")],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f"error: {bad}: row 2 (line 3), column latency_ms: 'n/a' is not a number"
    ]
    assert not (tmp_path / "lat").exists() and not (tmp_path / "m.json").exists()
