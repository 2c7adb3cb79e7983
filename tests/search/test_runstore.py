"""Stored search runs: a comparison re-run, extended by a strategy or killed half-way runs only
the runs it has not got, and gets the same histories; anything that determines a run (the
oracle's values, the options, the seed) makes a new one."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hytnas.config import parse_params
from hytnas.pipeline.compare_search import CompareSearchPaths, run
from hytnas.runs.executor import InlineExecutor, TaskFailed
from hytnas.runs.store import ResultStore
from hytnas.search.compare import SearchJob, run_searches
from hytnas.search.runstore import code_digest, oracle_digest
from hytnas.search.synthetic import proxy_objective
from hytnas.space import get_space

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Synthetic:
    """An oracle factory: the synthetic proxy objective of ``table1`` drawn with ``seed``."""

    name: str = "synthetic"
    seed: int = 0

    def __call__(self):
        space = get_space("table1")
        return space, proxy_objective(space, seed=self.seed)


FAST = {"initial": 10, "batch": 5, "pop_size": 20, "n_gen": 5, "ensemble": 2}


def _jobs(factory=Synthetic(), seeds=(0, 1), options=FAST) -> list[SearchJob]:
    return [SearchJob(factory, "nsga2", s, 30, {"pop_size": 10}) for s in seeds] + [
        SearchJob(factory, "hytnas", s, 30, dict(options)) for s in seeds
    ]


def _same(a, b) -> None:
    assert (a.strategy, a.seed, a.budget, a.wall_time) == (b.strategy, b.seed, b.budget, b.wall_time)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.F, b.F)
    np.testing.assert_array_equal(a.iteration, b.iteration)
    assert a.X.dtype == b.X.dtype == np.int64
    assert a.timings == b.timings


def test_a_second_comparison_reads_every_run_back(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "runs")
    first = run_searches(_jobs(), InlineExecutor(), store=store)
    assert len(store) == 4
    seen = []
    again = run_searches(_jobs(), InlineExecutor(), progress=lambda job, h: seen.append((job.strategy, job.seed)), store=ResultStore(tmp_path / "runs"))
    for a, b in zip(first, again):
        _same(a, b)  # the same wall time too: read back, not run again
    assert sorted(seen) == sorted((j.strategy, j.seed) for j in _jobs())
    # and a stored run is the run the same job gives without a store (same seed, same history)
    fresh = run_searches(_jobs()[2:3], InlineExecutor())[0]
    np.testing.assert_array_equal(fresh.X, again[2].X)
    np.testing.assert_array_equal(fresh.F, again[2].F)


def test_what_determines_a_run_is_in_its_key(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "runs")
    run_searches(_jobs(seeds=(0,)), InlineExecutor(), store=store)
    assert len(store) == 2
    run_searches(_jobs(seeds=(0,), options={**FAST, "ensemble": 3}), InlineExecutor(), store=store)
    assert len(store) == 3  # other options: hytnas again, nsga2 read back
    run_searches(_jobs(Synthetic(seed=1), seeds=(0,)), InlineExecutor(), store=store)
    assert len(store) == 5  # an oracle that predicts otherwise: both again
    run_searches(_jobs(Synthetic(name="synthetic", seed=0), seeds=(1,)), InlineExecutor(), store=store)
    assert len(store) == 7  # another seed
    relabelled = [SearchJob(Synthetic(), "nsga2", 0, 30, {"pop_size": 10}, label="nsga2-small")]
    history = run_searches(relabelled, InlineExecutor(), store=store)[0]
    assert history.strategy == "nsga2-small" and len(store) == 8


def test_the_oracle_digest_follows_its_values_and_the_code_digest_is_stable() -> None:
    assert oracle_digest(Synthetic()) == oracle_digest(Synthetic(name="another name"))
    assert oracle_digest(Synthetic(seed=0)) != oracle_digest(Synthetic(seed=1))
    assert code_digest() == code_digest() and len(code_digest()) == 20


def test_a_killed_comparison_keeps_the_runs_it_finished(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "runs")
    broken = _jobs(seeds=(0,))[:1] + [SearchJob(Synthetic(), "hytnas", 0, 30, {**FAST, "batch": 0})]
    with pytest.raises(TaskFailed, match="hytnas seed 0 failed: ConfigError: .*batch"):
        run_searches(broken, InlineExecutor(), store=store)
    records = {r["inputs"]["strategy"]: r for r in (json.loads(p.read_text()) for p in (tmp_path / "runs").glob("*.json"))}
    assert records["nsga2"]["status"] == "ok" and len(records["nsga2"]["result"]["X"]) == 30  # finished before the failure
    assert records["hytnas"]["status"] == "error"
    with pytest.raises(TaskFailed, match="hytnas seed 0 failed"):  # the stored failure is raised again
        run_searches(broken, InlineExecutor(), store=store)


def test_an_unreadable_record_runs_again(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = ResultStore(tmp_path / "runs")
    first = run_searches(_jobs(seeds=(0,))[:1], InlineExecutor(), store=store)[0]
    path = next((tmp_path / "runs").glob("*.json"))
    data = json.loads(path.read_text())
    data["result"]["F"] = "not a list"
    path.write_text(json.dumps(data))
    with caplog.at_level(logging.WARNING):
        again = run_searches(_jobs(seeds=(0,))[:1], InlineExecutor(), store=store)[0]
    assert "not a whole history" in caplog.text and "running it again" in caplog.text
    np.testing.assert_array_equal(first.F, again.F)
    assert isinstance(json.loads(path.read_text())["result"]["F"], list)  # stored again, whole


@pytest.mark.slow
def test_the_stage_with_a_store_runs_only_the_added_strategy(tmp_path: Path, paper_data: Path, caplog: pytest.LogCaptureFixture) -> None:
    def params(strategies: list[str]):
        return parse_params(
            {
                "seed": 0,
                "search": {
                    "strategies": strategies, "seeds": 2, "budget": 40, "initial": 20, "batch": 10, "ensemble": 2,
                    "released_dir": str(paper_data), "bounds_sample": 200, "reference_budget": 200,
                },
                "predictors": {"min_rows": 20},
            }
        )

    def paths(name: str) -> CompareSearchPaths:
        return CompareSearchPaths(models=tmp_path / name / "models", out=tmp_path / name / "out",
                                  metrics=tmp_path / name / "search.json", params_dir=REPO)

    store = tmp_path / "runs"
    run(params(["random", "nsga2"]), paths("a"), oracles=["released"], executor=InlineExecutor(), store=store)
    with caplog.at_level(logging.INFO, logger="hytnas.search.compare"):
        both = run(params(["random", "nsga2", "hytnas"]), paths("b"), oracles=["released"], executor=InlineExecutor(), store=store)
    assert "search runs: 4 of 6 from the store" in caplog.text
    joint = run(params(["random", "nsga2", "hytnas"]), paths("c"), oracles=["released"], executor=InlineExecutor())
    # the extended comparison is the comparison run in one go (wall times aside)
    hv_b = pd.read_csv(tmp_path / "b" / "out" / "hv.csv").drop(columns="seconds")
    hv_c = pd.read_csv(tmp_path / "c" / "out" / "hv.csv").drop(columns="seconds")
    pd.testing.assert_frame_equal(hv_b, hv_c)
    assert (tmp_path / "b" / "out" / "fronts.csv").read_bytes() == (tmp_path / "c" / "out" / "fronts.csv").read_bytes()
    assert both.comparisons[0][1].reference_hv == joint.comparisons[0][1].reference_hv
