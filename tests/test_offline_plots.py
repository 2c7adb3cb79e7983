"""The DVC plots pages render with no network: ``dvc plots show`` on the repository's own
plots and ``dvc plots diff`` across two commits of a fresh DVC repo, each opened in headless
Chromium inside a network namespace of its own (tests/support/browser.py). DVC's default page,
which loads its libraries from a CDN, is opened the same way and draws nothing: the network is
really off, and the check can fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hytnas.results.offline_page import TEMPLATE_NAME, write_template
from support.browser import render_offline

REPO = Path(__file__).resolve().parents[1]
DVC = str(Path(sys.executable).with_name("dvc"))
DVC_DEFAULT_PAGE = """<!DOCTYPE html>
<html><head>{refresh_tag}<title>DVC Plot</title>{scripts}</head><body>{plot_divs}</body></html>"""


def _dvc(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DVC_NO_ANALYTICS": "1", "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    done = subprocess.run([DVC, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"dvc {' '.join(args)} failed: {done.stderr[-1500:]}"
    return done


def _vega_plot_count(dvc_yaml: Path) -> int:
    """The plots dvc.yaml declares that DVC draws with Vega (everything but images)."""
    plots = yaml.safe_load(dvc_yaml.read_text())["plots"]
    names = [next(iter(entry)) if isinstance(entry, dict) else entry for entry in plots]
    return sum(1 for name in names if not name.endswith((".png", ".jpg", ".svg")))


def _errors(result: dict) -> list[str]:
    return [entry["message"] for entry in result["logs"] if entry["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def template() -> Path:
    """The repository's offline template (``make setup`` writes it; a missing one is a failure)."""
    path = REPO / ".dvc" / TEMPLATE_NAME
    if not path.exists():
        pytest.fail(f"{path}: missing; `make setup` writes it (hytnas plots template)")
    return path


def test_template_is_the_pinned_bundle(template: Path, tmp_path: Path) -> None:
    fresh = write_template(tmp_path / TEMPLATE_NAME)
    assert fresh.read_bytes() == template.read_bytes(), "the template differs from what the pinned vl-convert gives: rerun make setup"
    text = template.read_text()
    assert "{plot_divs}" in text and "{scripts}" not in text
    assert "<script src" not in text and "<link" not in text, "the template loads something from outside the page"


def test_repository_page_draws_every_plot_offline(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "page"
    _dvc(["plots", "show", "-o", str(out)], REPO)
    page = out / "index.html"
    result = render_offline(page, tmp_path / "repository-plots.png")
    expected = _vega_plot_count(REPO / "dvc.yaml")
    print(f"page {page}: {page.stat().st_size} bytes; screenshot {result['screenshot']}")
    assert len(result["divs"]) == expected, f"the page has {len(result['divs'])} Vega plots; dvc.yaml declares {expected}"
    assert result["plots"] is not None, "the page has no recorder: is plots.html_template set in .dvc/config?"
    drawn = {plot["id"]: plot for plot in result["plots"]}
    assert sorted(drawn) == sorted(result["divs"])
    for plot_id, plot in drawn.items():
        assert "error" not in plot, f"{plot_id}: {plot['error']}"
        assert plot["marks"] > 0, f"{plot_id}: no marks drawn"
        assert any(text.strip() for text in result["texts"][plot_id]), f"{plot_id}: no title or axis text"
    assert _errors(result) == []
    assert Path(result["screenshot"]).stat().st_size > 10_000


def test_dvc_default_page_draws_nothing_offline(tmp_path: Path) -> None:
    default = tmp_path / "default.html"
    default.write_text(DVC_DEFAULT_PAGE)
    out = tmp_path / "page"
    _dvc(["plots", "show", "-o", str(out), "--html-template", str(default)], REPO)
    page = (out / "index.html").read_text()
    assert "cdn.jsdelivr.net" in page
    result = render_offline(out / "index.html", tmp_path / "default.png")
    assert result["plots"] is None
    assert result["divs"], "DVC wrote no Vega plots"
    assert all(texts == [] for texts in result["texts"].values()), "a plot drew without its CDN: the network is not off"
    assert any("vegaEmbed is not defined" in message for message in _errors(result))


def _commit(repo: Path, message: str) -> None:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, capture_output=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message], cwd=repo, check=True
    )


def test_plots_diff_offline_across_commits(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    _dvc(["init", "-q"], repo)
    shutil.copytree(REPO / ".dvc" / "plots", repo / ".dvc" / "plots")
    write_template(repo / ".dvc" / TEMPLATE_NAME)
    _dvc(["config", "plots.html_template", TEMPLATE_NAME], repo)
    (repo / "dvc.yaml").write_text(
        "plots:\n"
        "  - hv.csv:\n      template: band\n      title: HV\n      x: evaluations\n      y: hv_fraction\n"
        "      x_label: evaluations\n      y_label: hypervolume fraction\n"
        "  - front.csv:\n      template: series_scatter\n      title: Front\n      x: latency_ms\n      y: accuracy_pct\n"
    )

    def write(scale: float) -> None:
        rows = ["series,evaluations,hv_fraction,hv_fraction_lo,hv_fraction_hi"]
        rows += [f"{name},{e},{scale * e / 10:.3f},{scale * e / 12:.3f},{min(1.0, scale * e / 8):.3f}" for name in ("a", "b") for e in range(1, 9)]
        (repo / "hv.csv").write_text("\n".join(rows) + "\n")
        front = ["series,latency_ms,accuracy_pct"] + [f"a,{10 + i},{60 + scale * i}" for i in range(5)]
        (repo / "front.csv").write_text("\n".join(front) + "\n")

    write(1.0)
    _commit(repo, "first")
    write(0.8)
    _commit(repo, "second")
    write(0.6)
    out = tmp_path / "diff"
    _dvc(["plots", "diff", "HEAD~1", "-o", str(out)], repo)
    result = render_offline(out / "index.html", tmp_path / "diff.png")
    assert len(result["plots"]) == 2
    for plot in result["plots"]:
        assert "error" not in plot and plot["marks"] > 0, plot
        texts = result["texts"][plot["id"]]
        assert "HEAD~1" in texts and "workspace" in texts, f"{plot['id']}: both revisions expected in the legend, got {texts}"
    assert _errors(result) == []
