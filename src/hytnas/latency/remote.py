"""The ``remote`` backend: time networks on a device over SSH (a Raspberry Pi running the ARM
latency image).

Each network is exported here (:func:`export_task`: to ONNX through the Table II export path
for ``latency.remote.runtime: onnxruntime``, to TorchScript for ``torch``), the
models of a batch (``latency.remote.batch``) are copied to the device in one SFTP session with a
manifest, and the device runs ``latency.remote.command`` once per batch (by default the ARM
image's timing program in ``docker run``), which prints one JSON record per model: the
protocol's statistics, the calibration network's latency timed right before it, and the
device's fingerprint. :class:`RemoteExecutor` is the device seen as an executor: it yields one
outcome per network as its batch returns, so the result store keeps every finished batch and a
dropped connection or a reboot loses only the batch in flight; the failure then stops the stage
with one line naming the device.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from hytnas.config import ExecutorConfig, LatencyConfig, RemoteDeviceConfig
from hytnas.errors import ConfigError, DeviceError
from hytnas.latency.device_timer import MANIFEST, RESULT_FIELDS
from hytnas.latency.networks import Buildable, CalibrationNetwork
from hytnas.latency.protocol import LatencyProtocol
from hytnas.latency.ssh import DeviceAddress, run_batch
from hytnas.runs.executor import Executor, Task
from hytnas.runs.outcome import TaskFn, one_line, outcome

log = logging.getLogger(__name__)
MODEL_SUFFIX = {"onnxruntime": ".onnx", "torch": ".pt"}
"""Model file suffix per runtime of the device's timing program."""
IMAGE = {"onnxruntime": "hytnas-latency-arm64:latest", "torch": "hytnas-latency-arm64-torch:latest"}
"""The ARM latency image per runtime (``{image}`` in ``latency.remote.command``)."""


@dataclass(frozen=True)
class RemotePayload:
    """One network to export here and time on the device.

    Attributes:
        network: what to build (weights from ``seed``).
        seed: weight and input seed.
        protocol: input side, batch, threads, warm-up and timed runs.
        opset: ONNX opset of the export (runtime ``onnxruntime``).
        runtime: the device's runtime, ``onnxruntime`` (ONNX file) or ``torch`` (TorchScript).
    """

    network: Buildable
    seed: int
    protocol: LatencyProtocol
    opset: int = 17
    runtime: str = "onnxruntime"


def export_task(payload: RemotePayload, path: Path) -> dict[str, Any]:
    """Build the network (a detector's dense part: its backbone and head, as its MACs count
    them) and export it to ``path``; an ``ok`` outcome, or ``invalid_arch`` when it does not
    build or export at the protocol's resolution."""
    import torch

    from hytnas.nn.onnx_export import export_onnx
    from hytnas.nn.torchscript_export import export_torchscript

    try:
        torch.manual_seed(payload.seed)
        model = payload.network.build()
        exportable = getattr(payload.network, "exportable", None)
        if exportable is not None:
            model = exportable(model)
        if payload.runtime == "torch":
            export_torchscript(model, path, payload.protocol.resolution)
        else:
            export_onnx(model, path, payload.protocol.resolution, opset=payload.opset)
    except Exception as err:  # noqa: BLE001
        return outcome("invalid_arch", f"does not export at {payload.protocol.resolution} px: {one_line(err)}")
    return outcome("ok")


def _record_outcome(record: dict[str, Any], protocol: LatencyProtocol, address: DeviceAddress) -> dict[str, Any]:
    source = {"backend": "remote", "device_address": address.describe(), "protocol": protocol.to_dict(),
              **dict(record.get("fingerprint") or {})}
    if record.get("status") != "ok":
        return outcome("invalid_arch", f"the device could not run it: {record.get('message', 'no message')}", source=source)
    missing = [f for f in RESULT_FIELDS if f not in record]
    if missing:
        return outcome("error", f"{address.describe()}: record of {record.get('name')} lacks {', '.join(missing)}", source=source)
    result = {f: record[f] for f in RESULT_FIELDS}
    if record.get("calibration_ms"):
        result["calibration_ms"] = float(record["calibration_ms"])
        result["latency_relative"] = float(record["latency_ms"]) / float(record["calibration_ms"])
    return outcome("ok", result=result, source=source)


