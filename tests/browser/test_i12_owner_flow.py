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
        "regular": "Regular",
        "heatmap": "Recency × frequency: customers and average spend per cell",
        "computing": "Working out the tier",
        "champions": "Champions",
        "cell": "Customers in the grid cell R 5 · F 5",
        "count": re.compile(r"^[\d,]+ customers\. Tick the box"),
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
        "regular": "普通会员",
        "heatmap": "最近消费 × 消费频次：每格人数与平均消费额",
        "computing": "正在计算每月末的分层",
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


def _center(page, locator) -> None:
    locator.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(800)


def _plot_box(page, index: int) -> dict[str, float]:
    """The drawing area (inside the axes) of the index-th Plotly chart on the page, scrolled to the middle."""
    chart = page.locator('[data-testid="stPlotlyChart"]').nth(index)
    _center(page, chart)
    drag = chart.locator("rect.nsewdrag").first
    return drag.bounding_box() if drag.count() else chart.bounding_box()


def _click(page, x: float, y: float) -> None:
    """Hover first, then click: Plotly picks the point under the pointer from its last hover."""
    page.mouse.move(x - 5, y)
    page.wait_for_timeout(300)
    page.mouse.move(x, y)
    page.wait_for_timeout(400)
    page.mouse.click(x, y)
    page.wait_for_timeout(1500)
    wait_for_app(page)


def _segment_value(page, label: str) -> str:
    return page.get_by_role("combobox", name=label).input_value().strip()


def _open_segments(page, app_url: str, lang: str, size: tuple[int, int]) -> None:
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=WORDS[lang]["page"]).click()
    page.locator('[data-testid="stPlotlyChart"]').nth(1).wait_for(timeout=90_000)
    wait_for_app(page)
    page.wait_for_timeout(1000)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_click_a_chart_then_a_row_opens_a_customer(page, app_url: str, lang: str, size: tuple[int, int]) -> None:
    words = WORDS[lang]
    tag = f"{lang}-{size[0]}"
    _open_segments(page, app_url, lang, size)

    # a bar: the lowest bar is the last segment of the tier order, Potential
    box = _plot_box(page, 1)
    _click(page, box["x"] + 30, box["y"] + box["height"] - 10)
    assert _segment_value(page, words["segment"]) == words["potential"]
    expect(page.get_by_text(words["count"])).to_be_visible()
    page.screenshot(path=str(artifact(f"i12-owner-bar-{tag}.png")))

    # a treemap tile: the biggest tile (Regular) sits at the top left; the list follows the tile's segment
    box = _plot_box(page, 0)
    _click(page, box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.4)
    assert _segment_value(page, words["segment"]) == words["regular"]
    page.screenshot(path=str(artifact(f"i12-owner-tile-{tag}.png")))

    # the R x F grid: the top-right cell is R 5 · F 5
    page.get_by_text(words["rfm"], exact=True).first.click()
    wait_for_app(page)
    page.get_by_text(words["heatmap"], exact=True).wait_for(timeout=90_000)
    page.locator('[data-testid="stPlotlyChart"]').nth(2).locator("rect.nsewdrag").first.wait_for(timeout=90_000)
    wait_for_app(page)
    page.wait_for_timeout(1500)
    box = _plot_box(page, 2)
    _click(page, box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.1)
    expect(page.get_by_text(words["cell"], exact=True)).to_be_visible()
    _center(page, page.get_by_text(words["cell"], exact=True))
    page.screenshot(path=str(artifact(f"i12-owner-cell-{tag}.png")))

    # a row of the customer table: its row marker (the leftmost column) opens the profile
    table = page.locator('[data-testid="stDataFrame"]').nth(1)
    _center(page, table)
    frame = table.bounding_box()
    _click(page, frame["x"] + 20, frame["y"] + 35 + 17)
    card = page.locator("h4").filter(has_text=words["card"])
    expect(card).to_be_visible()
    expect(page.get_by_text(words["where"], exact=True)).to_be_visible()
    page.get_by_text(words["computing"]).first.wait_for(state="detached", timeout=120_000)
    wait_for_app(page)
    card.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifact(f"i12-owner-card-{tag}.png")))
    page.mouse.wheel(0, size[1] - 100)
    page.wait_for_timeout(800)
    page.screenshot(path=str(artifact(f"i12-owner-card-history-{tag}.png")))


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
    wait_for_app(page)
    page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_timeout(4000)  # the grid paints its canvas after the script run ends
    page.get_by_text(words["preview"]).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(2000)
    page.screenshot(path=str(artifact(f"i12-rules-preview-{lang}-{size[0]}.png")), full_page=False)
