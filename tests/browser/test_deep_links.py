"""Real browser: a shared link opened as the first visit to a fresh server keeps its language and its page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app


@pytest.mark.parametrize(
    ("lang", "title"), [("zh", "每周经营复盘"), ("en", "Weekly review")], ids=["zh", "en"]
)  # fmt: skip
def test_a_deep_link_keeps_its_language(page, app_url: str, lang: str, title: str) -> None:
    page.goto(f"{app_url}/weekly?lang={lang}")
    wait_for_app(page)
    expect(page.get_by_role("heading", name=title).first).to_be_visible()
    assert f"lang={lang}" in page.url and "/weekly" in page.url
