"""Real browser: the Segments page in both languages, drilling into a segment and opening one customer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app


@pytest.mark.parametrize(
    "lang, segment_label, loyal_label, pick_label, history_label, card_title, purchases",
    [
        (
            "en",
            "Segment",
            "Loyal",
            "Tick the box at the left of a row to open the customer.",
            "Tier at each month-end",
            "Customer {}",
            "Purchases in the last 12 months",
        ),
        (
            "zh",
            "分层",
            "高忠诚度会员",
            "勾选一行左侧的方框即可打开该顾客。",
            "每月末所在分层",
            "顾客 {}",
            "近12个月消费记录",
        ),
    ],
)
def test_drill_into_a_segment_and_open_a_customer(
    page,
    app_url: str,
    lang: str,
    segment_label: str,
    loyal_label: str,
    pick_label: str,
    history_label: str,
    card_title: str,
    purchases: str,
) -> None:
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name={"en": "Segments", "zh": "顾客分层"}[lang]).click()
    page.get_by_text(segment_label, exact=True).first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("combobox", name=segment_label).click()
    page.get_by_role("option", name=loyal_label, exact=True).click()
    wait_for_app(page)
    expect(page.get_by_text(pick_label).last).to_be_visible()
    table = page.locator('[data-testid="stDataFrame"]').nth(1)  # the segment's customers
    table.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(800)
    frame = table.bounding_box()
    page.mouse.click(frame["x"] + 20, frame["y"] + 35 + 17)  # the first row's marker opens the customer
    expect(page.get_by_text(history_label, exact=True)).to_be_visible(timeout=60_000)  # not the spinner's text
    wait_for_app(page)
    expect(page.locator("h4").filter(has_text=card_title.format(""))).to_be_visible()
    expect(page.get_by_text(purchases, exact=True)).to_be_visible()
    wait_for_app(page)
    page.screenshot(path=str(artifact(f"segments-customer-{lang}.png")), full_page=True)
