"""``hytnas predictors fit / eval / predict``."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from hytnas.errors import DataError
from hytnas.predictors.commands import add_commands
from hytnas.space import get_space


def _cli(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="hytnas")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    args.func(args)


def test_fit_then_predict(pipeline_csv: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "pred"
    _cli(["predictors", "fit", "--space", "table1", "--table", str(pipeline_csv), "--target", "latency_ms",
          "--model", "lightgbm", "--out", str(out)])
    assert (out / "predictor.json").exists() and (out / "model.txt").exists()
    arch = get_space("table1").example_arch_id()
    _cli(["predictors", "predict", str(out), "--space", "table1", arch])
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed[-1].startswith(arch + "\t") and float(printed[-1].split("\t")[1]) > 0


def test_eval_prints_table(pipeline_csv: Path, tmp_path: Path, capsys) -> None:
    _cli(["predictors", "eval", "--space", "table1", "--table", str(pipeline_csv), "--target", "val_acc",
          "--models", "costsum,xgboost", "--folds", "3", "--repeats", "1", "--csv", str(tmp_path / "s.csv")])
    text = capsys.readouterr().out
    assert "3-fold cross-validation" in text and "costsum" in text and "xgboost" in text
    assert (tmp_path / "s.csv").exists()


def test_eval_unknown_model(pipeline_csv: Path) -> None:
    with pytest.raises(DataError, match="unknown predictor"):
        _cli(["predictors", "eval", "--space", "table1", "--table", str(pipeline_csv), "--target", "val_acc",
              "--models", "forest"])


def test_released_file_by_cli(released_dir: Path, tmp_path: Path, capsys) -> None:
    _cli(["predictors", "fit", "--space", "released", "--table", str(released_dir / "models_acc_pr.csv"),
          "--target", "val_acc", "--model", "costsum", "--out", str(tmp_path / "a")])
    assert "on 304 rows" in capsys.readouterr().out
