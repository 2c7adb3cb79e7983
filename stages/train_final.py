"""Stage train_final: Table II. HyT-NAS-BL, -BA and -O, picked from the HyT-NAS Pareto set,
trained with one recipe beside the reference networks, timed, exported to ONNX and tabled.

Writes the weights and ONNX exports (models dir), Table II (markdown), flat metrics, the
results and curves CSVs, DVCLive curves, a figure and the benchmark record; per-network
results persist in the cache folder, so an interrupted run keeps every finished network.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hytnas.cli import run_stage
from hytnas.config import load_params
from hytnas.final.stage import FinalPaths, run_final


def main() -> None:
    defaults = FinalPaths()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--pareto", default="reports/search/pareto_hytnas.csv", help="HyT-NAS Pareto set")
    parser.add_argument("--data", default="data/vww", help="prepared Visual Wake Words folder")
    parser.add_argument("--cache", default=str(defaults.cache), help="per-network results store")
    parser.add_argument("--models", default=str(defaults.models), help="weights, specs and ONNX exports")
    parser.add_argument("--metrics", default=str(defaults.metrics), help="metrics JSON")
    parser.add_argument("--table", default=str(defaults.table), help="Table II markdown")
    parser.add_argument("--results", default=str(defaults.results), help="one row per network (CSV)")
    parser.add_argument("--curves", default=str(defaults.curves), help="training curves (CSV)")
    parser.add_argument("--live", default=str(defaults.live), help="DVCLive folders")
    parser.add_argument("--figure", default=str(defaults.figure), help="accuracy-latency PNG")
    parser.add_argument("--bench", default=str(defaults.bench), help="targets and timings JSON")
    args = parser.parse_args()

    params = load_params(args.params)
    paths = FinalPaths(
        cache=Path(args.cache),
        models=Path(args.models),
        metrics=Path(args.metrics),
        table=Path(args.table),
        results=Path(args.results),
        curves=Path(args.curves),
        live=Path(args.live),
        figure=Path(args.figure),
        bench=Path(args.bench),
    )
    run_final(params, args.pareto, paths, data_root=args.data)


if __name__ == "__main__":
    run_stage(main)
