"""``hytnas space ...`` and ``hytnas build ...`` sub-commands."""

from __future__ import annotations

import argparse
import json
from typing import Callable

from hytnas.space import get_space, list_spaces


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse ``type=``: an integer ``>= minimum``, else argparse's usage + one error line."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"{text!r}, expected an integer >= {minimum}")
        return value

    return parse


def add_commands(sub: argparse._SubParsersAction) -> None:
    space = sub.add_parser("space", help="inspect and sample search spaces")
    space_sub = space.add_subparsers(dest="space_command", metavar="ACTION", required=True)

    info = space_sub.add_parser("info", help="dimensions, choices and exact size of a space")
    info.add_argument("name", help=f"space name: {', '.join(list_spaces())}")
    info.set_defaults(func=_info)

    listing = space_sub.add_parser("list", help="registered space names")
    listing.set_defaults(func=lambda args: print("\n".join(list_spaces())))

    sample = space_sub.add_parser("sample", help="print sampled arch_ids, one per line")
    sample.add_argument("name", help=f"space name: {', '.join(list_spaces())}")
    sample.add_argument(
        "-n", type=_int_at_least(1), default=5, help="how many distinct architectures (default 5)"
    )
    sample.add_argument("--seed", type=_int_at_least(0), default=0, help="random seed, >= 0 (default 0)")
    sample.add_argument("--method", choices=["uniform", "lhs"], default="uniform", help="sampler")
    sample.set_defaults(func=_sample)

    build = sub.add_parser("build", help="build an architecture; print its module, params and MACs")
    build.add_argument("arch_id", help="canonical architecture string (see `hytnas space info`)")
    build.add_argument("--space", default="table1", help="space the arch_id belongs to (default table1)")
    build.add_argument("--resolution", type=int, default=224, help="input side in pixels for MACs")
    build.add_argument("--classes", type=int, default=2, help="classifier outputs (default 2)")
    build.add_argument("--json", action="store_true", help="print the ArchSpec as JSON instead")
    build.set_defaults(func=_build)


def _info(args: argparse.Namespace) -> None:
    info = get_space(args.name).info()
    print(f"space {info['name']}: {info['description']}")
    print(f"size: {info['size']:,} architectures")
    print("dimensions:")
    for name, choices in info["dimensions"].items():
        print(f"  {name:<16} {', '.join(choices)}")
    print(f"example arch_id: {info['example_arch_id']}")


def _sample(args: argparse.Namespace) -> None:
    space = get_space(args.name)
    for genome in space.sample(args.n, args.seed, args.method):
        print(space.arch_id(genome))


def _build(args: argparse.Namespace) -> None:
    from hytnas.nn import build_model
    from hytnas.nn.measure import count_macs, count_params

    space = get_space(args.space)
    spec = space.to_spec(space.parse_arch_id(args.arch_id))
    if args.json:
        print(json.dumps(spec.to_dict(), indent=2))
        return
    model = build_model(spec, num_classes=args.classes)
    print(model)
    print(f"arch_id: {spec.name}")
    print(f"params: {count_params(model):,}")
    print(f"MACs at {args.resolution}x{args.resolution}: {count_macs(model, args.resolution):,}")
