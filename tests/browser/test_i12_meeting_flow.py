"""Real browser: the Monday meeting in presentation mode, driven by the keyboard, at 1366x768 and 1920x1080 in both
languages: the section counter follows the keys, and the slides are large and fit the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app

VIEWPORTS = {"1366": (1366, 768), "1920": (1920, 1080)}
SECTIONS = {
    "en": ["This week in numbers", "Tier movements this week", "Customers to act on"],
    "zh": ["本周关键指标", "本周分层变动", "需要跟进的顾客"],
}


def _px(locator: object, prop: str = "fontSize") -> float:
    return float(locator.evaluate(f"e => parseFloat(getComputedStyle(e).{prop})"))  # type: ignore[attr-defined]


def _fits(page: object, width: int) -> None:
    """Nothing is wider than the screen, and no KPI number is cut or wrapped."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # type: ignore[attr-defined]
    values = page.locator(".kpi-value")  # type: ignore[attr-defined]
    for i in range(values.count()):
        box = values.nth(i).evaluate("e => [e.scrollWidth, e.clientWidth, e.getClientRects().length]")
        assert box[0] <= box[1], f"KPI value {i} overflows its card: {box}"


@pytest.mark.parametrize("size", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_meeting_with_the_keyboard(page, app_url: str, lang: str, size: str) -> None:
    width, height = VIEWPORTS[size]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.goto(f"{app_url}/weekly?lang={lang}&present=1")
    counter = page.locator(".wk-counter")
    expect(counter).to_have_text(re.compile(r"^1 / \d+$"), timeout=120_000)
    wait_for_app(page)
    total = int(counter.inner_text().split("/")[1])
    assert total >= 4
    expect(page.get_by_role("heading", name=SECTIONS[lang][0])).to_be_visible()

    # slide 1: the KPI cards, large, all on the screen, numbers on one line
    assert _px(counter) >= 32
    assert _px(page.locator(".kpi-value").first) >= (40 if size == "1366" else 60)
    assert _px(page.locator(".kpi-help").first) >= 15  # the definitions are on the slide too
    last = page.locator(".kpi-card").last.bounding_box()
    assert last["y"] + last["height"] <= height
    _fits(page, width)
    page.screenshot(path=str(artifact(f"i12-meeting-kpis-{lang}-{size}.png")))

    # ArrowRight, Space, PgDn step forward; ArrowLeft steps back
    page.keyboard.press("ArrowRight")
    expect(counter).to_have_text(f"2 / {total}", timeout=60_000)
    expect(page.get_by_role("heading", name=SECTIONS[lang][1])).to_be_visible()
    wait_for_app(page)
    page.wait_for_timeout(1500)  # the Sankey draws after the script run
    labels = page.locator(".js-plotly-plot .annotation-text")  # the node labels, beside the flows
    expect(labels.first).to_be_visible()
    assert _px(labels.first) >= 20, "Sankey labels too small for the room"
    page.screenshot(path=str(artifact(f"i12-meeting-movements-{lang}-{size}.png")))

    page.keyboard.press(" ")
    expect(counter).to_have_text(f"3 / {total}", timeout=60_000)
    expect(page.get_by_role("heading", name=SECTIONS[lang][2])).to_be_visible()
    wait_for_app(page)
    cell = page.locator(".wk-table td").first
    expect(cell).to_be_visible()
    assert _px(cell) >= (20 if size == "1366" else 24), "table text too small for the room"
    _fits(page, width)
    page.screenshot(path=str(artifact(f"i12-meeting-alerts-{lang}-{size}.png")))

    page.keyboard.press("PageDown")
    expect(counter).to_have_text(f"4 / {total}", timeout=60_000)
    wait_for_app(page)
    page.keyboard.press("ArrowLeft")
    expect(counter).to_have_text(f"3 / {total}", timeout=60_000)
    wait_for_app(page)
    page.keyboard.press("PageUp")
    expect(counter).to_have_text(f"2 / {total}", timeout=60_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
