"""Real browser: the running app lets the CLI use its workspace, and while another program writes to the file it
says that the data is being updated (never a traceback or a process id), then carries on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, artifact, start_app, stop_app, wait_for_app

_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
"""


def test_the_cli_runs_beside_the_app_and_the_app_waits_for_a_writer(
    browser, demo_workspace_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = tmp_path / "segcore.duckdb"
    shutil.copy(demo_workspace_file, workspace)
    monkeypatch.setenv("SEGCORE_WAIT_SECONDS", "4")
    process, url = start_app(workspace)
    try:
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
        tab.goto(f"{url}/?lang=en")
        wait_for_app(tab)
        expect(tab.get_by_text("Members", exact=True)).to_be_visible()

        # the app is open in a browser: a weekly cron job can still read (and write) the workspace
        env = {**os.environ, "SEGCORE_WAIT_SECONDS": "0"}
        listed = subprocess.run(
            [sys.executable, "-m", "segcore", "datasets", "--workspace", str(workspace)],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
        )  # fmt: skip
        assert (listed.returncode, listed.stderr) == (0, "")
        assert listed.stdout.splitlines()[1].split()[:2] == ["demo", "True"]

        holder = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(workspace), "12"], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
            tab.reload()
            expect(tab.get_by_text("The data is being updated, please wait…")).to_be_visible(timeout=30_000)
            busy = tab.get_by_text("The data is being updated by another program. Try again in a moment.")
            expect(busy).to_be_visible(timeout=30_000)
            body = tab.locator("body").inner_text()
            assert "PID" not in body and "Traceback" not in body and "IOException" not in body
            tab.screenshot(path=str(artifact("workspace-busy-en.png")), full_page=True)
            holder.wait(timeout=60)
        finally:
            holder.kill()
            holder.wait()
        tab.get_by_role("button", name="Try again").click()
        wait_for_app(tab)
        expect(tab.get_by_text("Members", exact=True)).to_be_visible()
        expect(busy).to_have_count(0)
    finally:
        stop_app(process)
