"""The paper's claim figure, NSGA-II's evaluations to 95% over a strategy's, and its bound."""

from __future__ import annotations

from hytnas.search.compare import BOUND_KEY, RATIO_KEY, nsga2_ratios


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
