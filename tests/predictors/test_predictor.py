"""Fitted predictors: saved with their metadata, loaded, and fed genomes of their own space only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hytnas.errors import DataError
from hytnas.predictors import fit_predictor, load_predictor, read_pipeline_table
from hytnas.space import get_space


@pytest.fixture(scope="module")
def latency_subset(released):
    return released["latency"].subset(np.arange(300))


def test_save_load_and_predict_genomes(latency_subset, tmp_path: Path) -> None:
    predictor = fit_predictor(latency_subset, "xgboost", seed=0)
    assert predictor.transform == "log"
    folder = predictor.save(tmp_path / "lat")
    meta = json.loads((folder / "predictor.json").read_text())
    assert meta["space"] == "released" and meta["transform"] == "log" and meta["model"] == "xgboost"
    assert meta["feature_set"] == "costs" and len(meta["feature_names"]) == meta["feature_names"].__len__() > 23
    assert meta["file"] == "model.json"
    json.loads((folder / "model.json").read_text())  # XGBoost's native JSON

    loaded = load_predictor(folder)
    space = get_space("released")
    by_table = predictor.predict_table(latency_subset)
    by_genome = loaded.predict_genomes(space, latency_subset.genomes)
    np.testing.assert_allclose(by_genome, by_table, rtol=1e-5)
    assert 600 < by_genome.min() and by_genome.max() < 3500
    assert loaded.predict_genomes(space, latency_subset.genomes[0]).shape == (1,)


def test_refuses_another_space(latency_subset, tmp_path: Path) -> None:
    predictor = fit_predictor(latency_subset, "lightgbm", feature_set="encoding")
    table1 = get_space("table1")
    with pytest.raises(DataError, match="fitted on space 'released' was given genomes of space 'table1'"):
        predictor.predict_genomes(table1, table1.sample(3, seed=0))
    with pytest.raises(DataError, match="expects n x 23 features"):
        predictor.predict_features(np.zeros((2, 18)))


def test_accuracy_predictor_on_pipeline_table(pipeline_csv: Path, tmp_path: Path) -> None:
    table = read_pipeline_table(pipeline_csv, "table1", "val_acc")
    predictor = fit_predictor(table, "mlp2", resolution=64)
    assert predictor.transform == "none" and predictor.unit == "%"
    loaded = load_predictor(predictor.save(tmp_path / "acc"))
    space = get_space("table1")
    np.testing.assert_allclose(
        loaded.predict_genomes(space, table.genomes), predictor.predict_table(table), rtol=1e-5
    )
    with pytest.raises(DataError, match="fitted on space 'table1' cannot score a table of space 'released'"):
        class Other:
            space = "released"
        loaded.predict_table(Other())  # type: ignore[arg-type]


def test_refuses_changed_feature_order(latency_subset, tmp_path: Path) -> None:
    folder = fit_predictor(latency_subset, "costsum").save(tmp_path / "p")
    meta = json.loads((folder / "predictor.json").read_text())
    meta["feature_names"][30], meta["feature_names"][31] = meta["feature_names"][31], meta["feature_names"][30]
    (folder / "predictor.json").write_text(json.dumps(meta))
    space = get_space("released")
    with pytest.raises(DataError, match="first difference: op_"):
        load_predictor(folder).predict_genomes(space, latency_subset.genomes[:3])


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not a saved predictor"):
        load_predictor(tmp_path)
    (tmp_path / "predictor.json").write_text("{")
    with pytest.raises(DataError, match="not valid JSON"):
        load_predictor(tmp_path)


def test_builder_features_cached(latency_subset) -> None:
    pytest.importorskip("hytnas.nn.measure")
    predictor = fit_predictor(latency_subset.subset(np.arange(60)), "costsum", feature_set="builder")
    space = get_space("released")
    genomes = latency_subset.genomes[:10]
    first = predictor.predict_genomes(space, genomes)
    assert len(predictor._cache) == 10
    np.testing.assert_array_equal(predictor.predict_genomes(space, genomes), first)


def test_predict_genomes_batch_is_fast(latency_subset) -> None:
    """Not a timing assertion: checks a 2,000-genome batch goes through in one call."""
    predictor = fit_predictor(latency_subset, "xgboost")
    space = get_space("released")
    genomes = space.sample(2000, seed=0)
    out = predictor.predict_genomes(space, genomes)
    assert out.shape == (2000,) and np.isfinite(out).all()
    assert len(predictor._cache) == 2000
    np.testing.assert_array_equal(predictor.predict_genomes(space, genomes[::-1]), out[::-1])
