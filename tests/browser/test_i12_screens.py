"""Real browser: every page in zh and en at 1366x768 and 1920x1080 on the demo store. Each run keeps a full-page
screenshot as test-artifacts/screens/<page>-<lang>-<width>.png, and fails on a visible exception box or on the word
None / nan / NaT in the page's text. One app server and one browser tab serve every case (fast enough for CI)."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

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
def tab(browser: object) -> Iterator[object]:
    """One tab for every case (a Chinese browser locale, so nothing but ?lang= decides the language)."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(90_000)
    yield page
    context.close()


_BUSY = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const busy = document.querySelector(
        '[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-testid="stSkeleton"]');
    return [busy ? 1 : 0, main ? main.innerText.length : 0, document.querySelectorAll('*').length];
}"""


def _settle(tab: object, quiet_ms: int = 2_500, timeout_ms: int = 120_000) -> None:
    """Wait until the page has finished running: no running indicator, spinner or skeleton, and nothing on the
    page has changed for `quiet_ms` (Streamlit's running indicator shows up late, so it alone is not enough)."""
    step, quiet, waited, last = 250, 0, 0, None
    while quiet < quiet_ms and waited < timeout_ms:
        tab.wait_for_timeout(step)  # type: ignore[attr-defined]
        waited += step
        busy, *shape = tab.evaluate(_BUSY)  # type: ignore[attr-defined]
        quiet = quiet + step if not busy and shape == last else 0
        last = shape


def _path(page: str) -> str:
    return "/" if page == "overview" else f"/{page}"


@pytest.mark.parametrize(("page", "lang", "size"), CASES, ids=[f"{p}-{lang}-{w}" for p, lang, (w, _) in CASES])
def test_every_page_on_screen(server: str, tab: object, page: str, lang: str, size: tuple[int, int]) -> None:
    width, height = size
    tab.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]
    tab.goto(f"{server}{_path(page)}?lang={lang}")  # type: ignore[attr-defined]
    wait_for_app(tab)
    _settle(tab)
    full = int(tab.evaluate(_CONTENT_HEIGHT))  # type: ignore[attr-defined]
    tab.set_viewport_size({"width": width, "height": max(height, full)})  # type: ignore[attr-defined]
    tab.wait_for_timeout(700)  # type: ignore[attr-defined]
    SCREENS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENS / f"{page}-{lang}-{width}.png"), full_page=True)  # type: ignore[attr-defined]
    tab.set_viewport_size({"width": width, "height": height})  # type: ignore[attr-defined]

    problems: list[str] = []
    boxes = tab.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
    if boxes.count():
        problems.append(f"exception box: {boxes.first.inner_text()[:300]!r}")
    text = tab.evaluate("() => document.body.innerText")  # type: ignore[attr-defined]
    words = tab.evaluate(  # type: ignore[attr-defined]
        "([text, pattern]) => [...text.matchAll(new RegExp(pattern, 'gm'))].map(m => "
        "text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\\n/g, ' | '))",
        [text, _EMPTY_WORDS],
    )
    problems.extend(f"empty value shown as a word: {context!r}" for context in words)
    if f"?lang={lang}" not in tab.url and f"lang={lang}" not in tab.url:  # type: ignore[attr-defined]
        problems.append(f"the page lost its language: {tab.url}")  # type: ignore[attr-defined]
    if problems:
        pytest.fail(f"{page} [{lang}, {width}px]:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.mark.parametrize(("lang", "words"), [("zh", '"按回车键确认"'), ("en", None)])
def test_the_input_hint_is_in_the_page_language(server: str, tab: object, lang: str, words: str | None) -> None:
    tab.set_viewport_size({"width": 1366, "height": 768})  # type: ignore[attr-defined]
    tab.goto(f"{server}/data?lang={lang}")  # type: ignore[attr-defined]
    wait_for_app(tab)
    tab.locator('[data-testid="stTextInput"] input').first.fill("my-store")  # type: ignore[attr-defined]  # no Enter
    hint = tab.locator('[data-testid="InputInstructions"]').first  # type: ignore[attr-defined]
    hint.wait_for(state="visible")
    shown = hint.evaluate(
        "el => [getComputedStyle(el).fontSize, getComputedStyle(el, '::after').content, el.innerText]"
    )
    tab.screenshot(path=str(SCREENS / f"input-hint-{lang}.png"))  # type: ignore[attr-defined]
    if words is None:
        assert shown[1] == "none" and shown[2] == "Press Enter to apply"
    else:
        assert shown[:2] == ["0px", words]  # Streamlit's English words take no room; the catalog's are drawn
