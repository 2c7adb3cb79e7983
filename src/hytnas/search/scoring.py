"""Scoring of the strategy comparison (Fig. 4 and 5) in the driver: fixed bounds per oracle
(a large uniform sample), HV curves in that frame, a reference front pooled from every run
plus one long NSGA-II run, the summary figures (HV at given evaluation counts, evaluations
to reach a fraction of the reference HV) and the paper's claim figure, NSGA-II's
evaluations to 95% over each strategy's.

Nothing here changes a run's history (:mod:`hytnas.search.compare` runs them), so the
stored runs (:mod:`hytnas.search.runstore`) outlive a change to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from hytnas.runs.executor import Executor, InlineExecutor
from hytnas.search.compare import SearchJob, run_searches
from hytnas.search.hypervolume import REF, Bounds, bounds_from_sample, evaluations_to_reach, front_hv, hv_curve
from hytnas.search.ledger import History
from hytnas.search.operators import first_occurrences
from hytnas.search.pareto import pareto_mask


@dataclass
class OracleComparison:
    """All runs on one oracle, scored in one frame.

    Attributes:
        oracle: the oracle's name.
        bounds: per-objective normalisation.
        histories: one per (strategy, seed) run.
        reference_front: ``k x m`` non-dominated objective values pooled from every run.
        reference_hv: HV of ``reference_front``.
        curves: ``(strategy, seed) -> (budget,)`` HV after each evaluation (padded).
    """

    oracle: str
    bounds: Bounds
    histories: list[History]
    reference_front: np.ndarray
    reference_hv: float
    curves: dict[tuple[str, int], np.ndarray]


def score(oracle: str, bounds: Bounds, histories: Iterable[History], extra_fronts: Iterable[np.ndarray] = (), ref: float = REF) -> OracleComparison:
    """HV curves of every run and the pooled reference front (runs plus ``extra_fronts``)."""
    histories = list(histories)
    pooled = np.vstack([h.F for h in histories] + [np.asarray(f, dtype=np.float64) for f in extra_fronts])
    front = pooled[pareto_mask(pooled)]
    front = np.unique(front, axis=0)
    curves = {(h.strategy, h.seed): hv_curve(h, bounds, ref, pad_to=h.budget) for h in histories}
    return OracleComparison(oracle, bounds, histories, front, front_hv(front, bounds, ref), curves)


def long_nsga2_front(factory: Any, budget: int, seed: int) -> np.ndarray:
    """``k x m`` front of one long NSGA-II run (part of the reference front)."""
    history = run_searches([SearchJob(factory, "nsga2", seed, budget, {"pop_size": 100})], InlineExecutor())[0]
    return history.F[pareto_mask(history.F)]


def summarize(comparison: OracleComparison, checkpoints: Sequence[int], targets: Sequence[float], baseline: str = "hytnas") -> dict[str, Any]:
    """Per strategy: HV fraction at ``checkpoints`` (mean, std over seeds), evaluations to
    reach each target fraction of the reference HV (median over seeds; not reached counts as
    budget + 1), the ratio of those to ``baseline``'s, and wall time.

    Returns a nested dict ``{strategy: {...}}`` with flat, DVC-friendly leaves.
    """
    out: dict[str, Any] = {}
    strategies = sorted({s for s, _ in comparison.curves})
    ref_hv = comparison.reference_hv
    reach: dict[str, dict[float, float]] = {}
    for strategy in strategies:
        runs = {seed: curve for (s, seed), curve in comparison.curves.items() if s == strategy}
        walls = [h.wall_time for h in comparison.histories if h.strategy == strategy]
        entry: dict[str, Any] = {"seeds": len(runs), "wall_s_mean": float(np.mean(walls))}
        for n in checkpoints:
            values = [c[min(n, len(c)) - 1] / ref_hv for c in runs.values() if len(c) >= 1]
            if all(len(c) >= n for c in runs.values()):
                entry[f"hv_at_{n}_mean"] = float(np.mean(values))
                entry[f"hv_at_{n}_std"] = float(np.std(values))
        reach[strategy] = {}
        for target in targets:
            evals = [evaluations_to_reach(c, target * ref_hv, budget=len(c)) for c in runs.values()]
            median = float(np.median(evals))
            reach[strategy][target] = median
            budget = max(len(c) for c in runs.values())
            entry[f"evals_to_{round(target * 100)}pct_median"] = median
            entry[f"reached_{round(target * 100)}pct_runs"] = int(sum(e <= budget for e in evals))
        out[strategy] = entry
    if baseline in reach:
        for strategy in strategies:
            for target in targets:
                ratio = reach[strategy][target] / reach[baseline][target]
                out[strategy][f"evals_ratio_to_{baseline}_{round(target * 100)}pct"] = float(ratio)
    add_nsga2_ratios(out)
    return out


RATIO_KEY = "nsga2_ratio_95pct"
"""Summary key: NSGA-II's median evaluations to 95% of the reference HV over the strategy's."""

BOUND_KEY = "nsga2_ratio_95pct_bound"
"""Summary key: what :data:`RATIO_KEY` is, ``exact``, ``at most``, ``at least`` or ``unmeasured``."""

PAST_BUDGET_KEY = "past_budget"
"""Key of NSGA-II's summary: the budget its runs were continued to (:func:`reach_past_budget`);
``past_budget_evals_to_95pct_median`` and ``past_budget_reached_95pct_runs`` beside it."""

NSGA2_BUDGET_KEY = "nsga2_ratio_95pct_nsga2_budget"
"""Summary key, present when :data:`RATIO_KEY` took NSGA-II's median from its runs continued
past the comparison's budget: that budget."""


