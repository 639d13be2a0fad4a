"""Real browser, issue 12: the Migration page says what it counts and its matrix labels are all there; the
Overview marks its partial month. Both languages, at 1366x768 and 1920x1080; screenshots in test-artifacts/."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app

VIEWPORTS = [(1366, 768), (1920, 1080)]
WORDS = {
    "en": {
        "link": "Migration",
        "definition": "How this is counted",
        "headline": "VIPs went silent",
        "columns": ["High spend", "Silent", "Sleeping", "Regular", "Potential"],
        "partial": "Partial month",
    },
    "zh": {
        "link": "分层迁移",
        "definition": "统计口径",
        "headline": "位顾客升级",
        "columns": ["高消费", "沉默", "睡眠", "普通", "潜在"],
        "partial": "不完整月份",
    },
}


def _charts_drawn(page: object, count: int) -> None:
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => document.querySelectorAll('[data-testid=\"stPlotlyChart\"] .main-svg').length >= {count}",
        timeout=180_000,
    )


@pytest.mark.parametrize("width, height", VIEWPORTS, ids=["1366", "1920"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_migration_says_what_it_counts_and_shows_every_matrix_label(
    page, app_url: str, lang: str, width: int, height: int
) -> None:
    words = WORDS[lang]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    overview_note = page.get_by_text(words["partial"])
    expect(overview_note.first).to_be_visible(timeout=90_000)
    bar_note = page.locator('[data-testid="stPlotlyChart"] .annotation-text').filter(has_text="*")
    expect(bar_note.first).to_be_attached()
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(artifact(f"i12-overview-{lang}-{width}.png")))

    page.get_by_role("link", name=words["link"]).click()
    headline = page.locator("h4").filter(has_text=words["headline"])
    expect(headline).to_be_visible(timeout=180_000)
    expect(page.get_by_text(words["definition"]).first).to_be_visible()
    _charts_drawn(page, 4)
    wait_for_app(page)
    text = headline.inner_text()
    assert all(word not in text for word in ("None", "nan", "NaT"))
    page.screenshot(path=str(artifact(f"i12-migration-top-{lang}-{width}.png")))

    matrix = page.locator('[data-testid="stPlotlyChart"]').nth(1)
    matrix.scroll_into_view_if_needed()
    ticks = [t.replace(" ", "") for t in matrix.locator(".xtick text").all_text_contents()]  # wrapped lines join
    for column in words["columns"]:
        assert column.replace(" ", "") in ticks, f"{column} missing from the matrix columns {ticks}"
    # every column label is drawn (none dropped by Plotly for lack of room), and no two overlap
    boxes = [t.bounding_box() for t in matrix.locator(".xtick text").all()]
    boxes = sorted((b for b in boxes if b), key=lambda b: b["x"])
    assert len(boxes) >= len(words["columns"])
    for left, right in itertools.pairwise(boxes):
        assert left["x"] + left["width"] <= right["x"] + 1, "matrix column labels overlap"
    # the cell text is legible: at least 12 px
    sizes = matrix.locator(".heatmap-label text").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert sizes and min(sizes) >= 12
    page.screenshot(path=str(artifact(f"i12-migration-matrix-{lang}-{width}.png")))
    sankey = page.locator('[data-testid="stPlotlyChart"]').first
    sankey.scroll_into_view_if_needed()
    sankey.screenshot(path=str(artifact(f"i12-migration-sankey-{lang}-{width}.png")))
