"""What every script under ``stages/`` runs: parse the paths, load the params, call the
stage's :func:`run`, and turn bad input into one line and exit code 2.

A stage module of :mod:`hytnas.pipeline` defines ``run(params, paths, **options)`` and a
frozen dataclass of its paths whose defaults are the paths of ``dvc.yaml``; each field
becomes an option (``--archs``, ``--out-dir``, ...), so a script is one call::

    from hytnas.pipeline.proxy_train import ProxyTrainPaths, run
    from hytnas.pipeline.script import stage_main
    stage_main(run, ProxyTrainPaths, __doc__)
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any, Callable, Mapping

from hytnas.errors import HytnasError

EXIT_BAD_INPUT = 2
PARAMS_DIR = "params_dir"
"""A paths field of this name is not an option: it is the params file's folder."""


def configure_logging(level: int = logging.INFO) -> None:
    """Library log lines to stderr, one message per line (stages and the CLI call this)."""
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    for noisy in ("distributed", "matplotlib", "PIL", "dvc", "dvclive", "numexpr"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _paths_parser(paths_cls: type, doc: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--params", default="params.yaml", help="params file (default params.yaml)")
    defaults = paths_cls()
    for field in fields(paths_cls):
        if field.name == PARAMS_DIR:
            continue
        default = getattr(defaults, field.name)
        parser.add_argument(
            "--" + field.name.replace("_", "-"), dest=field.name, default=None if default is None else str(default),
            help=f"default {default}",
        )
    return parser


def stage_main(
    run: Callable[..., Any],
    paths_cls: type,
    doc: str | None = None,
    *,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    argv: list[str] | None = None,
) -> None:
    """Run a stage from the command line.

    Args:
        run: the stage's ``run(params, paths, **options)``.
        paths_cls: its paths dataclass (every field a ``Path`` or ``None``).
        doc: the script's description (``--help``).
        options: extra command-line options, ``{name: argparse keyword arguments}``, passed
            to ``run`` as keyword arguments of the same name.
        argv: arguments (default ``sys.argv[1:]``).
    """
    from hytnas.config import load_params

    parser = _paths_parser(paths_cls, doc)
    for name, spec in (options or {}).items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, **spec)
    args = parser.parse_args(argv)
    configure_logging()
    given = {
        f.name: None if getattr(args, f.name) is None else Path(getattr(args, f.name))
        for f in fields(paths_cls)
        if f.name != PARAMS_DIR
    }
    if any(f.name == PARAMS_DIR for f in fields(paths_cls)):
        given[PARAMS_DIR] = Path(args.params).resolve().parent
    paths = paths_cls(**given)
    extra = {name: getattr(args, name) for name in (options or {})}
    try:
        params = load_params(args.params)
        run(params, paths, **extra)
    except HytnasError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


__all__ = ["EXIT_BAD_INPUT", "configure_logging", "stage_main"]
