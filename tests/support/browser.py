"""Open a page in headless Chromium with no network at all and report what it drew.

:func:`render_offline` runs ``browser_probe.py`` in a fresh network namespace
(``unshare --net``: only a loopback device, brought up for chromedriver's local port), so the
page cannot reach any address; it returns the probe's JSON: the recorded plots, the SVG texts
per plot, the console messages, and where the screenshot went. Chromium and chromedriver come
from Debian's ``chromium`` and ``chromium-driver`` packages (``make setup`` installs them); a
missing one fails the test with one line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
PROBE = Path(__file__).with_name("browser_probe.py")


def need_browser() -> None:
    """Fail the test with one line when Chromium, chromedriver or the tools are missing."""
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).exists()]
    missing += [tool for tool in ("unshare", "ip") if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not installed: `make setup` installs chromium and chromium-driver as root (scripts/install-system.sh)"
        )


def render_offline(page: Path, screenshot: Path, timeout_s: float = 120.0) -> dict[str, Any]:
    """Load ``page`` (an HTML file) in headless Chromium inside a network namespace of its own.

    Returns:
        ``{"plots": [...], "texts": {id: [str]}, "divs": [id], "logs": [{"level", "message"}],
        "screenshot": str}``: ``plots`` is the page's ``window.hytnasPlots`` (``None`` when the
        page has no recorder), ``divs`` the ids of the page's Vega plot elements (its vegaEmbed calls), ``texts`` the
        SVG text of each.
    """
    need_browser()
    ip = shutil.which("ip") or "/usr/sbin/ip"
    namespace = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--net"]
    script = f'{ip} link set lo up && exec "$0" "$@"'
    command = [*namespace, "sh", "-c", script, sys.executable, str(PROBE), str(Path(page).resolve()), str(screenshot)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0:
        pytest.fail(f"the browser probe failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)
