"""The app holds personal data and is local-first: neither the browser nor the server ever asks an outside host.

The app runs as `make run` starts it (the repo's .streamlit/config.toml, no address given on the command line),
under a small wrapper that writes every name lookup and every connection to a host other than this machine to a
log; Playwright records every request the page makes across the pages, in both languages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, _free_port, _wait_healthy, stop_app, wait_for_app

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
LOCAL_SCHEMES = {"data", "blob", "about"}

# Runs streamlit like `python -m streamlit`, logging every lookup of / connection to a host that is not this machine.
WRAPPER = """
import runpy, socket, sys

log = open(sys.argv.pop(1), "a", encoding="utf-8")
local = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "", None}
real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect


def getaddrinfo(host, *args, **kwargs):
    if (host.decode() if isinstance(host, bytes) else host) not in local:
        log.write(f"lookup {host}\\n")
        log.flush()
    return real_getaddrinfo(host, *args, **kwargs)


def connect(self, address):
    if isinstance(address, tuple) and address[0] not in local:
        log.write(f"connect {address[0]}\\n")
        log.flush()
    return real_connect(self, address)


socket.getaddrinfo, socket.socket.connect = getaddrinfo, connect
sys.argv[0] = "streamlit"
runpy.run_module("streamlit", run_name="__main__", alter_sys=True)
"""


def _outside(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme not in LOCAL_SCHEMES and parsed.hostname not in LOCAL_HOSTS


def test_outside_tells_local_from_outside() -> None:
    assert not _outside("http://127.0.0.1:8501/_stcore/health")
    assert not _outside("http://localhost:8501/weekly")
    assert not _outside("data:image/svg+xml,<svg></svg>")
    assert not _outside("blob:http://127.0.0.1:8501/0c1d")
    assert _outside("https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/groups/default/24px.svg")
    assert _outside("https://webhooks.fivetran.com/webhooks/abc")


@pytest.fixture
def logged_app(demo_workspace_file: Path, tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """The app started as `make run` starts it, under the wrapper: (base URL, the outside-call log, its stdout)."""
    workspace = tmp_path / "segcore.duckdb"
    shutil.copy(demo_workspace_file, workspace)
    wrapper, log, out = tmp_path / "wrapper.py", tmp_path / "outside.log", tmp_path / "stdout.txt"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    log.touch()
    port = _free_port()
    env = {**os.environ, "SEGCORE_WORKSPACE": str(workspace)}
    with out.open("wb") as stdout:
        process = subprocess.Popen(
            [sys.executable, str(wrapper), str(log), "run", "app.py", "--server.port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=subprocess.STDOUT,
        )
    url = f"http://localhost:{port}"
    try:
        _wait_healthy(url, process)
        yield url, log, str(out)
    finally:
        stop_app(process)


def test_no_request_leaves_the_machine(page, logged_app: tuple[str, Path, str]) -> None:
    """Every request of a session across the pages goes to the app itself; the server looks up no outside host."""
    url, log, out = logged_app
    requested: list[str] = []
    failed: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(f"{url}/?lang=zh")
    wait_for_app(page)
    for path, heading in [
        ("weekly?lang=zh", "每周经营复盘"),
        ("segments?lang=zh", None),
        ("personas?lang=zh", "客户画像"),
        ("forecast?lang=zh", "预测：谁会再来购买"),
        ("migration?lang=en", None),
        ("targets?lang=en", None),
        ("campaigns?lang=en", None),
        ("data?lang=en", None),
        ("tier_rules?lang=en", None),
        ("?lang=en", None),
    ]:
        page.goto(f"{url}/{path}")
        wait_for_app(page)
        if heading:
            expect(page.get_by_role("heading", name=heading).first).to_be_visible()
        page.wait_for_timeout(1500)  # late requests: favicon, fonts, usage statistics
    assert len(requested) > 50  # the recorder saw the session's own traffic
    assert sorted({u for u in requested if _outside(u)}) == []
    assert sorted({u for u in failed if _outside(u)}) == []
    assert log.read_text(encoding="utf-8") == ""
    printed = [line.strip() for line in Path(out).read_text(encoding="utf-8").splitlines() if "URL" in line]
    assert printed == [f"URL: {url}"]  # listens on this machine only, says where
