"""The timing program of the ARM latency image: the latency protocol on ONNX or TorchScript models.

It runs on the device (a Raspberry Pi, or the arm64 image under emulation) with only the
Python standard library, numpy and the manifest's runtime (onnxruntime, or torch in the image
built with it), so it imports nothing else of hytnas: the image carries this one file.
``python3 device_timer.py MODELS_DIR`` reads ``MODELS_DIR/manifest.json``::

    {"runtime": "onnxruntime", "warmup": 10, "runs": 50, "threads": 1, "calibration": "calibration.onnx",
     "models": [{"name": "a1b2", "file": "a1b2.onnx", "seed": 7}, ...]}

``runtime`` is ``onnxruntime`` (the default; ``.onnx`` files) or ``torch`` (TorchScript ``.pt``
files). torch's aarch64 CPU wheels need an Armv8.2 core (a Pi 5's Cortex-A76; a Pi 3B's
Cortex-A53 and a Pi 4's Cortex-A72 stop at Armv8.0 and die of SIGILL on ``import torch``), so
before importing torch on an aarch64 device the program checks ``/proc/cpuinfo`` for the
Armv8.1/8.2 features :data:`ARMV82_FEATURES` and otherwise exits 2 with one line.

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
from typing import Any, Callable, Sequence

import numpy as np

MANIFEST = "manifest.json"
RUNTIMES = ("onnxruntime", "torch")
INPUT_SHAPE_FILE = "input_shape.json"
"""Extra file of a TorchScript archive holding its input shape as a JSON list."""
ARMV82_FEATURES = ("atomics", "asimdrdm", "dcpop")
"""``/proc/cpuinfo`` features that Armv8.1 (LSE atomics, RDM) and Armv8.2 (DC CVAP) make mandatory."""
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


def _cpu_model(info: str | None = None) -> str | None:
    """The CPU's name from ``/proc/cpuinfo``'s text (default: this machine's)."""
    info = (_read("/proc/cpuinfo") or "") if info is None else info
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


def torch_unsupported_reason(cpuinfo: str, machine: str) -> str | None:
    """Why torch's CPU wheel cannot run on this device, or ``None`` when it can: on ``aarch64``
    every core listed in ``cpuinfo`` (``/proc/cpuinfo``'s text) must have
    :data:`ARMV82_FEATURES`; other machines are not checked."""
    if machine not in ("aarch64", "arm64"):
        return None
    cores = [line.partition(":")[2].split() for line in cpuinfo.splitlines() if line.partition(":")[0].strip().lower() == "features"]
    if not cores:
        return "/proc/cpuinfo lists no CPU features; torch's aarch64 wheel needs an Armv8.2 core"
    lacking = sorted({f for flags in cores for f in ARMV82_FEATURES if f not in flags})
    if lacking:
        return (f"runtime torch needs an Armv8.2 core (e.g. a Raspberry Pi 5); this {_cpu_model(cpuinfo) or 'CPU'} lacks "
                f"{', '.join(lacking)} in /proc/cpuinfo; use runtime onnxruntime")
    return None


def device_fingerprint(threads: int, runtime_version: str, runtime: str = "onnxruntime") -> dict[str, Any]:
    """The device as :func:`hytnas.runs.fingerprint.fingerprint` describes a machine, with the
    ``runtime`` (``onnxruntime`` or ``torch``) and its version in place of torch's."""
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
        "runtime": runtime,
        "runtime_version": runtime_version,
    }


def _noise(shape: Sequence[Any], seed: int) -> np.ndarray:
    """Standard normal float32 input of ``shape`` (unknown sizes as 1), drawn from ``seed``."""
    fixed = [d if isinstance(d, int) and d > 0 else 1 for d in shape]
    return np.random.default_rng(seed).standard_normal(fixed).astype(np.float32)


