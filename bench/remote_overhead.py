"""Overhead of the remote latency path per model, on the emulated device.

Starts a real sshd on 127.0.0.1 (the tests' helper) whose command runs the ARM image under qemu
(docker/latency-arm64/run-emulated.sh), then times batches of 1, 10 and 50 search-space
architectures through the ``remote`` backend's executor. For each batch: wall time, the share
spent in timed and warm-up runs on the device (model and calibration network), and the rest
(ONNX export here, connection, SFTP copy, container start, session creation, JSON), per model
and as a share of the wall time. Emulation inflates the device's compute 100-150x, so the
shares here overstate what a Pi spends timing; the per-model overhead in seconds is the figure
to carry over. Writes reports/bench/remote_overhead.json. Needs root and ``make arm-image``.

    .venv/bin/python bench/remote_overhead.py --batches 1 10 50
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the sshd helper the tests use

from hytnas.config import RemoteDeviceConfig  # noqa: E402
from hytnas.io import write_json  # noqa: E402
from hytnas.latency.networks import SpaceArch  # noqa: E402
from hytnas.latency.protocol import LatencyProtocol  # noqa: E402
from hytnas.latency.remote import RemoteExecutor, RemotePayload, export_task  # noqa: E402
from hytnas.runs.executor import Task  # noqa: E402
from support.archs import write_archs  # noqa: E402
from support.sshd import start_sshd  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default=str(REPO / "build" / "hytnas-latency-arm64.oci.tar"))
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(REPO / "reports" / "bench" / "remote_overhead.json"))
    args = parser.parse_args()
    if not Path(args.image).is_file():
        sys.exit(f"{args.image}: no image; `make arm-image` builds it")

    scratch = Path(tempfile.mkdtemp(prefix="remote-overhead-"))
    sshd = start_sshd(scratch / "sshd")
    protocol = LatencyProtocol(resolution=args.resolution, warmup=args.warmup, runs=args.runs)
    table = pd.read_csv(write_archs(scratch / "archs.csv", max(args.batches), sampled_seed=11))
    rows = []
    try:
        command = f"HYTNAS_ARM_CACHE={scratch / 'bundles'} bash {REPO / 'docker/latency-arm64/run-emulated.sh'} {args.image} {{models}}"
        for size in args.batches:
            device = RemoteDeviceConfig(host="127.0.0.1", port=sshd.port, user="root", key=str(sshd.client_key),
                                        known_hosts=str(sshd.known_hosts), command=command, batch=size, timeout=3600)
            executor = RemoteExecutor(device, protocol)
            if not rows:
                executor.check()  # unpack the image once, outside the measured batches
            tasks = [Task(a, RemotePayload(SpaceArch("table1", a), k, protocol)) for k, a in enumerate(table["arch_id"][:size])]
            start = time.perf_counter()
            outcomes = list(executor.map_unordered(export_task, tasks))
            wall = time.perf_counter() - start
            batch = executor.batches[-1]
            overhead = wall - batch["timed"]
            rows.append({
                "batch": size, "models_ok": sum(o["status"] == "ok" for _, o in outcomes), "wall_s": round(wall, 2),
                "timed_s": round(batch["timed"], 2), "export_s": round(batch["export"], 2),
                "connect_s": round(batch.get("connect", 0.0), 2), "copy_s": round(batch.get("copy", 0.0), 2),
                "command_s": round(batch.get("command", 0.0), 2),
                "overhead_s_per_model": round(overhead / size, 3), "overhead_share": round(overhead / wall, 3),
            })
            print(rows[-1], flush=True)
            executor.close()
    finally:
        sshd.stop()
    write_json(args.out, {
        "device": "emulated arm64 (qemu, cortex-a53) through sshd on 127.0.0.1", "resolution": args.resolution,
        "warmup": args.warmup, "runs": args.runs, "batches": rows, "load_average": round(os.getloadavg()[0], 2),
        "note": "timed_s counts warm-up and timed runs of each model and of the calibration network before it",
    })


if __name__ == "__main__":
    main()
