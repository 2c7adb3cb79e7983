"""The ``hytnas`` command line: ``hytnas --help`` lists the sub-commands.

Each area of the library contributes its sub-commands through an ``add_commands(subparsers)``
function; this module only wires them together and turns bad input into one line and exit 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import Callable, Sequence

from hytnas.errors import HytnasError

EXIT_BAD_INPUT = 2


def _command_modules() -> list[Callable[[argparse._SubParsersAction], None]]:
    from hytnas.data import commands as data_commands
    from hytnas.detection import commands as detect_commands
    from hytnas.final import commands as final_commands
    from hytnas.latency import commands as latency_commands
    from hytnas.predictors import commands as predictor_commands
    from hytnas.results import commands as results_commands
    from hytnas.runs import commands as executor_commands
    from hytnas.search import commands as search_commands
    from hytnas.space import commands as space_commands

    return [
        space_commands.add_commands,
        data_commands.add_commands,
        predictor_commands.add_commands,
        search_commands.add_commands,
        latency_commands.add_commands,
        executor_commands.add_commands,
        final_commands.add_commands,
        detect_commands.add_commands,
        results_commands.add_commands,
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hytnas",
        description="HyT-NAS: hardware-aware search of hybrid convolution-transformer networks.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in _command_modules():
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from hytnas.pipeline.script import configure_logging

    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging()
    try:
        return int(args.func(args) or 0)
    except HytnasError as err:
        print(f"hytnas: error: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
