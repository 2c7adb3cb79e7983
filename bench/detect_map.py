"""Table III with several seeds at the default budget, against the random-box baseline.

Runs the ``detect`` stage's own code (``hytnas.pipeline.detect.run``) with ``detect.seeds``
set to ``--seeds`` into a scratch folder, on a copy of the stage's result store so that the
seed the pipeline already trained is reused and only the new seeds train. Writes per detector
the mAP, AP50 and person AP (mean, std, per seed, percent), the random baseline measured in the
same run, and each detector's ratio to it, to reports/bench/detect_map.json, and the run's
Table III beside it (detect_map_table3.md).

    .venv/bin/python bench/detect_map.py --seeds 3
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from hytnas.config import load_params
from hytnas.io import write_json, write_text
from hytnas.pipeline.detect import DetectPaths, run
from hytnas.runs.fingerprint import fingerprint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", default="params.yaml")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cache", default="data/detection/cache", help="the stage's result store (copied, never written)")
    parser.add_argument("--out", default="reports/bench/detect_map.json")
    args = parser.parse_args()

    params = load_params(args.params)
    params = params.model_copy(update={"detect": params.detect.model_copy(update={"seeds": args.seeds})})
    scratch = Path(tempfile.mkdtemp(prefix="detect-map-"))
    try:
        if Path(args.cache).is_dir():
            shutil.copytree(args.cache, scratch / "cache")
        paths = DetectPaths(
            cache=scratch / "cache", models=scratch / "models", metrics=scratch / "detection.json", table=scratch / "table3.md",
            live=scratch / "live", figure=scratch / "detections.png",
        )
        start = time.perf_counter()
        outcome = run(params, paths, progress=False)
        seconds = time.perf_counter() - start
        metrics = json.loads(paths.metrics.read_text())
        table = paths.table.read_text()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    baseline = 100.0 * outcome.baseline["map"]
    detectors = {}
    for result in outcome.results:
        values = result.values
        per_seed = [round(100.0 * float(r.result["map"]), 3) for r in result.train if r.ok]
        detectors[result.label] = {
            "map_mean": round(values["map"], 3), "map_std": round(values["map_std"], 3) if values.get("map_std") is not None else None,
            "map_per_seed": per_seed,
            "map_50_mean": round(values["map_50"], 3),
            "params": values.get("params"),
            "ratio_to_random": round(values["map"] / baseline, 1) if baseline > 0 else None,
            "failed_seeds": values["failed"],
        }
    report = {
        "seeds": args.seeds, "budget": {k[len("budget_"):]: v for k, v in metrics.items() if k.startswith("budget_")},
        "random_baseline_map": round(baseline, 4), "random_baseline_map_50": round(100.0 * outcome.baseline["map_50"], 4),
        "detectors": detectors, "seconds": round(seconds, 1),
        "load_average": round(os.getloadavg()[0], 2), "cpu_model": fingerprint(1).get("cpu_model"),
    }
    write_json(args.out, report)
    write_text(Path(args.out).with_name(Path(args.out).stem + "_table3.md"), table)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
