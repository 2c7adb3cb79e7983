"""Stage fit_predictors end to end, on synthetic pipeline tables and on the authors' data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from hytnas.predictors import load_predictor
from hytnas.space import get_space

REPO = Path(__file__).resolve().parents[2]


def _params(tmp_path: Path, **predictors) -> Path:
    data = yaml.safe_load((REPO / "params.yaml").read_text())
    data["sample"]["space"] = "table1"
    data["executor"]["workers"] = 1
    data["predictors"].update(
        {"models": ["xgboost", "costsum"], "folds": 3, "repeats": 1, "curve_sizes": [20, 40], **predictors}
    )
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _run(tmp_path: Path, params: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "stages" / "fit_predictors.py"), "--params", str(params), *extra],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_pipeline_source(tmp_path: Path, make_frame) -> None:
    frame = make_frame(70, seed=4)
    frame.to_csv(tmp_path / "acc.csv", index=False)
    frame.to_csv(tmp_path / "lat.csv", index=False)
    done = _run(tmp_path, _params(tmp_path), "--accuracy", "acc.csv", "--latency", "lat.csv")
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "reports/predictors.json").read_text())
    assert metrics["source"] == "pipeline"
    assert set(metrics["latency"]) >= {"rows", "xgboost", "costsum", "chosen", "chosen_kendall_tau"}
    assert metrics["latency"]["xgboost"]["kendall_tau"] > 0.5
    table = pd.read_csv(tmp_path / "reports/predictors.csv")
    assert len(table) == 4 and {"table", "model", "kendall_tau_mean", "kendall_tau_std"} <= set(table.columns)
    plots = tmp_path / "reports/predictors"
    assert sorted(p.name for p in (plots / "scatter").iterdir()) == [
        "accuracy_costsum.csv", "accuracy_xgboost.csv", "latency_costsum.csv", "latency_xgboost.csv"
    ]
    scatter = pd.read_csv(plots / "scatter" / "latency_xgboost.csv")
    assert list(scatter.columns) == ["measured", "predicted"] and len(scatter) == 70
    curve = pd.read_csv(plots / "learning_curve" / "accuracy_xgboost.csv")
    assert list(curve.columns) == ["train_size", "kendall_tau", "kendall_tau_std"]
    assert list(curve["train_size"]) == [20, 40, 47]
    assert (plots / "scatter.png").stat().st_size > 1000 and (plots / "learning_curve.png").exists()
    predictor = load_predictor(tmp_path / "models/predictors/latency")
    space = get_space("table1")
    out = predictor.predict_genomes(space, space.sample(50, seed=9))
    assert out.shape == (50,) and np.isfinite(out).all()


def test_bad_table_one_line_exit_2(tmp_path: Path, make_frame) -> None:
    frame = make_frame(30)
    frame.loc[7, "arch_id"] = "garbage"
    frame.to_csv(tmp_path / "acc.csv", index=False)
    done = _run(tmp_path, _params(tmp_path), "--accuracy", "acc.csv", "--latency", "acc.csv")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "acc.csv: data row 8" in lines[0] and "does not decode in space table1" in lines[0]
    assert not (tmp_path / "reports").exists()


def test_released_needs_a_folder(tmp_path: Path) -> None:
    done = _run(tmp_path, _params(tmp_path, source="released"))
    assert done.returncode == 2 and "predictors.released_dir must be set" in done.stderr


@pytest.mark.slow
def test_released_source(tmp_path: Path, released_dir: Path) -> None:
    params = _params(tmp_path, source="released", released_dir=str(released_dir), models=["lightgbm", "costsum"])
    done = _run(tmp_path, params)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "reports/predictors.json").read_text())
    assert metrics["source"] == "released"
    assert metrics["accuracy"]["rows"] == 286 and metrics["latency"]["rows"] == 1769
    assert metrics["latency"]["lightgbm"]["kendall_tau"] > 0.7
    assert metrics["accuracy"]["lightgbm"]["kendall_tau"] > 0.7
    meta = json.loads((tmp_path / "models/predictors/latency/predictor.json").read_text())
    assert meta["space"] == "released"
