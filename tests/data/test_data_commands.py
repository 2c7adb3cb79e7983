"""``hytnas data ...`` sub-commands, through a parser built from add_commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd
import pytest

from support.coco import annotation, write_coco
from hytnas.data.commands import add_commands


def _run(*argv: str) -> None:
    parser = argparse.ArgumentParser(prog="hytnas")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    args.func(args)


def test_synth_then_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run("data", "synth", str(tmp_path / "s"), "--images", "6", "--size", "48", "--workers", "1")
    assert "synth: 6 scenes" in capsys.readouterr().out
    train = tmp_path / "s" / "annotations" / "instances_train.json"
    val = tmp_path / "s" / "annotations" / "instances_val.json"
    _run("data", "labels", str(train), str(val), "--out", str(tmp_path / "labels.csv"))
    summary = json.loads(capsys.readouterr().out)
    assert summary["images"] == 6
    assert len(pd.read_csv(tmp_path / "labels.csv")) == 6


def test_labels_variant_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    images = [{"id": i, "file_name": f"{i}.jpg", "width": 100, "height": 100} for i in (1, 2)]
    path = write_coco(tmp_path / "i.json", images, [annotation(1, 1, 100, (10, 10)), annotation(2, 2, 300, (20, 20))])
    _run("data", "labels", str(path), "--variant", "mlperf-tiny")
    summary = json.loads(capsys.readouterr().out)
    assert summary["images"] == 1 and summary["skipped_small_persons"] == 1
    _run("data", "labels", str(path), "--threshold", "0.02")
    assert json.loads(capsys.readouterr().out)["persons_below_threshold"] == 1
