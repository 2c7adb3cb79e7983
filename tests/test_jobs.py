"""The resumable job loop and the results store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hytnas.runs import InlineExecutor, Job, Record, ResultStore, make_key, outcome, run_jobs

CALLS: list[Any] = []


def flaky(payload: dict[str, Any]) -> dict[str, Any]:
    CALLS.append(payload["x"])
    if payload.get("fail"):
        return outcome(payload["fail"], "it failed")
    return outcome(result={"y": payload["x"] * 2})


def jobs(*xs: int, fail: str | None = None) -> list[Job]:
    return [Job(arch_id=f"a{x}", inputs={"x": x}, payload={"x": x, "fail": fail}) for x in xs]


def test_store_round_trip_key_order_and_junk(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "s")
    assert make_key({"a": 1, "b": 2}) == make_key({"b": 2, "a": 1}) != make_key({"a": 1, "b": 3})
    record = store.put(Record(make_key({"x": 1}), "a1", {"x": 1}, "ok", "", {"y": float("nan")}, {}))
    assert record.finished and store.get(record.key).result == {"y": None}
    assert store.get(record.key, {"x": 2}) is None  # made from other inputs: missing
    store.path("0" * 20).write_text("{not json")
    assert store.get("0" * 20) is None
    (store.root / ".x.json.123.tmp").write_text("half")
    assert store.remove_temporaries() == 1 and len(store) == 2


def test_only_missing_jobs_run_and_every_record_comes_back_in_order(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "s")
    CALLS.clear()
    first = run_jobs(flaky, jobs(1, 2), store, InlineExecutor(), progress=False)
    assert (first.ran, first.cached) == (2, 0)
    CALLS.clear()
    second = run_jobs(flaky, jobs(3, 1, 2, 2), store, InlineExecutor(), progress=False)
    assert CALLS == [3] and (second.total, second.ran, second.cached) == (3, 1, 2)
    assert [r.arch_id for r in second.records] == ["a3", "a1", "a2"]
    assert [r.result["y"] for r in second.records] == [6, 2, 4]
    assert "3 architectures: 2 from the store, 1 run" in second.line("stage")
    stored = run_jobs(flaky, jobs(1, 2), store, InlineExecutor(), progress=False)
    assert first.per_minute is not None and first.per_minute > 0
    assert stored.per_minute is None and "/min" not in stored.line("stage")  # no rate from a run of nothing


def test_circumstantial_failures_are_retried_but_architectural_ones_are_not(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "s")
    run_jobs(flaky, jobs(1, fail="worker_died") + jobs(2, fail="diverged"), store, InlineExecutor(), progress=False)
    CALLS.clear()
    again = run_jobs(flaky, jobs(1, 2), store, InlineExecutor(), progress=False)
    assert CALLS == [1]  # the dead worker's job runs again; the diverged one stays diverged
    assert [r.status for r in again.records] == ["ok", "diverged"] and again.failed == 1
    assert json.loads(store.path(again.records[0].key).read_text())["status"] == "ok"


def test_a_stage_rule_redoes_chosen_records_and_keeps_them_until_replaced(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "s")
    run_jobs(flaky, jobs(1, 2, 3), store, InlineExecutor(), progress=False)
    CALLS.clear()
    again = run_jobs(flaky, jobs(1, 2, 3), store, InlineExecutor(), progress=False, redo=lambda job, rec: job.arch_id == "a2")
    assert CALLS == [2] and (again.ran, again.redone, again.cached) == (1, 1, 2)
    assert "1 run (1 of them again)" in again.line("stage")

    def interrupted(payload: dict[str, Any]) -> dict[str, Any]:
        raise KeyboardInterrupt

    try:
        run_jobs(interrupted, jobs(2), store, InlineExecutor(), progress=False, redo=lambda job, rec: True)
    except KeyboardInterrupt:
        pass
    assert store.get(jobs(2)[0].key).result == {"y": 4}  # the old record stays until a new one comes back
