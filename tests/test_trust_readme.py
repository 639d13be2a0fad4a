"""The README's commands work as written: every `make` target it names exists, every CLI line runs."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, debian_packages

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _cli_lines() -> list[str]:
    """The README's `.venv/bin/python -m segcore …` lines (continuations joined, comments dropped)."""
    blocks = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    joined = "\n".join(blocks).replace("\\\n", " ")
    return [
        line.split("  #")[0].strip() for line in joined.splitlines() if line.startswith(".venv/bin/python -m segcore")
    ]


def test_readme_names_the_pages_and_the_packages() -> None:
    for page in (
        "Overview",
        "Weekly review",
        "Segments",
        "Personas",
        "Migration",
        "Target lists",
        "Campaigns",
        "Data",
        "Tier rules",
    ):
        assert f"| **{page}** |" in README, page
    assert "http://localhost:8501" in README
    assert f"sudo apt-get install -y {' '.join(debian_packages())}" in README
    assert "python3-venv" in README


def test_readme_make_targets_exist() -> None:
    targets = sorted(set(re.findall(r"`make (\w+)`", README)) | {"run", "test"})
    assert {"run", "test", "lint", "bench", "packages", "setup"} <= set(targets)
    for target in targets:
        run = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False)
        assert run.returncode == 0, (target, run.stderr)


def test_readme_command_lines_run_as_written(tmp_path: Path) -> None:
    lines = _cli_lines()
    commands = [line.split()[3] for line in lines]
    assert commands == [
        "demo",
        "ingest",
        "datasets",
        "tiers",
        "migration",
        "targets",
        "persona",
        "predict",
        "lift",
        "report",
    ]
    assert "--help" in README and ".venv/bin/python -m segcore --help" in README
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEGCORE_WORKSPACE": str(tmp_path / "ws.duckdb")}
    for line in lines:
        argv = [sys.executable, *shlex.split(line)[1:]]
        run = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert (run.returncode, run.stderr) == (0, ""), line
    outs = ("tiers.csv", "moves.csv", "list.csv", "control.csv", "persona.csv", "forecast.csv", "forecast.json")
    for out in (*outs, "lift.csv", "weekly.pdf"):
        assert (tmp_path / out).stat().st_size > 0, out
    assert (tmp_path / "weekly.pdf").read_bytes().startswith(b"%PDF-")
