"""The paper's claim figure, NSGA-II's evaluations to 95% over a strategy's, and its bound."""

from __future__ import annotations

from hytnas.search.scoring import BOUND_KEY, RATIO_KEY, nsga2_ratios


def _stats(median: float, reached: int, seeds: int = 10) -> dict:
    return {"seeds": seeds, "evals_to_95pct_median": median, "reached_95pct_runs": reached}


def test_ratio_is_exact_or_a_bound_by_which_medians_are_real_counts() -> None:
    entry = {
        "nsga2": _stats(900.0, 9),
        "fast": _stats(150.0, 10),
        "slow": _stats(1001.0, 1),
        "stage_seconds": 12.0,
    }
    ratios = nsga2_ratios(entry)
    assert set(ratios) == {"fast", "slow"}
    assert ratios["fast"] == {RATIO_KEY: 6.0, BOUND_KEY: "exact"}
    assert ratios["slow"] == {RATIO_KEY: round(900 / 1001, 4), BOUND_KEY: "at most"}

    entry["nsga2"] = _stats(1001.0, 5)  # half the runs is not a majority: NSGA-II's median is a bound
    ratios = nsga2_ratios(entry)
    assert ratios["fast"] == {RATIO_KEY: round(1001 / 150, 4), BOUND_KEY: "at least"}
    assert ratios["slow"] == {RATIO_KEY: None, BOUND_KEY: "unmeasured"}


def test_no_nsga2_no_ratios() -> None:
    assert nsga2_ratios({"fast": _stats(150.0, 10)}) == {}


def test_nsga2_runs_continued_past_the_budget_make_its_median_a_count() -> None:
    from hytnas.search.scoring import NSGA2_BUDGET_KEY, PAST_BUDGET_KEY, add_nsga2_ratios

    past = {PAST_BUDGET_KEY: 3000, "past_budget_evals_to_95pct_median": 1010.0, "past_budget_reached_95pct_runs": 10}
    entry = {"nsga2": {**_stats(995.0, 5), **past}, "fast": _stats(200.0, 10), "slow": _stats(1001.0, 1)}
    ratios = nsga2_ratios(entry)
    assert ratios["fast"] == {RATIO_KEY: 5.05, BOUND_KEY: "exact", NSGA2_BUDGET_KEY: 3000}
    assert ratios["slow"] == {RATIO_KEY: round(1010 / 1001, 4), BOUND_KEY: "at most", NSGA2_BUDGET_KEY: 3000}

    # NSGA-II's median within the budget is real: the continued runs are not needed
    entry["nsga2"] = {**_stats(900.0, 9), **past}
    assert nsga2_ratios(entry)["fast"] == {RATIO_KEY: 4.5, BOUND_KEY: "exact"}

    # continued runs that still reach 95% in too few runs leave the bound
    entry["nsga2"] = {**_stats(1001.0, 2), **past, "past_budget_reached_95pct_runs": 4}
    assert nsga2_ratios(entry)["fast"] == {RATIO_KEY: round(1001 / 200, 4), BOUND_KEY: "at least"}

    # a second call replaces the first's figures
    entry["nsga2"] = {**_stats(995.0, 5), **past}
    add_nsga2_ratios(entry)
    entry["nsga2"] = _stats(900.0, 9)
    add_nsga2_ratios(entry)
    assert NSGA2_BUDGET_KEY not in entry["fast"] and entry["fast"][RATIO_KEY] == 4.5


def test_reach_past_budget_extends_the_comparisons_own_runs() -> None:
    import numpy as np

    from hytnas.runs.executor import InlineExecutor
    from hytnas.search import bounds_from_sample, evaluations_to_reach, hv_curve
    from hytnas.search.compare import SearchJob, run_searches
    from hytnas.search.scoring import reach_past_budget
    from hytnas.search.synthetic import proxy_objective
    from hytnas.space import get_space

    class Synthetic:
        name = "synthetic"

        def __call__(self):
            space = get_space("table1")
            return space, proxy_objective(space, seed=0)

    factory = Synthetic()
    space, objective = factory()
    bounds = bounds_from_sample(objective, space, n=2000, seed=0)
    short = run_searches([SearchJob(factory, "nsga2", seed, 100, {"pop_size": 20}) for seed in (0, 1, 2)], InlineExecutor())
    curves = [hv_curve(h, bounds) for h in short]
    reference_hv = max(c[-1] for c in curves) / 0.9  # no run of 100 evaluations reaches 95% of it
    past = reach_past_budget(factory, "nsga2", {"pop_size": 20}, (0, 1, 2), 600, bounds, reference_hv, (0.9, 0.95))
    assert past["past_budget"] == 600
    # the runs continued are the short runs with more evaluations: the same first 100 HVs
    long = run_searches([SearchJob(factory, "nsga2", seed, 600, {"pop_size": 20}) for seed in (0, 1, 2)], InlineExecutor())
    for a, b in zip(short, long):
        np.testing.assert_array_equal(a.F, b.F[:100])
    evals = [evaluations_to_reach(hv_curve(h, bounds, pad_to=600), 0.95 * reference_hv, budget=600) for h in long]
    assert past["past_budget_evals_to_95pct_median"] == float(np.median(evals))
    assert past["past_budget_reached_95pct_runs"] == sum(e <= 600 for e in evals)
    assert all(e > 100 for e in evals)
