"""The search comparison runs through the job layer: on a real Dask cluster on 127.0.0.1 it
gives the same HV curves and fronts as on the local process pool."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hytnas.config import parse_params
from hytnas.pipeline.compare_search import CompareSearchPaths, run
from hytnas.runs.dask import DaskExecutor
from hytnas.runs.local import LocalExecutor

REPO = Path(__file__).resolve().parents[2]


def _params(paper_data: Path):
    return parse_params(
        {
            "seed": 0,
            "search": {
                "strategies": ["random", "nsga2", "hytnas"], "seeds": 2, "budget": 40, "initial": 20, "batch": 10,
                "ensemble": 2, "released_dir": str(paper_data), "bounds_sample": 200, "reference_budget": 200,
            },
            "predictors": {"min_rows": 20},
        }
    )


@pytest.mark.slow
def test_dask_cluster_and_local_pool_give_the_same_comparison(tmp_path: Path, paper_data: Path) -> None:
    from distributed import LocalCluster

    params = _params(paper_data)

    def paths(name: str) -> CompareSearchPaths:
        return CompareSearchPaths(models=tmp_path / name / "models", out=tmp_path / name / "out",
                                  metrics=tmp_path / name / "search.json", params_dir=REPO)

    with LocalExecutor(2, 1, quiet=True) as pool:
        local = run(params, paths("local"), oracles=["released"], executor=pool)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
        resources={"threads": 1}, silence_logs=50,
    ) as cluster:
        with DaskExecutor(cluster.scheduler_address, threads=1, timeout=10) as on_dask:
            dask = run(params, paths("dask"), oracles=["released"], executor=on_dask)

    hv_local = pd.read_csv(tmp_path / "local" / "out" / "hv.csv").drop(columns="seconds")
    hv_dask = pd.read_csv(tmp_path / "dask" / "out" / "hv.csv").drop(columns="seconds")
    assert len(hv_local) == 3 * 2 * 40
    pd.testing.assert_frame_equal(hv_local, hv_dask)
    assert (tmp_path / "local" / "out" / "fronts.csv").read_bytes() == (tmp_path / "dask" / "out" / "fronts.csv").read_bytes()

    def timeless(report: dict) -> dict:
        return {
            oracle: {s: {k: v for k, v in e.items() if k != "wall_s_mean"} for s, e in entry.items() if s != "stage_seconds"}
            for oracle, entry in report.items()
        }

    assert timeless(local.report) == timeless(dask.report)
    assert {h.strategy for _, c, _, _ in dask.comparisons for h in c.histories} == {"random", "nsga2", "hytnas"}
