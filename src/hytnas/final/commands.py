"""``hytnas final select ...``: BL, BA and O of a Pareto set, for users targeting a device class.

Wire it into :mod:`hytnas.cli` with ``add_commands`` (like the other areas' commands).
"""

from __future__ import annotations

import argparse
import json


def add_commands(sub: argparse._SubParsersAction) -> None:
    final = sub.add_parser("final", help="final networks of Table II")
    final_sub = final.add_subparsers(dest="final_command", metavar="ACTION", required=True)
    pick = final_sub.add_parser("select", help="pick BL, BA and O from a Pareto set (CSV of compare_search)")
    pick.add_argument("pareto", help="CSV with arch_id, pred_val_acc, pred_latency_ms[, params, macs]")
    pick.add_argument("--space", default="table1", help="space of the arch_ids (default table1)")
    pick.add_argument("--max-params", type=int, default=None, help="keep architectures with at most this many parameters")
    pick.add_argument("--max-latency-ms", type=float, default=None, help="keep architectures at most this slow (predicted)")
    pick.add_argument("--json", action="store_true", help="print JSON instead of a table")
    pick.set_defaults(func=_select)


def _select(args: argparse.Namespace) -> None:
    from hytnas.final.selection import read_pareto, select
    from hytnas.space import get_space

    front = read_pareto(args.pareto, get_space(args.space))
    picks = select(front, max_params=args.max_params, max_latency_ms=args.max_latency_ms, source=args.pareto)
    if args.json:
        print(json.dumps([p.to_dict() for p in picks], indent=2))
        return
    print(f"{'pick':<4} {'pred_val_acc':>12} {'pred_latency_ms':>15} {'params':>9} {'knee':>6}  arch_id")
    for p in picks:
        print(f"{p.role:<4} {p.pred_val_acc:>12.2f} {p.pred_latency_ms:>15.2f} {p.params:>9,} {p.knee_distance:>6.3f}  {p.arch_id}")
