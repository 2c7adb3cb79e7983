"""The files of ``train_final``: each job's weights and ONNX export in the results store, and
the ``models/final`` folder rebuilt from them.

Workers write a job's artifacts into ``<cache>/artifacts/<key>/`` (each file atomically);
the driver checks them before reusing a stored record (a lost or altered weights file
trains that network again) and copies them into one folder per network.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from hytnas.final.summary import NetworkResult
from hytnas.final.task import ONNX_FILE, WEIGHTS_FILE
from hytnas.io import file_sha256
from hytnas.io import write_text
from hytnas.runs.runner import Job, Redo
from hytnas.runs.store import Record


def artifacts_ok(record: Record, folder: Path) -> bool:
    weights = folder / WEIGHTS_FILE
    return weights.is_file() and file_sha256(weights) == record.result.get("weights_sha256")


def redo_errors(job: Job, record: Record) -> bool:
    """A stored ``error`` says nothing about a hand-picked network (a bug since fixed): redo it."""
    return record.status == "error"


def redo_lost_weights(artifacts: Path) -> Redo:
    """Redo errors, and successes whose weights under ``artifacts/<key>/`` are gone or altered."""

    def redo(job: Job, record: Record) -> bool:
        return redo_errors(job, record) or (record.ok and not artifacts_ok(record, artifacts / job.key))

    return redo


def clean_artifact_temporaries(artifacts: Path) -> None:
    if artifacts.is_dir():
        for path in artifacts.glob("*/.*.tmp"):
            path.unlink(missing_ok=True)


def write_models(
    folder: Path,
    results: list[NetworkResult],
    keys: dict[str, list[str]],
    artifacts: Path,
    *,
    resolution: int,
    seeds: dict[str, list[int]],
) -> None:
    """Rebuild ``folder``: per network ``spec.json`` (architecture, builder, picks, per-seed
    accuracy), ``seed<k>.pt`` (state dicts) and ``model.onnx`` (seed 0's weights). Built beside
    the folder and swapped in, so a killed run leaves the old folder or the new one."""
    staging = folder.parent / f".{folder.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    for result in results:
        net = result.network
        out = staging / net.label
        out.mkdir()
        runs = []
        for k, (record, key) in enumerate(zip(result.train, keys[net.label])):
            entry: dict[str, Any] = {"seed_index": k, "seed": seeds[net.label][k], "key": key, "status": record.status}
            if record.ok:
                shutil.copy2(artifacts / key / WEIGHTS_FILE, out / f"seed{k}.pt")
                entry.update(weights=f"seed{k}.pt", val_acc=record.result.get("val_acc"))
            runs.append(entry)
        onnx_source = artifacts / keys[net.label][0] / ONNX_FILE if keys[net.label] else None
        has_onnx = bool(result.train) and result.train[0].ok and onnx_source is not None and onnx_source.is_file()
        if has_onnx:
            shutil.copy2(onnx_source, out / ONNX_FILE)
        description = {
            "label": net.label,
            "name": net.display_name,
            "role": net.role,
            "kind": net.kind,
            "ref": net.ref,
            "space": net.space,
            "builder": net.builder(),
            "num_classes": 2,
            "input": f"float32 N x 3 x {resolution} x {resolution}, ImageNet mean/std normalised RGB",
            "spec": net.spec().to_dict(),
            "pick": result.pick.to_dict() if result.pick else None,
            "runs": runs,
            "onnx": ONNX_FILE if has_onnx else None,
        }
        write_text(out / "spec.json", json.dumps(description, indent=1) + "\n")
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, folder)


__all__ = ["artifacts_ok", "clean_artifact_temporaries", "redo_errors", "redo_lost_weights", "write_models"]
