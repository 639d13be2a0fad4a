"""Real browser: the demo store's planted campaign reads correctly, in both languages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app


@pytest.mark.parametrize(
    "lang, link, sentence, revenue",
    [
        ("en", "Campaigns", "Customers who got the offer bought", "incremental revenue"),
        ("zh", "营销活动", "收到优惠的顾客购买率高出", "增量收入"),
    ],
)
def test_demo_campaign_lift_reads_in_plain_words(
    page, app_url: str, lang: str, link: str, sentence: str, revenue: str
) -> None:
    page.set_viewport_size({"width": 1400, "height": 2400})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=link).click()
    headline = page.locator("h3").filter(has_text=sentence)
    expect(headline).to_be_visible(timeout=90_000)
    text = headline.inner_text()
    assert revenue in text and "nan" not in text.lower()
    wait_for_app(page)
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    page.screenshot(path=str(artifact(f"campaign-lift-{lang}.png")), full_page=True)
