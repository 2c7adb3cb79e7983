"""What a task returns, and the helpers that classify a task's failure.

A task is a picklable top-level function ``payload -> outcome``; the outcome is a plain dict
(:func:`outcome`) so that it travels from any worker (process pool, Dask) to the driver,
which alone stores it.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

TaskFn = Callable[[Any], dict[str, Any]]
"""A task: picklable top-level function ``payload -> outcome`` (see :func:`outcome`)."""


def outcome(
    status: str = "ok",
    message: str = "",
    result: Mapping[str, Any] | None = None,
    source: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a task returns: ``status`` (``ok`` or a failure kind), a one-line ``message``,
    the measured ``result`` (column -> value) and its ``source`` (how it was produced)."""
    return {"status": status, "message": message, "result": dict(result or {}), "source": dict(source or {})}


def one_line(err: BaseException, limit: int = 300) -> str:
    """``Type: message`` on one line, at most ``limit`` characters."""
    text = " ".join(f"{type(err).__name__}: {err}".split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_out_of_memory(err: BaseException) -> bool:
    """Whether ``err`` is an out-of-memory failure (CPU or GPU)."""
    text = str(err).lower()
    return (
        isinstance(err, MemoryError)
        or type(err).__name__ == "OutOfMemoryError"
        or "out of memory" in text
        or "can't allocate memory" in text
    )


__all__ = ["TaskFn", "is_out_of_memory", "one_line", "outcome"]
