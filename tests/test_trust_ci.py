"""A fresh machine: `make packages` installs what packages.txt lists (only what is missing), and under CI=true a
missing tool or folder fails the run with a one-line reason instead of skipping."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, debian_packages, need

INSTALLED_STUB = """#!/bin/sh
# dpkg-query -W -f '${Status}' NAME: installed unless NAME is listed in $FAKE_MISSING
for name; do :; done
case " $FAKE_MISSING " in *" $name "*) echo "dpkg-query: no packages found matching $name" >&2; exit 1;; esac
printf 'install ok installed'
"""
LOGGING_STUB = '#!/bin/sh\necho "$(basename "$0") $*" >> "$FAKE_LOG"\n'


def _make_packages(tmp_path: Path, missing: str, uid: str, ci: str | None) -> tuple[subprocess.CompletedProcess, str]:
    """`make -s packages` with stub dpkg-query / id / apt-get on PATH; returns the run and the apt-get calls."""
    if shutil.which("make") is None:
        need(False, "make", "sudo apt-get install -y make")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dpkg-query").write_text(INSTALLED_STUB)
    (bin_dir / "apt-get").write_text(LOGGING_STUB)
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    for stub in bin_dir.iterdir():
        stub.chmod(0o755)
    log = tmp_path / "calls.log"
    log.touch()
    outer = {"CI", "REQUIRE_BROWSER", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}  # this run's own, e.g. under `make test`
    env = {key: value for key, value in os.environ.items() if key not in outer}
    env.update(PATH=f"{bin_dir}:{env['PATH']}", FAKE_MISSING=missing, FAKE_LOG=str(log))
    if ci is not None:
        env["CI"] = ci
    run = subprocess.run(["make", "-s", "packages"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    return run, log.read_text()


def test_packages_file_lists_the_debian_packages() -> None:
    assert debian_packages() == ["chromium", "fonts-noto-cjk", "poppler-utils", "openjdk-17-jdk-headless"]


def test_nothing_to_do_when_everything_is_installed(tmp_path: Path) -> None:
    run, calls = _make_packages(tmp_path, missing="", uid="0", ci=None)
    assert (run.returncode, run.stdout, calls) == (0, "", "")


def test_root_installs_only_what_is_missing(tmp_path: Path) -> None:
    run, calls = _make_packages(tmp_path, missing="poppler-utils fonts-noto-cjk", uid="0", ci="true")
    assert run.returncode == 0, run.stdout + run.stderr
    assert calls.splitlines() == ["apt-get update -qq", "apt-get install -y -qq fonts-noto-cjk poppler-utils"]


def test_non_root_prints_the_one_line_to_run(tmp_path: Path) -> None:
    run, calls = _make_packages(tmp_path, missing="poppler-utils", uid="1000", ci=None)
    assert (run.returncode, calls) == (0, "")
    assert run.stdout == "missing Debian packages; run: sudo apt-get install -y poppler-utils\n"


def test_non_root_under_ci_fails(tmp_path: Path) -> None:
    run, calls = _make_packages(tmp_path, missing="chromium", uid="1000", ci="true")
    assert run.returncode != 0
    assert calls == ""
    assert "sudo apt-get install -y chromium" in run.stdout


SUITE = {
    "conftest.py": "from tests.conftest import pytest_runtest_makereport  # noqa: F401\n",
    "test_tools.py": (
        "import pytest\n"
        "from tests.conftest import need\n\n"
        "def test_tool():\n"
        "    need(False, 'pdftotext (Debian poppler-utils)')\n\n"
        "def test_plain_skip():\n"
        "    pytest.skip('some other reason')\n"
    ),
}


def _run_suite(tmp_path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    """A two-test suite (a missing tool, a plain skip) run by pytest in a subprocess: exit code and the -r lines."""
    for name, text in SUITE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    clean = {key: value for key, value in os.environ.items() if key not in {"CI", "REQUIRE_BROWSER"}}
    clean.update(env, PYTHONPATH=str(ROOT), COLUMNS="400")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rfs", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, env=clean, capture_output=True, text=True, check=False,
    )  # fmt: skip
    lines = [line for line in run.stdout.splitlines() if line.startswith(("FAILED", "SKIPPED"))]
    return run.returncode, [re.sub(r"^SKIPPED \[1\] \S+:\d+: ", "SKIPPED: ", line) for line in lines]


APT_LINE = "sudo apt-get install -y chromium fonts-noto-cjk poppler-utils openjdk-17-jdk-headless"


@pytest.mark.parametrize("env", [{"CI": "true"}, {"REQUIRE_BROWSER": "1"}], ids=["ci", "require-browser"])
def test_under_ci_a_missing_tool_or_any_skip_fails(tmp_path: Path, env: dict[str, str]) -> None:
    code, lines = _run_suite(tmp_path, env)
    assert code == 1
    assert lines == [
        "FAILED test_tools.py::test_tool - Failed: CI requires pdftotext (Debian poppler-utils), which is missing: "
        + APT_LINE,
        "FAILED test_tools.py::test_plain_skip - CI=true: a skipped test fails the run (Skipped: some other reason)",
    ]


def test_outside_ci_a_missing_tool_skips_with_the_apt_line(tmp_path: Path) -> None:
    code, lines = _run_suite(tmp_path, {})
    assert code == 0
    assert lines == [
        f"SKIPPED: pdftotext (Debian poppler-utils) is missing: {APT_LINE}",
        "SKIPPED: some other reason",
    ]


def test_no_test_skips_on_its_own() -> None:
    """Every skip for a missing tool, browser or folder goes through `need` (which fails under CI=true)."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "tests").rglob("*.py"))
        if path.name not in {"conftest.py", Path(__file__).name}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"pytest\.skip\(|mark\.skipif|importorskip", line)
    ]
    assert offenders == []
