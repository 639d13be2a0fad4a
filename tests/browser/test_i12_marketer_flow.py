"""Real browser, issue 12: the marketer changes a filter far down the Targets page and the list's size, pinned under
the header, stays in the viewport and changes; the Campaigns page opens on a campaign with results. At 1366x768 and
1920x1080, in both languages; screenshots in test-artifacts/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app

STRIP = ".st-key-tgt_counts"
VIEWPORTS = {"1366": {"width": 1366, "height": 768}, "1920": {"width": 1920, "height": 1080}}
WORDS = {
    "en": {
        "targets": "Target lists",
        "campaigns": "Campaigns",
        "size": "On the list",
        "purchases": "Purchases: categories",
    },
    "zh": {"targets": "目标名单", "campaigns": "营销活动", "size": "名单人数", "purchases": "消费行为：品类"},
}


def _in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


def _size(page) -> str:
    return page.locator(f'{STRIP} [data-testid="stMetricValue"]').first.inner_text()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_list_size_stays_in_view_while_a_filter_changes(page, app_url: str, lang: str, viewport: str) -> None:
    words = WORDS[lang]
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=words["targets"]).click()
    expect(page.locator(STRIP).get_by_text(words["size"])).to_be_visible(timeout=90_000)
    wait_for_app(page)
    before = _size(page)
    assert _in_viewport(page, STRIP)
    page.screenshot(path=str(artifact(f"i12-targets-top-{lang}-{viewport}.png")))
    # the purchase filters sit far below the top of the page: open them, change one, the strip is still in view
    page.get_by_text(words["purchases"]).first.click()
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 600)")
    page.wait_for_timeout(500)
    field = page.locator(".st-key-tgt_promo_min input").first
    field.scroll_into_view_if_needed()
    field.fill("1")
    field.press("Enter")
    expect(page.locator(f'{STRIP} [data-testid="stMetricValue"]').first).not_to_have_text(before, timeout=60_000)
    wait_for_app(page)
    after = _size(page)
    assert after != before
    assert int(after.replace(",", "")) < int(before.replace(",", ""))
    assert _in_viewport(page, STRIP)
    assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") >= 500
    page.screenshot(path=str(artifact(f"i12-targets-filter-{lang}-{viewport}.png")))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_campaigns_open_on_a_measured_campaign(page, app_url: str, lang: str, viewport: str) -> None:
    words = WORDS[lang]
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=words["campaigns"]).click()
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible(timeout=90_000)
    wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(artifact(f"i12-campaigns-charts-{lang}-{viewport}.png")))
    page.screenshot(path=str(artifact(f"i12-campaigns-full-{lang}-{viewport}.png")), full_page=True)
