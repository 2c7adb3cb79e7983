"""``hytnas plots``: the offline HTML template for ``dvc plots show`` and ``dvc plots diff``."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_commands(sub: argparse._SubParsersAction) -> None:
    plots = sub.add_parser("plots", help="the offline page of DVC plots")
    actions = plots.add_subparsers(dest="plots_command", metavar="ACTION", required=True)
    template = actions.add_parser(
        "template",
        help="write the HTML template with Vega inlined (make setup runs it)",
        description="Write the template that plots.html_template in .dvc/config names, with Vega, "
        "Vega-Lite and Vega-Embed inlined from the pinned vl-convert-python, so DVC's plot pages need no network.",
    )
    template.add_argument("--out", default=".dvc/offline-plots.html", help="where to write it (default .dvc/offline-plots.html)")
    template.set_defaults(func=_template)


def _template(args: argparse.Namespace) -> None:
    from hytnas.results.offline_page import write_template

    write_template(Path(args.out))
