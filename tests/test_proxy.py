"""Stage proxy_train as a library: keys, failures, the table and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from hytnas.data.sources import SyntheticData, data_digest
from hytnas.pipeline.proxy_train import ProxyPayload, ProxyTrainPaths, proxy_inputs, proxy_task, run, spread_above_noise
from hytnas.runs import InlineExecutor, make_key
from hytnas.space import get_space
from hytnas.training import Recipe, TrainingSetup

from support.archs import tiny_genomes, write_archs
from support.data import write_vww
from support.params import quick_params

SPACE = get_space("table1")
TINY = SPACE.arch_id(tiny_genomes(1)[0])
DATA = SyntheticData(train=64, val=32, resolution=32)


def key(params, arch_id: str = TINY) -> str:
    return make_key(proxy_inputs(params, arch_id, "digest", "cpu"))


def test_key_follows_exactly_the_params_that_matter() -> None:
    base = quick_params()
    assert key(base) == key(quick_params(executor={"kind": "local", "workers": 2, "threads": 1}))
    assert key(base) == key(quick_params(proxy={"momentum": 0.5}))  # adamw ignores momentum
    assert key(base) == key(quick_params(proxy={"amp": False}))  # no GPU: amp is inert
    assert key(base) != key(quick_params(proxy={"epochs": 2}))
    assert key(base) != key(quick_params(proxy={"optimizer": "sgd"}))
    assert key(quick_params(proxy={"optimizer": "sgd"})) != key(quick_params(proxy={"optimizer": "sgd", "momentum": 0.5}))
    assert key(base) != key(quick_params(proxy={"train_images": 10}))
    assert key(base) != key(base, SPACE.arch_id(tiny_genomes(2)[1]))
    assert make_key(proxy_inputs(base, TINY, "a", "cpu")) != make_key(proxy_inputs(base, TINY, "b", "cpu"))


def test_data_digest_sees_every_array() -> None:
    a = DATA.load()
    b = SyntheticData(train=64, val=32, resolution=32, seed=1).load()
    assert data_digest(a) == data_digest(DATA.load()) != data_digest(b)


@pytest.mark.parametrize(
    "arch_id, recipe, status, message",
    [
        ("b9e1c8-nonsense", Recipe(epochs=1, batch_size=32), "invalid_arch", "does not build or run at 32 px"),
        (TINY, Recipe(epochs=1, batch_size=32, lr=1e30, warmup_epochs=0), "diverged", "training loss is"),
    ],
)
def test_failures_are_outcomes_not_exceptions(arch_id: str, recipe: Recipe, status: str, message: str) -> None:
    out = proxy_task(ProxyPayload("table1", arch_id, TrainingSetup(recipe, 0, DATA)))
    assert out["status"] == status and message in out["message"] and out["result"] == {}


def test_a_one_image_last_batch_on_a_one_pixel_feature_map_trains() -> None:
    """33 training images in batches of 32 at 32 px: the last batch (one image) reaches a
    1 x 1 feature map, where BatchNorm cannot train; it is dropped, not a crash."""
    data = SyntheticData(train=33, val=16, resolution=32)
    out = proxy_task(ProxyPayload("table1", TINY, TrainingSetup(Recipe(epochs=1, batch_size=32), 0, data)))
    assert out["status"] == "ok", out["message"]


def test_table_report_and_store_reuse(tmp_path: Path) -> None:
    archs = write_archs(tmp_path / "archs.csv", 2)
    vww = write_vww(tmp_path / "vww", train=64, val=32)
    params = quick_params(proxy={"train_images": 48})
    paths = ProxyTrainPaths(archs=archs, data=vww, cache=tmp_path / "cache", out=tmp_path / "acc.csv", metrics=tmp_path / "proxy.json")
    table = run(params, paths, executor=InlineExecutor(), progress=False).table
    assert list(table.columns[: 1 + SPACE.n_dims]) == ["arch_id", *SPACE.dim_names]
    assert {"params", "macs", "val_acc", "best_val_acc", "train_loss", "seconds", "status", "message", "source"} <= set(table.columns)
    assert (table["status"] == "ok").all() and table["val_acc"].between(0, 100).all()
    report = json.loads((tmp_path / "proxy.json").read_text())
    assert (report["architectures"], report["ok"], report["failed"], report["trained"]) == (2, 2, 0, 2)
    assert report["val_acc_noise"] > 0 and "spread_above_noise" in report
    again = run(params, paths, executor=InlineExecutor(), progress=False).table
    pd.testing.assert_frame_equal(table, again)
    assert json.loads((tmp_path / "proxy.json").read_text())["trained"] == 0


def test_chance_level_accuracies_are_flagged() -> None:
    flat = {"val_acc_distinct": 10, "val_acc_median": 53.0, "val_majority_acc": 52.9, "val_acc_std": 3.0, "val_acc_noise": 2.3}
    assert not spread_above_noise(flat)
    assert spread_above_noise({**flat, "val_acc_median": 62.0})
    assert not spread_above_noise({**flat, "val_acc_median": 62.0, "val_acc_std": 1.0})
