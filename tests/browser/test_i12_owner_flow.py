"""Real browser, the owner's flow (issue 12, section 3): click a bar, a treemap tile or an R x F grid cell to list
its customers, click a row to open the customer's profile; and the tier-rules preview. Both languages, 1366 and
1920 wide; screenshots in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app

VIEWPORTS = [pytest.param((1366, 768), id="1366"), pytest.param((1920, 1080), id="1920")]
WORDS = {
    "en": {
        "page": "Segments",
        "segment": "Segment",
        "rfm": "RFM grid",
        "potential": "Potential (never bought)",
        "champions": "Champions",
        "cell": "Customers in the grid cell R 5 · F 5",
        "count": re.compile(r"^[\d,]+ customers\. Click a row"),
        "card": re.compile(r"^Customer \S+"),
        "where": "Tier, groups and segments, and the rule behind each",
        "rules": "Tier rules",
        "share": "High spend: top share by spend (%)",
        "preview": re.compile(r"customers would change tier as of"),
    },
    "zh": {
        "page": "顾客分层",
        "segment": "分层",
        "rfm": "RFM 网格",
        "potential": "潜在客户",
        "champions": "冠军客户",
        "cell": "网格单元 R 5 · F 5 的顾客",
        "count": re.compile(r"^共 [\d,]+ 位顾客"),
        "card": re.compile(r"^顾客 \S+"),
        "where": "所在分层、分组及依据的规则",
        "rules": "分层规则",
        "share": "高消费：消费额前百分比（%）",
        "preview": re.compile(r"将有 [\d,]+ 位顾客换分层"),
    },
}


def _plot_box(page, index: int) -> dict[str, float]:
    """The drawing area (inside the axes) of the index-th Plotly chart on the page, scrolled into view."""
    chart = page.locator('[data-testid="stPlotlyChart"]').nth(index)
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    drag = chart.locator("rect.nsewdrag").first
    if drag.count():
        return drag.bounding_box()
    return chart.locator(".treemaplayer").first.bounding_box()


def _segment_value(page, label: str) -> str:
    return page.get_by_role("combobox", name=label).inner_text().strip()


def _open_segments(page, app_url: str, lang: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=WORDS[lang]["page"]).click()
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=90_000)
    wait_for_app(page)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_click_a_chart_then_a_row_opens_a_customer(page, app_url: str, lang: str, size: tuple[int, int]) -> None:
    words = WORDS[lang]
    tag = f"{lang}-{size[0]}"
    _open_segments(page, app_url, lang, size)

    # a bar: the lowest bar is the last segment of the tier order, Potential
    box = _plot_box(page, 1)
    page.mouse.click(box["x"] + 12, box["y"] + box["height"] - 8)
    wait_for_app(page)
    expect(page.get_by_role("combobox", name=words["segment"])).to_contain_text(words["potential"])
    expect(page.get_by_text(words["count"])).to_be_visible()
    page.screenshot(path=str(artifact(f"i12-owner-bar-{tag}.png")), full_page=True)

    # a treemap tile: the biggest tile sits at the top left; the list follows the tile's segment
    box = _plot_box(page, 0)
    before = _segment_value(page, words["segment"])
    page.mouse.click(box["x"] + 30, box["y"] + 30)
    wait_for_app(page)
    after = _segment_value(page, words["segment"])
    assert after and after != before
    page.screenshot(path=str(artifact(f"i12-owner-tile-{tag}.png")), full_page=True)

    # the R x F grid: the top-right cell is R 5 · F 5 (champions)
    page.get_by_role("button", name=words["rfm"], exact=True).click()
    wait_for_app(page)
    box = _plot_box(page, 2)
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.1)
    wait_for_app(page)
    expect(page.get_by_text(words["cell"], exact=True)).to_be_visible()
    page.screenshot(path=str(artifact(f"i12-owner-cell-{tag}.png")), full_page=True)

    # a row of the customer table: its row marker (the leftmost column) opens the profile
    table = page.locator('[data-testid="stDataFrame"]').nth(1)
    table.scroll_into_view_if_needed()
    frame = table.bounding_box()
    page.mouse.click(frame["x"] + 20, frame["y"] + 35 + 17)
    wait_for_app(page)
    expect(page.get_by_role("heading", name=words["card"])).to_be_visible()
    expect(page.get_by_text(words["where"], exact=True)).to_be_visible()
    page.get_by_role("heading", name=words["card"]).scroll_into_view_if_needed()
    wait_for_app(page)
    page.screenshot(path=str(artifact(f"i12-owner-card-{tag}.png")), full_page=False)
    page.screenshot(path=str(artifact(f"i12-owner-card-full-{tag}.png")), full_page=True)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tier_rules_preview_before_saving(page, app_url: str, lang: str, size: tuple[int, int]) -> None:
    words = WORDS[lang]
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=words["rules"]).click()
    share = page.get_by_label(words["share"])
    share.wait_for(timeout=60_000)
    expect(share).to_have_value("20.0")
    share.fill("10")
    share.press("Enter")
    wait_for_app(page)
    expect(page.get_by_text(words["preview"])).to_be_visible(timeout=90_000)
    page.get_by_text(words["preview"]).scroll_into_view_if_needed()
    page.screenshot(path=str(artifact(f"i12-rules-preview-{lang}-{size[0]}.png")), full_page=False)
