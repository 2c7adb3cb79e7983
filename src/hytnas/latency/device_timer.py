"""The timing program of the ARM latency image: the latency protocol on ONNX models.

It runs on the device (a Raspberry Pi, or the arm64 image under emulation) with only the
Python standard library, numpy and onnxruntime, so it imports nothing else of hytnas: the
image carries this one file. ``python3 device_timer.py MODELS_DIR`` reads
``MODELS_DIR/manifest.json``::

    {"warmup": 10, "runs": 50, "threads": 1, "calibration": "calibration.onnx",
     "models": [{"name": "a1b2", "file": "a1b2.onnx", "seed": 7}, ...]}

and prints one JSON line per model, in manifest order, flushed as each finishes::

    {"name": "a1b2", "status": "ok", "latency_ms": ..., "latency_p10_ms": ..., "latency_p90_ms": ...,
     "latency_mean_ms": ..., "latency_cv": ..., "runs": 50, "calibration_ms": ...,
     "fingerprint": {...}}

Each model is timed as the protocol says (:mod:`hytnas.latency.protocol`): one input of the
model's own fixed shape, standard normal from the model's seed, ``warmup`` untimed runs, then
``runs`` runs each timed alone with ``time.perf_counter_ns`` and the garbage collector paused;
the median, 10th/90th percentiles, mean and coefficient of variation. When the manifest names
a calibration model it is timed the same way right before each model (``calibration_ms``), so
a drift of the device shows in the record; a manifest with no models and a calibration model
prints the calibration network's own record (``"name": "calibration"``: a device check). A
model that fails to load or run gets
``"status": "error"`` and a one-line ``"message"``; the others are still timed.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

MANIFEST = "manifest.json"
RESULT_FIELDS = ("latency_ms", "latency_p10_ms", "latency_p90_ms", "latency_mean_ms", "latency_cv", "runs")


def summarize_times(seconds: Sequence[float]) -> dict[str, float]:
    """The protocol's statistics of per-run times given in seconds (``n >= 1`` runs):
    :data:`RESULT_FIELDS`, milliseconds except ``latency_cv`` (unitless) and ``runs``."""
    ms = np.asarray(seconds, dtype=np.float64) * 1e3
    mean = float(ms.mean())
    return {
        "latency_ms": float(np.median(ms)),
        "latency_p10_ms": float(np.percentile(ms, 10)),
        "latency_p90_ms": float(np.percentile(ms, 90)),
        "latency_mean_ms": mean,
        "latency_cv": float(ms.std() / mean) if mean > 0 else 0.0,
        "runs": int(ms.size),
    }


def _read(path: str) -> str | None:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = Path(path).read_text(errors="replace").replace("\x00", "").strip()
        return text or None
    return None


def _cpu_model() -> str | None:
    info = _read("/proc/cpuinfo") or ""
    fields: dict[str, str] = {}
    for line in info.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip().lower(), " ".join(value.split()))
    for wanted in ("model name", "hardware", "cpu model"):
        if fields.get(wanted) and not fields[wanted].isdigit():
            return fields[wanted]
    if fields.get("cpu part"):  # ARM cores list only implementer and part numbers
        return f"ARM implementer {fields.get('cpu implementer', '?')} part {fields['cpu part']}"
    return platform.processor() or None


def device_fingerprint(threads: int, runtime_version: str) -> dict[str, Any]:
    """The device as :func:`hytnas.runs.fingerprint.fingerprint` describes a machine, with the
    runtime (``onnxruntime`` and its version) in place of torch."""
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    max_khz = _read("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
    return {
        "machine": platform.machine(),
        "cpu_model": _cpu_model(),
        "board": _read("/proc/device-tree/model"),
        "cores_logical": cores,
        "cores_usable": usable,
        "threads": threads,
        "governor": _read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
        "max_mhz": int(max_khz) / 1000.0 if max_khz and max_khz.isdigit() else None,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "runtime": "onnxruntime",
        "runtime_version": runtime_version,
    }


def _session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])


def time_session(session: Any, warmup: int, runs: int, seed: int) -> dict[str, float]:
    """Time one onnxruntime session under the protocol; its input is standard normal noise of
    the model's own fixed input shape, drawn from ``seed``."""
    node = session.get_inputs()[0]
    shape = [d if isinstance(d, int) and d > 0 else 1 for d in node.shape]
    feed = {node.name: np.random.default_rng(seed).standard_normal(shape).astype(np.float32)}
    for _ in range(warmup):
        session.run(None, feed)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter_ns()
            session.run(None, feed)
            times.append((time.perf_counter_ns() - start) * 1e-9)
    finally:
        if was_enabled:
            gc.enable()
    return summarize_times(times)


def run_manifest(folder: Path, out: Any = sys.stdout) -> int:
    """Time every model of ``folder``'s manifest, one JSON line each on ``out``; 0, or 2 when
    the manifest itself is unreadable (one line on stderr)."""
    import onnxruntime as ort

    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        warmup, runs, threads = int(manifest["warmup"]), int(manifest["runs"]), int(manifest["threads"])
        models = list(manifest["models"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"{folder / MANIFEST}: not a timing manifest ({type(err).__name__}: {err})", file=sys.stderr)
        return 2
    fingerprint = device_fingerprint(threads, ort.__version__)
    calibration = None
    if manifest.get("calibration"):
        calibration = _session(folder / manifest["calibration"], threads)
    if not models and calibration is not None:  # a device check: the calibration network alone
        record = {"name": "calibration", "status": "ok", **time_session(calibration, warmup, runs, 0), "fingerprint": fingerprint}
        out.write(json.dumps(record) + "\n")
    for model in models:
        record = {"name": model.get("name")}
        try:
            if calibration is not None:
                record["calibration_ms"] = time_session(calibration, warmup, runs, 0)["latency_ms"]
            session = _session(folder / model["file"], threads)
            record.update(status="ok", **time_session(session, warmup, runs, int(model.get("seed", 0))))
            del session
        except Exception as err:  # noqa: BLE001 - any failure of one model is reported, the rest go on
            record.update(status="error", message=" ".join(f"{type(err).__name__}: {err}".split())[:500])
        record["fingerprint"] = fingerprint
        out.write(json.dumps(record) + "\n")
        out.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: device_timer.py MODELS_DIR  (a folder holding manifest.json and its .onnx models)", file=sys.stderr)
        return 2
    return run_manifest(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
