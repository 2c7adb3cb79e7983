"""Does proxy training rank architectures repeatably? Seed-to-seed agreement of ``proxy_train``.

Trains the first ``--count`` architectures of the pipeline's accuracy table twice, under
global seeds ``--seeds`` (each seed changes the weight initialisation, the batch order and
the training subset; the validation split stays), with the params of ``params.yaml`` plus
``--set key=value`` overrides (the ``dvc exp run -S`` syntax), into scratch result stores
(nothing of the pipeline is touched). Reports the Kendall tau and Spearman rho between the
seeds' validation accuracies (and losses), the spread of accuracies against the validation
set's binomial noise, and the stage's rate. A proxy whose seed-to-seed tau is near 0 ranks
nothing: the predictors then learn noise.

Writes ``reports/bench/proxy_fidelity.json`` (or ``--out``); with ``--name`` the result is
stored under that key, so several recipes accumulate in one file. ``--compare-with NAME``
adds the rank agreement, seed by seed, with a recipe already in that file (does the cheaper
recipe rank like the default?).

Results are keyed like the stage's (every param and the seed are in the key), so records
of an existing store can be reused: ``--reuse-store data/proxy/cache`` copies the
pipeline's records into the bench's store first (the pipeline's seed needs no training
then; the pipeline's store is only read). ``--store DIR`` keeps the bench's own records
between runs (default: a scratch folder, deleted afterwards).

Usage::

    .venv/bin/python bench/proxy_fidelity.py [--count 16] [--seeds 0 1]
        [--set proxy.epochs=6 --set proxy.train_images=2000] [--name recipe-a]
        [--reuse-store data/proxy/cache] [--store DIR] [--compare-with all-1ep-bs16]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy.stats import kendalltau, spearmanr

from hytnas.config import parse_params
from hytnas.io import write_csv, write_json
from hytnas.profiles import set_dotted
from hytnas.pipeline.proxy_train import ProxyTrainPaths, run
from hytnas.runs.store import ResultStore


def _agreement(a: np.ndarray, b: np.ndarray) -> dict[str, float]:
    """Kendall tau and Spearman rho of two ``(n,)`` score vectors over the same items."""
    tau = kendalltau(a, b).statistic
    rho = spearmanr(a, b).statistic
    return {"kendall_tau": round(float(tau), 4), "spearman": round(float(rho), 4)}


def _rate(reports: list[dict[str, Any]]) -> float | None:
    """Architectures per minute over the seeds that trained (None when all came from a store)."""
    trained = [r for r in reports if r["trained"] > 0]
    minutes = sum(r["seconds"] / 60 for r in trained)
    if minutes <= 0:
        return None
    return round(sum(r["trained"] for r in trained) / minutes, 2)


def _versus(result: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Kendall tau and Spearman rho between two recipes' accuracies on their shared architectures.

    Per seed present in both (``seed_<s>``) and on the seed means (``mean``).
    """
    mine = {a["arch_id"]: dict(zip(result["seeds"], a["val_acc"])) for a in result["per_architecture"]}
    theirs = {a["arch_id"]: dict(zip(other["seeds"], a["val_acc"])) for a in other["per_architecture"]}
    shared = [a for a in mine if a in theirs]
    if len(shared) < 2:
        raise SystemExit(f"--compare-with: {len(shared)} architecture(s) in common; rank agreement needs at least 2 (same --archs?)")
    out: dict[str, Any] = {"architectures": len(shared)}
    for seed in result["seeds"]:
        if seed in other["seeds"]:
            out[f"seed_{seed}"] = _agreement(np.array([mine[a][seed] for a in shared]), np.array([theirs[a][seed] for a in shared]))
    out["mean"] = _agreement(np.array([np.mean(list(mine[a].values())) for a in shared]),
                             np.array([np.mean(list(theirs[a].values())) for a in shared]))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--set", action="append", default=[], dest="overrides", metavar="KEY=VALUE")
    parser.add_argument("--archs", default="data/archs/accuracy.csv", help="architecture table")
    parser.add_argument("--data", default="data/vww", help="prepared VWW folder")
    parser.add_argument("--count", type=int, default=16, help="architectures trained per seed (default 16)")
    parser.add_argument("--seeds", type=int, nargs=2, default=[0, 1], help="the two global seeds")
    parser.add_argument("--name", default="default", help="key of this recipe in the output file")
    parser.add_argument("--out", default="reports/bench/proxy_fidelity.json", help="JSON output path")
    parser.add_argument("--store", default=None, help="results store of the bench, kept between runs (default: scratch)")
    parser.add_argument("--reuse-store", action="append", default=[], metavar="DIR",
                        help="copy this store's records into the bench's store first (read only; repeatable)")
    parser.add_argument("--compare-with", default=None, metavar="NAME", help="recipe in --out to rank against, seed by seed")
    args = parser.parse_args(argv)
    out = Path(args.out)
    everything = json.loads(out.read_text()) if out.exists() else {}
    if args.compare_with is not None and args.compare_with not in everything:
        raise SystemExit(f"--compare-with {args.compare_with!r}: no such recipe in {out} (have: {', '.join(everything) or 'none'})")
    if args.seeds[0] == args.seeds[1]:
        raise SystemExit(f"--seeds {args.seeds[0]} {args.seeds[1]}: expected two different seeds")
    for source in args.reuse_store:
        if not Path(source).is_dir():
            raise SystemExit(f"--reuse-store {source}: not a folder")
        if args.store and Path(args.store).resolve() == Path(source).resolve():
            raise SystemExit(f"--store {args.store}: is also a --reuse-store folder, which the bench only reads")

    tree = yaml.safe_load(Path(args.params).read_text())
    for assignment in args.overrides:
        key, sep, raw = assignment.partition("=")
        if not sep:
            raise SystemExit(f"--set {assignment!r}: expected key=value")
        set_dotted(tree, key, yaml.safe_load(raw))
    tables: list[pd.DataFrame] = []
    reports: list[dict[str, Any]] = []
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="hytnas-fidelity-") as scratch:
        tmp = Path(scratch)
        store = ResultStore(args.store or tmp / "store")
        for source in map(ResultStore, args.reuse_store):
            for key in source.keys():
                record = source.get(key)
                if record is not None and key not in store:
                    store.put(record)
        archs = pd.read_csv(args.archs).head(args.count)
        write_csv(tmp / "archs.csv", archs)
        for seed in args.seeds:
            params = parse_params({**tree, "seed": seed}, source=f"{args.params} + --set")
            tables.append(
                run(params, ProxyTrainPaths(archs=tmp / "archs.csv", data=Path(args.data), cache=store.root,
                                            out=tmp / f"proxy_{seed}.csv", metrics=tmp / f"proxy_{seed}.json"),
                    progress=False).table
            )
            reports.append(json.loads((tmp / f"proxy_{seed}.json").read_text()))
    ok = (tables[0]["status"] == "ok") & (tables[1]["status"] == "ok")
    acc = [t.loc[ok, "val_acc"].to_numpy(float) for t in tables]
    loss = [t.loc[ok, "val_loss"].to_numpy(float) for t in tables]
    mean_acc = (acc[0] + acc[1]) / 2
    result = {
        "overrides": args.overrides,
        "data": args.data,
        "architectures": int(ok.sum()),
        "seeds": args.seeds,
        "accuracy": _agreement(acc[0], acc[1]),
        "loss": _agreement(loss[0], loss[1]),
        "val_acc_noise_pp": reports[0]["val_acc_noise"],
        "val_majority_acc": reports[0]["val_majority_acc"],
        "val_acc_median": round(float(np.median(mean_acc)), 2),
        "val_acc_min": round(float(mean_acc.min()), 2),
        "val_acc_max": round(float(mean_acc.max()), 2),
        "val_acc_std_between_archs": round(float(mean_acc.std()), 3),
        "val_acc_mean_abs_seed_difference": round(float(np.abs(acc[0] - acc[1]).mean()), 3),
        "trained": [int(r["trained"]) for r in reports],
        "from_store": [int(r["from_store"]) for r in reports],
        "archs_per_minute": _rate(reports),
        "minutes": round((time.perf_counter() - started) / 60, 2),
        "load_average_before": round(load_before, 2),
        "load_average_after": round(os.getloadavg()[0], 2),
        "params_vs_accuracy": _agreement(tables[0].loc[ok, "params"].to_numpy(float), mean_acc),
        "per_architecture": [
            {"arch_id": a, "params": int(p), "val_acc": [round(float(x), 2), round(float(y), 2)]}
            for a, p, x, y in zip(tables[0].loc[ok, "arch_id"], tables[0].loc[ok, "params"], acc[0], acc[1])
        ],
    }
    if args.compare_with is not None:
        result["versus"] = {args.compare_with: _versus(result, everything[args.compare_with])}
    everything = json.loads(out.read_text()) if out.exists() else {}  # other runs may have written since
    everything[args.name] = result
    write_json(out, everything)
    print(json.dumps({args.name: result}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
