"""Real browser: first start shows the demo; a GBK CSV with Chinese headers goes through upload, mapping, report."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import artifact, start_app, stop_app, wait_for_app

GBK_SALES = (
    "会员卡号,订单号,消费时间,实收金额,是否促销\n"
    'M001,SO1,2026/3/5 10:15,"￥1,280.00",否\n'
    "M001,SO2,2026年6月18日,399元,是\n"
    "M002,SO3,20260701,2999.5,否\n"
    ",SO4,2026-07-02,88,否\n"
    "M003,SO5,明天,50,否\n"
)


def test_first_start_builds_and_announces_the_demo_store(browser, tmp_path: Path) -> None:
    process, url = start_app(tmp_path / "empty" / "segcore.duckdb")
    try:
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        tab.goto(url + "/")
        tab.get_by_text("这是一个演示门店").wait_for(timeout=90_000)
        wait_for_app(tab)
        tab.screenshot(path=str(artifact("first-start-zh.png")), full_page=True)
        assert tab.get_by_text("会员数").is_visible()
        nav = tab.locator('[data-testid="stSidebarNav"]').inner_text()
        words = set(nav.split())
        assert {"总览", "数据"} <= words and not words & {"app", "overview", "data"}, nav  # no automatic pages/ list
        assert tab.get_by_text("数据集").first.is_visible()
    finally:
        stop_app(process)


def test_upload_gbk_csv_confirm_mapping_and_read_the_quality_report(page, app_url: str, tmp_path: Path) -> None:
    sales = tmp_path / "门店销售.csv"
    sales.write_bytes(GBK_SALES.encode("gbk"))
    page.goto(app_url + "/")
    wait_for_app(page)
    page.get_by_role("link", name="Data").click()
    page.get_by_text("Name of the new dataset").wait_for()
    page.get_by_label("Name of the new dataset").fill("shanghai")
    page.get_by_label("Name of the new dataset").press("Enter")
    wait_for_app(page)
    page.locator('input[type="file"]').first.set_input_files(str(sales))
    page.get_by_text("Which column is which?").wait_for(timeout=30_000)
    wait_for_app(page)
    for label, header in [("Customer ID *", "会员卡号"), ("Order date *", "消费时间"), ("Amount *", "实收金额")]:
        expect(page.get_by_role("combobox", name=label)).to_match_aria_snapshot(f'- combobox "{label}": {header}')
    page.get_by_role("button", name="Load files").click()
    page.get_by_text("Quality report").wait_for(timeout=60_000)
    wait_for_app(page)
    body = page.inner_text("body")
    page.screenshot(path=str(artifact("upload-gbk-quality-report.png")), full_page=True)
    assert "Rows read" in body and "Rows kept" in body
    assert "1 rows rejected: missing customer id" in body
    assert "1 rows rejected: unreadable date" in body
    assert "Download the rejected rows" in body
    assert "shanghai" in body
