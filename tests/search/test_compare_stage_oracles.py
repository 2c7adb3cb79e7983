"""Stage compare_search's --oracles: asking for the released oracle without its data is one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_released_oracle_without_released_dir_is_one_line(tmp_path: Path) -> None:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["search"]["released_dir"] = None
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    result = subprocess.run(
        [sys.executable, str(REPO / "stages" / "compare_search.py"), "--params", str(tmp_path / "params.yaml"),
         "--oracles", "released", "--models", str(tmp_path / "models"), "--out", str(tmp_path / "out"),
         "--metrics", str(tmp_path / "search.json")],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--oracles released needs search.released_dir" in lines[0]
    assert not (tmp_path / "out").exists() and not (tmp_path / "search.json").exists()
