"""``hytnas executor check``: is a Dask scheduler reachable, with which workers?"""

from __future__ import annotations

from typing import Any


def add_commands(sub: Any) -> None:
    """``hytnas executor check``: is a Dask scheduler reachable, with which workers?"""
    executor = sub.add_parser("executor", help="check where jobs would run")
    executor_sub = executor.add_subparsers(dest="executor_command", metavar="ACTION", required=True)
    check = executor_sub.add_parser("check", help="connect to a Dask scheduler and list its workers")
    check.add_argument("address", help="scheduler address, e.g. tcp://127.0.0.1:8786")
    check.add_argument("--threads", type=int, default=1, help="threads resource each task asks for (default 1)")
    check.add_argument("--gpus", type=int, default=0, help="GPU resource each task asks for (default 0)")
    check.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for the scheduler (default 10)")
    check.set_defaults(func=_check_command)


def _check_command(args: Any) -> None:
    from hytnas.runs.dask import DaskExecutor

    with DaskExecutor(args.address, args.threads, args.gpus, timeout=args.timeout) as executor:
        workers = executor._workers()
        print(f"{args.address}: {len(workers)} worker(s), {executor.slots} task slot(s) for threads={args.threads}")
        for address, info in sorted(workers.items()):
            print(f"  {address}: nthreads={info.get('nthreads')} resources={info.get('resources', {})}")
