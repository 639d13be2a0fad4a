"""Real browser: every page in zh and en at 1366x768 and 1920x1080 on the demo store. Each run keeps a full-page
screenshot as test-artifacts/screens/<page>-<lang>-<width>.png, and fails on a visible exception box or on the word
None / nan / NaT in the page's text. One app server and one browser tab serve every case (fast enough for CI)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import DecodeError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.browser.conftest import ARTIFACTS, start_app, stop_app, wait_for_app
from tests.test_i12_screen import PAGES

SCREENS = ARTIFACTS / "screens"
VIEWPORTS = ((1366, 768), (1920, 1080))
LANGS = ("zh", "en")
CASES = [
    (Path(name).stem, lang, size) for size, lang, name in itertools.product(VIEWPORTS, LANGS, PAGES)
]  # grouped by viewport, then language: the tab is resized only twice
_EMPTY_WORDS = r"(^|[^A-Za-z0-9_])(None|nan|NaN|NaT)(?![A-Za-z0-9_])"

# The main area scrolls inside its own box; for a full-page picture the window is made as tall as that box's content.
_CONTENT_HEIGHT = """() => {
    const main = document.querySelector('[data-testid="stMain"]') || document.querySelector('section.main');
    const sidebar = document.querySelector('[data-testid="stSidebarContent"]');
    return Math.max(main ? main.scrollHeight : 0, sidebar ? sidebar.scrollHeight : 0, document.body.scrollHeight);
}"""


@pytest.fixture(scope="module")
def server(demo_workspace_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One app for the whole module, on a private copy of the demo workspace."""
    workspace = tmp_path_factory.mktemp("screens") / "segcore.duckdb"
    shutil.copy(demo_workspace_file, workspace)
    process, url = start_app(workspace)
    yield url
    stop_app(process)


@pytest.fixture(scope="module")
def runs() -> _Runs:
    return _Runs()


@pytest.fixture(scope="module")
def tab(browser: Any, runs: _Runs) -> Iterator[Any]:
    """One tab for every case (a Chinese browser locale, so nothing but ?lang= decides the language)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.on("websocket", runs.watch)
    yield page
    context.close()


class _Runs:
    """Counts the app's finished script runs from its websocket messages (Streamlit's running indicator is not in
    the page with the minimal toolbar, and a long query leaves the page unchanged for seconds: neither tells)."""

    def __init__(self) -> None:
        self.finished = 0

    def watch(self, websocket: Any) -> None:
        websocket.on("framereceived", self._frame)

    def _frame(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            return
        try:
            message = ForwardMsg.FromString(payload)
        except DecodeError:
            return
        if message.WhichOneof("type") == "script_finished" and message.script_finished in _DONE:
            self.finished += 1


_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


def _open(tab: Any, runs: _Runs, url: str, timeout_ms: int = 180_000) -> None:
    """Open `url` and wait until its script run has finished (a deep link first runs the frame, which switches to
    the page: only a run that finished without a rerun counts), then let the charts draw."""
    runs.finished = 0
    tab.goto(url)
    waited = 0
    while not runs.finished and waited < timeout_ms:
        tab.wait_for_timeout(200)
        waited += 200
    assert runs.finished, f"{url} did not finish within {timeout_ms // 1000} s"
    wait_for_app(tab)
    tab.wait_for_timeout(1_000)


def _path(page: str) -> str:
    return "/" if page == "overview" else f"/{page}"


@pytest.mark.parametrize(("page", "lang", "size"), CASES, ids=[f"{p}-{lang}-{w}" for p, lang, (w, _) in CASES])
def test_every_page_on_screen(server: str, tab: Any, runs: _Runs, page: str, lang: str, size: tuple[int, int]) -> None:
    width, height = size
    tab.set_viewport_size({"width": width, "height": height})
    _open(tab, runs, f"{server}{_path(page)}?lang={lang}")
    full = int(tab.evaluate(_CONTENT_HEIGHT))
    tab.set_viewport_size({"width": width, "height": max(height, full)})
    tab.wait_for_timeout(700)
    SCREENS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENS / f"{page}-{lang}-{width}.png"), full_page=True)
    tab.set_viewport_size({"width": width, "height": height})

    problems: list[str] = []
    boxes = tab.locator('[data-testid="stException"]')
    if boxes.count():
        problems.append(f"exception box: {boxes.first.inner_text()[:300]!r}")
    text = tab.evaluate("() => document.body.innerText")
    words = tab.evaluate(
        "([text, pattern]) => [...text.matchAll(new RegExp(pattern, 'gm'))].map(m => "
        "text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\\n/g, ' | '))",
        [text, _EMPTY_WORDS],
    )
    problems.extend(f"empty value shown as a word: {context!r}" for context in words)
    if f"?lang={lang}" not in tab.url and f"lang={lang}" not in tab.url:
        problems.append(f"the page lost its language: {tab.url}")
    if problems:
        pytest.fail(f"{page} [{lang}, {width}px]:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.mark.parametrize(("lang", "words"), [("zh", '"按回车键确认"'), ("en", None)])
def test_the_input_hint_is_in_the_page_language(
    server: str, tab: Any, runs: _Runs, lang: str, words: str | None
) -> None:
    tab.set_viewport_size({"width": 1366, "height": 768})
    _open(tab, runs, f"{server}/data?lang={lang}")
    tab.locator('[data-testid="stTextInput"] input').first.fill("my-store")  # no Enter
    hint = tab.locator('[data-testid="InputInstructions"]').first
    hint.wait_for(state="visible")
    shown = hint.evaluate(
        "el => [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content, el.innerText]"
    )
    tab.screenshot(path=str(SCREENS / f"input-hint-{lang}.png"))
    if words is None:
        assert shown[1] == "none" and shown[2] == "Press Enter to apply"
    else:
        assert shown[:2] == ["0px", words]  # Streamlit's English words take no room; the catalog's are drawn