def reach_past_budget(
    factory: Any,
    strategy: str,
    options: Mapping[str, Any],
    seeds: Sequence[int],
    budget: int,
    bounds: Bounds,
    reference_hv: float,
    targets: Sequence[float],
    executor: Executor | None = None,
) -> dict[str, Any]:
    """Runs of ``strategy`` continued to ``budget`` evaluations, past a comparison's budget,
    scored in its frame (its ``bounds`` and ``reference_hv``, which these runs do not change):
    per target fraction, the median evaluations to reach it (``budget + 1`` where not
    reached) and the runs that reach it.

    A run's first evaluations do not depend on its budget, so these runs extend the
    comparison's own runs of the strategy; where a strategy (NSGA-II) reaches a target in too
    few runs within the comparison's budget, its median is measured here instead of bounded.

    Returns:
        ``{PAST_BUDGET_KEY: budget, "past_budget_evals_to_95pct_median": float,
        "past_budget_reached_95pct_runs": int, ...}`` (one pair per target).
    """
    jobs = [SearchJob(factory, strategy, seed, budget, dict(options)) for seed in seeds]
    histories = run_searches(jobs, executor or InlineExecutor())
    curves = [hv_curve(h, bounds, REF, pad_to=budget) for h in histories]
    out: dict[str, Any] = {PAST_BUDGET_KEY: int(budget)}
    for target in targets:
        evals = [evaluations_to_reach(c, target * reference_hv, budget=budget) for c in curves]
        pct = round(target * 100)
        out[f"past_budget_evals_to_{pct}pct_median"] = float(np.median(evals))
        out[f"past_budget_reached_{pct}pct_runs"] = int(sum(e <= budget for e in evals))
    return out


def nsga2_ratios(entry: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The paper's claim figure for every strategy of one oracle's summary but NSGA-II.

    ``entry`` maps strategy -> summary (``seeds``, ``evals_to_95pct_median``,
    ``reached_95pct_runs``); other values are skipped. A median is a real count only when
    more than half the runs reached 95%; otherwise it rests on runs counted as the budget
    plus one and is only a bound. So the ratio NSGA-II / strategy is ``exact`` when both
    medians are real, ``at most`` when only NSGA-II's is, ``at least`` when only the
    strategy's is, and ``unmeasured`` (value None) when neither is. Where NSGA-II's median
    within the budget is not real but its runs continued past it (:func:`reach_past_budget`,
    keys ``past_budget*`` of its summary) give a real one, that one is used, and
    :data:`NSGA2_BUDGET_KEY` says to what budget they ran.

    Returns ``{strategy: {RATIO_KEY: float | None, BOUND_KEY: str[, NSGA2_BUDGET_KEY: int]}}``;
    empty when the entry has no NSGA-II.
    """

    def real(stats: Mapping[str, Any], prefix: str = "") -> bool:
        return 2 * int(stats.get(f"{prefix}reached_95pct_runs") or 0) > int(stats.get("seeds") or 0)

    nsga2 = entry.get("nsga2")
    if not isinstance(nsga2, Mapping) or not nsga2.get("evals_to_95pct_median"):
        return {}
    nsga2_median, nsga2_real, past = float(nsga2["evals_to_95pct_median"]), real(nsga2), {}
    if not nsga2_real and nsga2.get(PAST_BUDGET_KEY) and real(nsga2, "past_budget_"):
        nsga2_median, nsga2_real = float(nsga2["past_budget_evals_to_95pct_median"]), True
        past = {NSGA2_BUDGET_KEY: int(nsga2[PAST_BUDGET_KEY])}
    out: dict[str, dict[str, Any]] = {}
    for name, stats in entry.items():
        if name == "nsga2" or not isinstance(stats, Mapping) or not stats.get("evals_to_95pct_median"):
            continue
        bound = {(True, True): "exact", (True, False): "at most", (False, True): "at least"}.get((nsga2_real, real(stats)), "unmeasured")
        ratio = None if bound == "unmeasured" else round(nsga2_median / float(stats["evals_to_95pct_median"]), 4)
        out[name] = {RATIO_KEY: ratio, BOUND_KEY: bound, **(past if bound != "unmeasured" else {})}
    return out


def add_nsga2_ratios(entry: dict[str, Any]) -> None:
    """Merge :func:`nsga2_ratios` into the strategies' summaries of ``entry`` (in place,
    replacing the figures of an earlier call)."""
    for name, figures in nsga2_ratios(entry).items():
        entry[name].pop(NSGA2_BUDGET_KEY, None)
        entry[name].update(figures)


def pooled_front(histories: Iterable[History]) -> tuple[np.ndarray, np.ndarray]:
    """``(X, F)``: distinct non-dominated evaluations pooled over ``histories`` (``k x d``, ``k x m``)."""
    histories = list(histories)
    X = np.vstack([h.X for h in histories])
    F = np.vstack([h.F for h in histories])
    first = first_occurrences(X)
    X, F = X[first], F[first]
    mask = pareto_mask(F)
    order = np.argsort(F[mask][:, 1], kind="stable")
    return X[mask][order], F[mask][order]


def uniform_bounds(factory: Any, n: int, seed: int) -> Bounds:
    """Fixed normalisation of an oracle from ``n`` uniform genomes."""
    space, objective = factory()
    return bounds_from_sample(objective, space, n=n, seed=seed)


__all__ = [
    "BOUND_KEY",
    "NSGA2_BUDGET_KEY",
    "OracleComparison",
    "PAST_BUDGET_KEY",
    "RATIO_KEY",
    "add_nsga2_ratios",
    "long_nsga2_front",
    "nsga2_ratios",
    "pooled_front",
    "reach_past_budget",
    "score",
    "summarize",
    "uniform_bounds",
]