class RemoteExecutor(Executor):
    """The device as an executor: exports here, times there, ``batch`` models per container start.

    ``map_unordered``'s function is the export step (:func:`export_task`); what it yields per
    task is the device's timing outcome. Tasks run in the order given, largest cost first
    within the call."""

    kind = "remote"
    threads = 1

    def __init__(self, device: RemoteDeviceConfig, protocol: LatencyProtocol) -> None:
        if not device.host:
            raise ConfigError("latency.remote.host: not set; expected the device's host name or address for latency.backend = remote")
        self.device = device
        self.protocol = protocol
        self.address = DeviceAddress(device.host, device.port, device.user, device.key, device.known_hosts)
        self._calibration: Path | None = None
        self.suffix = MODEL_SUFFIX[device.runtime]
        self.batches: list[dict[str, Any]] = []
        """Per batch: models sent, records returned and the phases' seconds (for the overhead bench)."""

    @property
    def slots(self) -> int:
        return 1

    def probe(self, fn: Callable[[], Any]) -> list[Any]:
        """The device's fingerprint, from a batch of the calibration network alone (``fn`` is
        not sent: the device reports its own)."""
        return [self.check()["fingerprint"]]

    def check(self) -> dict[str, Any]:
        """Time the calibration network alone on the device; its record (statistics and the
        device's fingerprint)."""
        folder = Path(tempfile.mkdtemp(prefix="hytnas-check-"))
        try:
            self._export_calibration(folder)
            run = self._send(folder, [])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if run.error is not None:
            raise DeviceError(run.error)
        if not run.records or not isinstance(run.records[0].get("fingerprint"), dict):
            raise DeviceError(f"{self.address.describe()}: `{self.command}` returned no calibration record with a fingerprint")
        return run.records[0]

    def _export_calibration(self, folder: Path) -> None:
        """Put the calibration network's model file into ``folder`` (exported once per executor)."""
        if self._calibration is None:
            self._calibration = Path(tempfile.mkdtemp(prefix="hytnas-calibration-")) / self.calibration_file
            payload = RemotePayload(CalibrationNetwork(), 0, self.protocol, self.device.opset, self.device.runtime)
            made = export_task(payload, self._calibration)
            if made["status"] != "ok":
                raise DeviceError(f"the calibration network does not export: {made.get('message')}")
        shutil.copyfile(self._calibration, folder / self.calibration_file)

    @property
    def calibration_file(self) -> str:
        return f"calibration{self.suffix}"

    def close(self) -> None:
        if self._calibration is not None:
            shutil.rmtree(self._calibration.parent, ignore_errors=True)
            self._calibration = None

    def _send(self, folder: Path, entries: list[dict[str, Any]]) -> Any:
        manifest = {"runtime": self.device.runtime, "warmup": self.protocol.warmup, "runs": self.protocol.runs,
                    "threads": self.protocol.threads, "calibration": self.calibration_file, "models": entries}
        (folder / MANIFEST).write_text(json.dumps(manifest))
        remote = f"{self.device.remote_dir.rstrip('/')}/{folder.name}"
        return run_batch(self.address, folder, remote, self.command, self.device.timeout)

    @property
    def command(self) -> str:
        """``latency.remote.command`` with ``{image}`` filled in (``{models}`` is filled per batch)."""
        return self.device.command.replace("{image}", IMAGE[self.device.runtime])

    def map_unordered(self, fn: TaskFn, tasks: Iterable[Task]) -> Iterator[tuple[Task, dict[str, Any]]]:
        ordered = sorted(tasks, key=lambda t: -t.cost)
        size = self.device.batch
        for start in range(0, len(ordered), size):
            yield from self._batch(fn, ordered[start : start + size], start // size)

    def _batch(self, fn: TaskFn, tasks: list[Task], index: int) -> Iterator[tuple[Task, dict[str, Any]]]:
        folder = Path(tempfile.mkdtemp(prefix=f"hytnas-batch{index:04d}-"))
        try:
            self._export_calibration(folder)
            sent: dict[str, Task] = {}
            started = time.perf_counter()
            for k, task in enumerate(tasks):
                name = f"m{k:03d}"
                try:
                    out = fn(task.payload, folder / f"{name}{self.suffix}")  # type: ignore[call-arg]
                except Exception as err:  # noqa: BLE001 - one network's failure must not stop the batch
                    out = outcome("error", one_line(err))
                if out["status"] == "ok":
                    sent[name] = task
                else:
                    yield task, out
            export_s = time.perf_counter() - started
            if not sent:
                return
            entries = [{"name": n, "file": f"{n}{self.suffix}", "seed": t.payload.seed} for n, t in sent.items()]
            run = self._send(folder, entries)
            self.batches.append({"models": len(sent), "records": len(run.records), "export": export_s, **run.seconds,
                                 "timed": sum(_timed_seconds(r, self.protocol) for r in run.records)})
            for record in run.records:
                task = sent.pop(str(record.get("name")), None)
                if task is not None:
                    yield task, _record_outcome(record, self.protocol, self.address)
            if run.error is not None:
                raise DeviceError(f"{run.error}; {len(sent)} of the batch's {len(entries)} models not timed (a rerun times them)")
            if sent:
                raise DeviceError(f"{self.address.describe()}: no record for {', '.join(sorted(sent))} in the batch's output")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _timed_seconds(record: dict[str, Any], protocol: LatencyProtocol) -> float:
    """Seconds the device spent in timed and warm-up runs of one record (model and calibration)."""
    per_run = [float(record.get("latency_mean_ms") or 0.0), float(record.get("calibration_ms") or 0.0)]
    return sum(per_run) * (protocol.warmup + protocol.runs) / 1e3


class RemoteBackend:
    """Times networks on one SSH-reachable device (``latency.remote``)."""

    name = "remote"
    task = staticmethod(export_task)

    def __init__(self, protocol: LatencyProtocol, device: RemoteDeviceConfig) -> None:
        self.protocol = dataclasses.replace(protocol, calibrate=True)  # the device's program always calibrates
        self.device = device

    @classmethod
    def from_config(
        cls, *, protocol: LatencyProtocol, executor_cfg: ExecutorConfig, latency_cfg: LatencyConfig
    ) -> "RemoteBackend":
        return cls(protocol, latency_cfg.remote)

    def executor(self) -> Executor:
        return RemoteExecutor(self.device, self.protocol)

    def environment(self, executor: Executor) -> dict[str, Any]:
        if not isinstance(executor, RemoteExecutor):
            raise ConfigError("latency.backend = remote: times on its own device executor, not on the stage's executor")
        print_ = executor.probe(lambda: None)[0]
        print_.setdefault("torch", None)
        return print_

    def payload(self, network: Buildable, seed: int) -> RemotePayload:
        return RemotePayload(network, seed, self.protocol, self.device.opset, self.device.runtime)


__all__ = ["RemoteBackend", "RemoteExecutor", "RemotePayload", "export_task"]
