"""Named strategy settings (``search.variants``): an ablation's arms, or a strategy at its
own initial design and batch, run side by side in one comparison under their own names."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hytnas.config import parse_params
from hytnas.errors import ConfigError
from hytnas.pipeline.compare_search import CompareSearchPaths, check_search, run
from hytnas.search import resolve_entry

REPO = Path(__file__).resolve().parents[2]
SHARED = {"initial": 20, "batch": 10, "ensemble": 2, "ucb_beta": 1.0, "warm_start": False}


def test_a_variant_overrides_the_shared_keys_for_its_entry_only() -> None:
    search = {**SHARED, "variants": {"hytnas+warm": {"strategy": "hytnas", "options": {"warm_start": True, "batch": 5}}}}
    base, options = resolve_entry("hytnas+warm", search)
    assert base == "hytnas"
    assert options["warm_start"] is True and options["batch"] == 5 and options["initial"] == 20
    assert resolve_entry("hytnas", search) == ("hytnas", {"initial": 20, "batch": 10, "ensemble": 2, "ucb_beta": 1.0, "warm_start": False})


def test_a_registered_name_as_variant_changes_its_options() -> None:
    search = {**SHARED, "variants": {"hytnas-released": {"options": {"initial": 100, "batch": 50}}}}
    base, options = resolve_entry("hytnas-released", search)
    assert base == "hytnas-released" and options["initial"] == 100 and options["batch"] == 50


def test_bad_variants_are_one_line() -> None:
    with pytest.raises(ConfigError, match=r"search.strategies: unknown 'hytnass'; expected a registered strategy \(.*hytnas.*\) or a name of search.variants"):
        resolve_entry("hytnass", SHARED)
    with pytest.raises(ConfigError, match=r"search.variants.v.strategy: unknown 'nope'"):
        resolve_entry("v", {**SHARED, "variants": {"v": {"strategy": "nope"}}})
    with pytest.raises(ConfigError, match=r"search.variants.v.options: pop not an option of hytnas; expected some of"):
        resolve_entry("v", {**SHARED, "variants": {"v": {"strategy": "hytnas", "options": {"pop": 3}}}})
    params = parse_params({"search": {"strategies": ["v"], "budget": 40, "variants": {"v": {"strategy": "hytnas", "options": {"initial": 60}}}}})
    with pytest.raises(ConfigError, match=r"search.budget = 40 must exceed the initial design of v \(60 architectures\)"):
        check_search(params)


def test_variants_run_side_by_side_under_their_names(tmp_path: Path, paper_data: Path) -> None:
    params = parse_params(
        {
            "seed": 0,
            "search": {
                "strategies": ["hytnas", "hytnas+warm"], "seeds": 1, "budget": 40, "initial": 20, "batch": 10,
                "ensemble": 2, "released_dir": str(paper_data), "bounds_sample": 200, "reference_budget": 200,
                "variants": {"hytnas+warm": {"strategy": "hytnas", "options": {"warm_start": True, "solver_candidates": "final"}}},
            },
            "predictors": {"min_rows": 20},
            "executor": {"kind": "local", "workers": 1, "threads": 1},
        }
    )
    paths = CompareSearchPaths(models=tmp_path / "models", out=tmp_path / "out", metrics=tmp_path / "search.json", params_dir=REPO)
    report = run(params, paths, oracles=["released"]).report
    assert {"hytnas", "hytnas+warm"} <= set(report["released"])
    hv = pd.read_csv(tmp_path / "out" / "hv.csv")
    assert sorted(hv.strategy.unique()) == ["hytnas", "hytnas+warm"]
    first = hv[hv.strategy == "hytnas"].hv_fraction.to_numpy()
    warm = hv[hv.strategy == "hytnas+warm"].hv_fraction.to_numpy()
    assert np.array_equal(first[:20], warm[:20])  # the same initial design
    assert not np.array_equal(first, warm)  # then the variant's own choices


def test_gp_warm_of_params_yaml_finds_the_known_front(zdt) -> None:
    """Our strategy, as params.yaml names it: GP-MOBO with DGEMO's choices, an initial design of
    10, one point per iteration until 1.5% of the evaluated set is more, the GP's
    hyperparameters re-optimised every 5th iteration."""
    from hytnas.config import load_params
    from hytnas.search import get_strategy, hv_curve

    search = load_params(REPO / "params.yaml").search.model_dump()
    base, options = resolve_entry("gp-warm", search)
    assert base == "gp-mobo"
    assert options["warm_start"] is True and options["solver_candidates"] == "final"
    assert (options["hvi_on"], options["hvi_space"]) == ("mean", "value")
    resolved = get_strategy(base, **options).options
    assert (resolved["initial"], resolved["batch"], resolved["n_gen"], resolved["refit_every"]) == (10, 1, 20, 5)
    assert resolved["batch_growth"] == 0.015
    history = get_strategy(base, **{**options, "pop_size": 40}).run(zdt.problem, budget=40, seed=0)
    assert history.n_evals == 40 and (history.iteration == 0).sum() == 10
    # 40 of 4,096 genomes: uniform sampling expects 0.08 of the 8 Pareto-optimal ones.
    assert zdt.hits(history.X) >= 4
    assert hv_curve(history, zdt.bounds)[-1] >= 0.98 * zdt.hv
