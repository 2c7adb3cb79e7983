"""Strategies and latency backends declared by another installed package (entry points) are
found by every process, a DVC stage's included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PLUGIN = '''
from hytnas.search.strategies.random_search import RandomSearch


class MyStrategy(RandomSearch):
    name = "my-strategy"


def make_backend(**kwargs):
    from hytnas.latency.local import LocalBackend

    backend = LocalBackend.from_config(**kwargs)
    backend.name = "myboard"
    return backend
'''


def _install(root: Path) -> Path:
    """A package ``myplugin`` with its dist-info (the entry points), as pip would leave it."""
    root.mkdir(parents=True)
    (root / "myplugin.py").write_text(PLUGIN)
    info = root / "myplugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: myplugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[hytnas.strategies]\nmy-strategy = myplugin:MyStrategy\n\n"
        "[hytnas.latency_backends]\nmyboard = myplugin:make_backend\n"
    )
    return root


def test_declared_strategy_and_backend_are_found(tmp_path: Path) -> None:
    site = _install(tmp_path / "site")
    code = (
        "from hytnas.config import parse_params\n"
        "from hytnas.latency import get_backend\n"
        "from hytnas.latency.protocol import LatencyProtocol\n"
        "from hytnas.pipeline.compare_search import check_search\n"
        "from hytnas.search import get_strategy, list_strategies\n"
        "params = parse_params({'search': {'strategies': ['random', 'my-strategy']}})\n"
        "check_search(params)\n"
        "print('my-strategy' in list_strategies(), type(get_strategy('my-strategy')).__name__)\n"
        "backend = get_backend('myboard', protocol=LatencyProtocol.from_config(params.latency),\n"
        "                      executor_cfg=params.executor, latency_cfg=params.latency)\n"
        "print(backend.name)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**_env(), "PYTHONPATH": str(site)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "MyStrategy", "myboard"]


def test_a_broken_entry_point_is_one_line(tmp_path: Path) -> None:
    site = _install(tmp_path / "site")
    (site / "myplugin-0.1.dist-info" / "entry_points.txt").write_text("[hytnas.strategies]\nbad = myplugin:Missing\n")
    code = "from hytnas.search import get_strategy\nget_strategy('bad')\n"
    done = subprocess.run(
        [sys.executable, "-c", f"import sys\nfrom hytnas.errors import HytnasError\ntry:\n    exec({code!r})\n"
         "except HytnasError as err:\n    print(err); sys.exit(2)\n"],
        capture_output=True, text=True, timeout=120, env={**_env(), "PYTHONPATH": str(site)},
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stdout.strip().startswith("entry point bad = myplugin:Missing of hytnas.strategies: cannot be loaded")


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
