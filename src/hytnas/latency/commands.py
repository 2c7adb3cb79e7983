"""``hytnas latency ...`` sub-commands: time one architecture, fingerprint, validate an import,
check a remote device."""

from __future__ import annotations

import argparse
import json


def add_commands(sub: argparse._SubParsersAction) -> None:
    latency = sub.add_parser("latency", help="time architectures on this machine; check latency tables")
    latency_sub = latency.add_subparsers(dest="latency_command", metavar="ACTION", required=True)

    time_ = latency_sub.add_parser("time", help="time one architecture under the latency protocol")
    time_.add_argument("arch_id", help="canonical architecture string")
    time_.add_argument("--space", default="table1", help="space of the arch_id (default table1)")
    time_.add_argument("--resolution", type=int, default=224, help="input side, px (default 224)")
    time_.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    time_.add_argument("--warmup", type=int, default=10, help="untimed runs (default 10)")
    time_.add_argument("--runs", type=int, default=50, help="timed runs (default 50)")
    time_.set_defaults(func=_time)

    fp = latency_sub.add_parser("fingerprint", help="print this machine's device fingerprint as JSON")
    fp.add_argument("--threads", type=int, default=1, help="threads to record (default 1)")
    fp.set_defaults(func=lambda args: print(json.dumps(_fingerprint(args.threads), indent=2)))

    check = latency_sub.add_parser("check", help="validate a latency CSV for latency.backend: import")
    check.add_argument("csv", help="the CSV to validate")
    check.add_argument("--space", default="table1", help="space of its arch_ids (default table1)")
    check.add_argument("--resolution", type=int, default=224, help="latency.resolution (default 224)")
    check.add_argument("--out", default=None, help="also write the imported table here")
    check.set_defaults(func=_check)

    device = latency_sub.add_parser("device", help="a remote measuring device (latency.backend: remote)")
    device_sub = device.add_subparsers(dest="device_command", metavar="ACTION", required=True)
    probe = device_sub.add_parser("check", help="connect, print the device's fingerprint and time the calibration network")
    probe.add_argument("--params", default="params.yaml", help="params file whose latency.remote and protocol apply")
    for flag, help_ in (("--host", "device host"), ("--user", "login user"), ("--key", "private key file"),
                        ("--known-hosts", "known_hosts file"), ("--command", "command run on the device, with {models}")):
        probe.add_argument(flag, default=None, help=f"{help_} (default: the params file's)")
    probe.add_argument("--port", type=int, default=None, help="SSH port (default: the params file's)")
    probe.set_defaults(func=_device_check)


def _fingerprint(threads: int) -> dict:
    from hytnas.runs.fingerprint import fingerprint

    return fingerprint(threads)


def _time(args: argparse.Namespace) -> None:
    from hytnas.latency.backend import SpaceArch
    from hytnas.latency.local import NetworkPayload, network_latency_task
    from hytnas.latency.protocol import LatencyProtocol
    from hytnas.space import get_space

    get_space(args.space).parse_arch_id(args.arch_id)  # bad input: one line before any work
    protocol = LatencyProtocol(resolution=args.resolution, threads=args.threads, warmup=args.warmup, runs=args.runs)
    out = network_latency_task(NetworkPayload(SpaceArch(args.space, args.arch_id), protocol))
    if out["status"] != "ok":
        print(f"{out['status']}: {out['message']}")
        return
    r = out["result"]
    print(f"{args.arch_id}: {r['latency_ms']:.3f} ms median (p10 {r['latency_p10_ms']:.3f}, "
          f"p90 {r['latency_p90_ms']:.3f}, CV {100 * r['latency_cv']:.1f}%) over {r['runs']} runs")
    print(f"protocol: {protocol.describe()}")
    print(f"device: {out['source']['cpu_model']}, torch {out['source']['torch']}, governor {out['source']['governor']}")


def _device_check(args: argparse.Namespace) -> None:
    from hytnas.config import load_params
    from hytnas.latency.protocol import LatencyProtocol
    from hytnas.latency.remote import RemoteExecutor

    params = load_params(args.params)
    given = {"host": args.host, "user": args.user, "key": args.key, "known_hosts": args.known_hosts,
             "command": args.command, "port": args.port}
    device = params.latency.remote.model_validate({**params.latency.remote.model_dump(), **{k: v for k, v in given.items() if v is not None}})
    protocol = LatencyProtocol.from_config(params.latency)
    with RemoteExecutor(device, protocol) as executor:
        record = executor.check()
    print(json.dumps(record["fingerprint"], indent=2))
    print(f"calibration network: {record['latency_ms']:.3f} ms median (p10 {record['latency_p10_ms']:.3f}, "
          f"p90 {record['latency_p90_ms']:.3f}) over {record['runs']} runs at {protocol.resolution} px")


def _check(args: argparse.Namespace) -> None:
    from hytnas.io import write_csv
    from hytnas.latency.import_csv import read_latency_csv
    from hytnas.space import get_space

    table = read_latency_csv(args.csv, get_space(args.space), resolution=args.resolution, cost_resolution=args.resolution, device="import")
    print(f"{args.csv}: {len(table)} rows valid")
    if args.out:
        write_csv(args.out, table)
