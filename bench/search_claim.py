"""Benchmark: the paper's claim, evaluations to 95% of the reference HV, NSGA-II over HyT-NAS.

Runs the compare_search stage on a copy of params.yaml with many seeds, on the pipeline
oracle (models/predictors) and, with --released-dir, on predictors fitted on the authors'
released measurements; writes reports/bench/search.json (the stage's summary plus the
NSGA-II / HyT-NAS ratios) and its curves and figures under reports/bench/search/.

    .venv/bin/python bench/search_claim.py --seeds 10 --budget 200 --released-dir ../shared/paper-data
    .venv/bin/python bench/search_claim.py --seeds 10 --budget 1000 --released-dir ../shared/paper-data \
        --oracles released --workers 1 --out reports/bench/search_1000 --metrics reports/bench/search_1000.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from hytnas.io import write_json

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--initial", type=int, default=30)
    parser.add_argument("--strategies", nargs="+", default=["random", "nsga2", "hytnas"])
    parser.add_argument("--released-dir", default=None, help="folder with the authors' CSVs")
    parser.add_argument("--oracles", nargs="+", choices=["pipeline", "released"], default=None,
                        help="oracles to search (default: pipeline, and released with --released-dir)")
    parser.add_argument("--workers", type=int, default=None, help="parallel search runs (default: params.yaml's executor)")
    parser.add_argument("--out", default=str(REPO / "reports" / "bench" / "search"))
    parser.add_argument("--metrics", default=str(REPO / "reports" / "bench" / "search.json"))
    args = parser.parse_args()

    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["search"].update(
        strategies=args.strategies, seeds=args.seeds, budget=args.budget, initial=args.initial,
        released_dir=str(Path(args.released_dir).resolve()) if args.released_dir else None,
    )
    if args.workers:
        params["executor"]["workers"] = args.workers
    with tempfile.TemporaryDirectory() as tmp:
        params_path = Path(tmp) / "params.yaml"
        params_path.write_text(yaml.safe_dump(params, sort_keys=False))
        summary_path = Path(tmp) / "search.json"
        subprocess.run(
            [sys.executable, str(REPO / "stages" / "compare_search.py"), "--params", str(params_path),
             "--predictors", str(REPO / "models" / "predictors"), "--models", str(Path(tmp) / "models"),
             "--out", args.out, "--metrics", str(summary_path), *(["--oracles", *args.oracles] if args.oracles else [])],
            check=True,
        )
        summary = json.loads(summary_path.read_text())
    claim = {
        oracle: {
            "nsga2_over_hytnas_evals_to_95pct": entry.get("nsga2", {}).get("evals_ratio_to_hytnas_95pct"),
            "nsga2_reached_95pct_runs": entry.get("nsga2", {}).get("reached_95pct_runs"),
            "hytnas_reached_95pct_runs": entry.get("hytnas", {}).get("reached_95pct_runs"),
            "paper_claim": 5.0,
        }
        for oracle, entry in summary.items()
    }
    write_json(args.metrics, {"settings": vars(args), "claim": claim, "summary": summary})


if __name__ == "__main__":
    main()