def _onnx_runner(path: Path, threads: int, seed: int) -> Callable[[], Any]:
    """One inference of the ONNX model at ``path`` on its fixed-shape noise input, as a call."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    node = session.get_inputs()[0]
    feed = {node.name: _noise(node.shape, seed)}
    return lambda: session.run(None, feed)


def _torch_runner(path: Path, threads: int, seed: int) -> Callable[[], Any]:
    """One inference of the TorchScript model at ``path`` on noise of the input shape its export
    recorded in the archive (extra file :data:`INPUT_SHAPE_FILE`, ``[1, 3, H, W]``)."""
    import torch

    extra = {INPUT_SHAPE_FILE: ""}
    module = torch.jit.load(str(path), map_location="cpu", _extra_files=extra).eval()
    if not extra[INPUT_SHAPE_FILE]:
        raise ValueError(f"{path.name}: no {INPUT_SHAPE_FILE} in the TorchScript archive (export it with hytnas)")
    batch = torch.from_numpy(_noise(json.loads(extra[INPUT_SHAPE_FILE]), seed))

    def run() -> Any:
        with torch.inference_mode():
            return module(batch)

    return run


def _runtime(name: str, threads: int) -> tuple[str, Callable[[Path, int, int], Callable[[], Any]]]:
    """The runtime, set up once for ``threads`` intra-op threads: its version and model loader
    (``path, threads, seed -> one inference``)."""
    if name == "torch":
        import torch

        torch.set_num_threads(threads)
        with contextlib.suppress(RuntimeError):  # already set once parallel work ran in this process
            torch.set_num_interop_threads(1)
        return torch.__version__, _torch_runner
    import onnxruntime as ort

    return ort.__version__, _onnx_runner


def time_runner(run: Callable[[], Any], warmup: int, runs: int) -> dict[str, float]:
    """Time one model's inference call under the protocol: ``warmup`` untimed calls, then
    ``runs`` calls each timed alone with the garbage collector paused."""
    for _ in range(warmup):
        run()
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter_ns()
            run()
            times.append((time.perf_counter_ns() - start) * 1e-9)
    finally:
        if was_enabled:
            gc.enable()
    return summarize_times(times)


def run_manifest(folder: Path, out: Any = sys.stdout) -> int:
    """Time every model of ``folder``'s manifest, one JSON line each on ``out``; 0, or 2 when
    the manifest itself is unreadable or its runtime cannot run here (one line on stderr)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        warmup, runs, threads = int(manifest["warmup"]), int(manifest["runs"]), int(manifest["threads"])
        models = list(manifest["models"])
        runtime = str(manifest.get("runtime", "onnxruntime"))
    except (OSError, ValueError, KeyError, TypeError) as err:
        print(f"{folder / MANIFEST}: not a timing manifest ({type(err).__name__}: {err})", file=sys.stderr)
        return 2
    if runtime not in RUNTIMES:
        print(f"{folder / MANIFEST}: runtime {runtime!r}, expected one of {', '.join(RUNTIMES)}", file=sys.stderr)
        return 2
    if runtime == "torch":
        reason = torch_unsupported_reason(_read("/proc/cpuinfo") or "", platform.machine())
        if reason is not None:
            print(f"{folder / MANIFEST}: {reason}", file=sys.stderr)
            return 2
    try:
        version, load = _runtime(runtime, threads)
    except ImportError as err:
        print(f"{folder / MANIFEST}: runtime {runtime} is not in this image ({err}); build it with make arm-image-torch", file=sys.stderr)
        return 2
    fingerprint = device_fingerprint(threads, version, runtime)
    calibration = None
    if manifest.get("calibration"):
        calibration = load(folder / manifest["calibration"], threads, 0)
    if not models and calibration is not None:  # a device check: the calibration network alone
        record = {"name": "calibration", "status": "ok", **time_runner(calibration, warmup, runs), "fingerprint": fingerprint}
        out.write(json.dumps(record) + "\n")
    for model in models:
        record = {"name": model.get("name")}
        try:
            if calibration is not None:
                record["calibration_ms"] = time_runner(calibration, warmup, runs)["latency_ms"]
            inference = load(folder / model["file"], threads, int(model.get("seed", 0)))
            record.update(status="ok", **time_runner(inference, warmup, runs))
            del inference
        except Exception as err:  # noqa: BLE001 - any failure of one model is reported, the rest go on
            record.update(status="error", message=" ".join(f"{type(err).__name__}: {err}".split())[:500])
        record["fingerprint"] = fingerprint
        out.write(json.dumps(record) + "\n")
        out.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: device_timer.py MODELS_DIR  (a folder holding manifest.json and its .onnx or .pt models)", file=sys.stderr)
        return 2
    return run_manifest(Path(args[0]))


if __name__ == "__main__":
    sys.exit(main())
