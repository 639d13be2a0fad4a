"""Real browser: the weekly review on a 1080p screen in presentation mode, read from across the room."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app


def test_presentation_mode_has_large_kpis_and_no_chrome(page, app_url: str) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/?lang=zh")
    wait_for_app(page)
    page.goto(f"{app_url}/weekly?lang=zh&present=1")
    value = page.locator(".kpi-value").first
    expect(value).to_be_visible(timeout=90_000)
    wait_for_app(page)
    page.screenshot(path=str(artifact("weekly-present-zh-1080p.png")))
    size = float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 60, f"KPI numbers are {size}px: too small to read at 5 m"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    cards = page.locator(".kpi-card")
    assert cards.count() == 7
    assert cards.last.bounding_box()["y"] + cards.last.bounding_box()["height"] <= 1080  # all on one screen
    page.get_by_role("button", name="下一部分 ▶").click()
    expect(page.get_by_text("本周分层变动")).to_be_visible()
