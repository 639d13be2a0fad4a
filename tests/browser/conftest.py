"""Real-browser fixtures: `streamlit run app.py` on a free local port, driven by Playwright in Debian chromium."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401  (the browser fixture lives there)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer at {url}")


def start_app(
    workspace: Path, *, port: int | None = None, extra_args: Sequence[str] = (), log: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app on `port` (else a free one) with the given workspace file and extra `streamlit run` options,
    its output in `log` (else dropped); returns the process and its base URL."""
    port = port or _free_port()
    env = {**os.environ, "SEGCORE_WORKSPACE": str(workspace)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.headless", "true", "--server.address", "127.0.0.1", *extra_args]  # fmt: skip
    with contextlib.ExitStack() as files:
        out = files.enter_context(log.open("wb")) if log is not None else subprocess.DEVNULL
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
    except BaseException:
        stop_app(process)
        raise
    return process, url


def stop_app(process: subprocess.Popen[bytes]) -> None:
    """Stop the app; a script run still computing can hold Streamlit's shutdown, so kill it after 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=20)


@pytest.fixture
def app_url(demo_workspace_file: Path, tmp_path: Path) -> Iterator[str]:
    """The app running on a private copy of the demo workspace."""
    workspace = tmp_path / "segcore.duckdb"
    shutil.copy(demo_workspace_file, workspace)
    process, url = start_app(workspace)
    yield url
    stop_app(process)


def hash_of(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:10]


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page at 1400x1000; a screenshot is kept in test-artifacts/ when the test fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.set_default_timeout(45_000)
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        # a test id with Chinese parameters is written escaped and can pass the file-name limit: keep it short
        name = (
            request.node.name
            if len(request.node.name) <= 120
            else f"{request.node.originalname}-{hash_of(request.node.name)}"
        )
        tab.screenshot(path=str(ARTIFACTS / f"FAILED-{name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    setattr(item, f"rep_{report.when}", report)


def artifact(name: str) -> Path:
    """Where a test keeps a screenshot or download."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def wait_for_app(tab: object) -> None:
    """Wait until Streamlit has finished running the script (the running indicator shows up after a moment)."""
    tab.wait_for_timeout(500)  # type: ignore[attr-defined]
    tab.wait_for_selector(  # type: ignore[attr-defined]
        '[data-testid="stSidebar"] [data-testid="stRadio"]', state="attached", timeout=90_000
    )
    tab.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
