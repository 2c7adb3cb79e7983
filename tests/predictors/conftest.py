"""Fixtures: the authors' tables (small slices for speed) and synthetic pipeline tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hytnas.archs import genome_frame
from hytnas.predictors.features import cost_features
from hytnas.predictors.tables import Table, read_released_dir
from hytnas.space import get_space

PAPER_DATA = Path(__file__).parents[2].parent / "shared" / "paper-data"


@pytest.fixture(scope="session")
def released() -> dict[str, Table]:
    if not (PAPER_DATA / "models_lat_pre.csv").exists():
        pytest.fail(f"the authors' measurements are expected at {PAPER_DATA}")
    return read_released_dir(PAPER_DATA, duplicates="keep")


@pytest.fixture(scope="session")
def released_dir() -> Path:
    return PAPER_DATA


def synthetic_frame(n: int = 80, seed: int = 0, space: str = "table1") -> pd.DataFrame:
    """A pipeline-format table: arch_id, genome columns, params, macs, val_acc, latency_ms, status."""
    sp = get_space(space)
    genomes = sp.sample(n, seed=seed)
    frame = genome_frame(sp, genomes)
    costs = cost_features([sp.to_spec(g) for g in genomes], 224)
    macs = costs[:, :5].sum(1)
    rng = np.random.default_rng(seed)
    frame["params"] = costs[:, 10 + 1]
    frame["macs"] = macs
    frame["val_acc"] = 0.7 + 0.1 * np.log(macs) / np.log(macs).max() + rng.normal(0, 0.005, n)
    frame["latency_ms"] = 5 + macs / 1e6 * (1 + rng.normal(0, 0.02, n))
    frame["status"] = "ok"
    return frame


@pytest.fixture(scope="session")
def make_frame():
    """The :func:`synthetic_frame` factory."""
    return synthetic_frame


@pytest.fixture()
def pipeline_csv(tmp_path: Path) -> Path:
    path = tmp_path / "table.csv"
    synthetic_frame().to_csv(path, index=False)
    return path
