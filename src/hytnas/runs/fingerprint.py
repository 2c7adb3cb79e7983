"""Device fingerprint: what a latency (or training time) was measured on.

:func:`fingerprint` reads, where the OS exposes them, the CPU model, the board model
(Raspberry Pi and other device-tree boards), physical/logical/usable cores, the frequency
governor and maximum frequency of CPU 0, the OS, Python and torch versions, and the torch
thread count in force. Unreadable fields are ``None``. :func:`identity` is the part that makes
two measurements comparable; it goes into result keys, so moving to other hardware or another
torch version measures again rather than mixing tables.
"""

from __future__ import annotations

import contextlib
import platform
from pathlib import Path
from typing import Any

IDENTITY_FIELDS = ("machine", "cpu_model", "board", "cores_logical", "torch")


def _read(path: str) -> str | None:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = Path(path).read_text(errors="replace").replace("\x00", "").strip()
        return text or None
    return None


def cpu_model() -> str | None:
    """CPU model name (``/proc/cpuinfo`` on Linux, else :func:`platform.processor`)."""
    info = _read("/proc/cpuinfo")
    if info:
        for wanted in ("model name", "hardware", "processor", "cpu model"):
            for line in info.splitlines():
                key, _, value = line.partition(":")
                if key.strip().lower() == wanted and value.strip() and not value.strip().isdigit():
                    return " ".join(value.split())
    return platform.processor() or None


def governor() -> str | None:
    """cpufreq scaling governor of CPU 0 (``performance``, ``ondemand``, ...) if readable."""
    return _read("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")


def max_mhz() -> float | None:
    """Maximum frequency of CPU 0 in MHz if readable."""
    text = _read("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
    with contextlib.suppress(TypeError, ValueError):
        return int(text) / 1000.0  # type: ignore[arg-type]
    return None


def fingerprint(threads: int | None = None) -> dict[str, Any]:
    """Flat description of this machine and software.

    Args:
        threads: torch threads used for the measurement (default: current setting).
    """
    import psutil
    import torch

    from hytnas.runs.executor import usable_cores

    return {
        "machine": platform.machine(),
        "cpu_model": cpu_model(),
        "board": _read("/proc/device-tree/model"),
        "cores_physical": psutil.cpu_count(logical=False),
        "cores_logical": psutil.cpu_count(logical=True),
        "cores_usable": usable_cores(),
        "threads": int(threads) if threads is not None else torch.get_num_threads(),
        "governor": governor(),
        "max_mhz": max_mhz(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "torch": torch.__version__,
    }


RUNTIME_FIELDS = ("runtime", "runtime_version")
"""A remote device's inference runtime (``onnxruntime`` and its version), in its identity when
its fingerprint has them (a local fingerprint has torch instead)."""


def identity(print_: dict[str, Any]) -> dict[str, Any]:
    """The fields of a fingerprint that must match for measurements to be comparable."""
    fields = IDENTITY_FIELDS + tuple(f for f in RUNTIME_FIELDS if f in print_)
    return {k: print_.get(k) for k in fields}
