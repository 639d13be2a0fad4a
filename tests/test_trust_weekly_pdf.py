"""Weekly review, "Prepare the PDF": never a traceback, with or without chromium (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import CHROMIUM, need
from tests.helpers import app

TIMEOUT = 180  # the PDF step can take a while


def _weekly(lang: str) -> AppTest:
    at = app(TIMEOUT, lang=lang).run()
    return at.switch_page("pages/weekly.py").run()


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "A PDF needs chromium (chromium not found); install chromium and fonts-noto-cjk"),
        ("zh", "生成 PDF 需要 chromium（chromium not found）；请安装 chromium 和 fonts-noto-cjk"),
    ],
    ids=["en", "zh"],
)
def test_without_chromium_the_page_says_so_in_the_users_language(
    app_workspace: Path, monkeypatch: pytest.MonkeyPatch, lang: str, message: str
) -> None:
    monkeypatch.setenv("SEGCORE_CHROMIUM", "/nonexistent/chromium")
    at = _weekly(lang)
    at.button(key="wk_pdf_prepare").click().run()
    assert not at.exception
    assert [e.value for e in at.error if message in e.value] != []


def test_prepared_pdf_is_offered_for_download(app_workspace: Path) -> None:
    need(CHROMIUM.exists(), f"Debian chromium ({CHROMIUM})")
    at = _weekly("en")
    at.button(key="wk_pdf_prepare").click().run()
    assert not at.exception, at.exception
    assert not at.error
    at.button(key="wk_pdf_prepare").click().run()  # preparing again (the rerun after a download) is fine too
    assert not at.exception, at.exception
