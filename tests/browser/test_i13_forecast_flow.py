"""Real browser, issue 13: open Forecast from the sidebar, read the headline and the accuracy panel (its title, the
error sentence and both charts drawn), then open the valuable customers who are slipping away as a target list.
Both languages, 1366 and 1920 wide; screenshots in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app

VIEWPORTS = [pytest.param((1366, 768), id="1366"), pytest.param((1920, 1080), id="1920")]
WORDS = {
    "en": {
        "page": "Forecast",
        "title": "Forecast: who will buy again",
        "customers": "Customers modelled",
        "accuracy": "Model accuracy",
        "error": re.compile(r"^In those 90 days customers made [\d,]+ purchases; the model expected [\d,]+: an error"),
        "slipping": "Valuable but slipping",
        "count": re.compile(r"^([\d,]+) customers$"),
        "open": "Open as a target list",
        "targets": "Build a target list",
        "handed": (
            "From Forecast: Customer lifetime value (next 90 days) is at least ",
            "From Forecast: Chance still active (P(alive)) is below 50%",
        ),
        "matched": "Matched the filters",
    },
    "zh": {
        "page": "预测",
        "title": "预测：谁会再来购买",
        "customers": "参与预测的顾客",
        "accuracy": "模型准确度",
        "error": re.compile(r"^在这 90 天里，顾客实际购买 [\d,]+ 次，模型预计 [\d,]+ 次：偏差 "),
        "slipping": "高价值但流失风险高",
        "count": re.compile(r"^([\d,]+) 位顾客$"),
        "open": "在目标名单中打开",
        "targets": "生成目标名单",
        "handed": ("来自预测：顾客终身价值（未来90天）不低于", "来自预测：活跃概率低于50%"),
        "matched": "符合筛选条件",
    },
}


def _open_forecast(page, app_url: str, lang: str, size: tuple[int, int]) -> None:
    """From the Overview, through the sidebar link, to the Forecast page with every chart drawn."""
    words = WORDS[lang]
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=words["page"], exact=True).click()
    page.get_by_role("heading", name=words["title"]).wait_for(timeout=120_000)
    page.locator('[data-testid="stPlotlyChart"]').nth(4).wait_for(timeout=120_000)
    wait_for_app(page)
    page.wait_for_timeout(1500)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_forecast_page_draws_its_accuracy_panel(page, app_url: str, lang: str, size: tuple[int, int]) -> None:
    words = WORDS[lang]
    tag = f"{lang}-{size[0]}"
    _open_forecast(page, app_url, lang, size)
    expect(page.locator('[data-testid="stMetric"]').filter(has_text=words["customers"])).to_be_visible()
    page.screenshot(path=str(artifact(f"i13-forecast-top-{tag}.png")))

    heading = page.get_by_role("heading", name=words["accuracy"])
    heading.scroll_into_view_if_needed()
    expect(heading).to_be_visible()
    expect(page.get_by_text(words["error"])).to_be_visible()
    charts = page.locator('[data-testid="stPlotlyChart"]')
    assert charts.count() == 5  # P(alive), the two segment charts, the two accuracy charts
    frequency, weekly = charts.nth(3), charts.nth(4)
    frequency.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    assert frequency.locator(".barlayer .point").count() == 16  # 0..7+, actual and model side by side
    assert weekly.locator(".scatterlayer .trace").count() == 2  # actual and expected
    box = weekly.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 250
    page.screenshot(path=str(artifact(f"i13-forecast-accuracy-{tag}.png")))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_valuable_but_slipping_opens_a_target_list(page, app_url: str, lang: str) -> None:
    words = WORDS[lang]
    _open_forecast(page, app_url, lang, (1366, 768))
    heading = page.get_by_role("heading", name=words["slipping"])
    heading.scroll_into_view_if_needed()
    count = page.locator("strong").filter(has_text=words["count"]).first
    count = int(words["count"].match(count.inner_text()).group(1).replace(",", ""))
    assert count > 0
    page.get_by_role("button", name=words["open"]).click()

    page.get_by_role("heading", name=words["targets"]).wait_for(timeout=120_000)
    wait_for_app(page)
    for start in words["handed"]:
        expect(page.get_by_text(re.compile("^" + re.escape(start))).first).to_be_visible(timeout=90_000)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=words["matched"])
    assert int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", "")) == count
    page.screenshot(path=str(artifact(f"i13-forecast-handed-over-{lang}.png")))
