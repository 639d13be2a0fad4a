"""Real browser: a tier table computed elsewhere (the CLI's Parquet) loaded on the Data page becomes a dataset's
tiers, and Segments shows them with their source; a page that needs sales says so."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from playwright.sync_api import expect

import segcore.cli as cli
from tests.browser.conftest import artifact, wait_for_app
from tests.test_i12_segments import MEMBERS, SALES


def _tier_file(folder: Path) -> Path:
    (folder / "sales.csv").write_text(SALES, encoding="utf-8")
    (folder / "members.csv").write_text(MEMBERS, encoding="utf-8")
    out = folder / "chain_tiers.parquet"
    argv = ["tiers", "--sales", str(folder / "sales.csv"), "--members", str(folder / "members.csv")]
    args = cli.build_parser().parse_args([*argv, "--as-of", date(2026, 6, 30).isoformat(), "--out", str(out)])
    args.started_at = datetime(2026, 7, 1, 8, 0)
    assert args.run(args) == 0
    return out


def test_load_a_tier_table_and_read_it_on_segments(page, app_url: str, tmp_path: Path) -> None:
    tiers = _tier_file(tmp_path)
    page.goto(app_url + "/")
    wait_for_app(page)
    page.get_by_role("link", name="Data").click()
    page.get_by_text("Load a tier table computed on Spark").click()
    page.get_by_label("Dataset name").fill("chain")
    page.get_by_label("Dataset name").press("Enter")
    wait_for_app(page)
    page.locator('input[type="file"]').last.set_input_files(str(tiers))
    wait_for_app(page)
    page.get_by_role("button", name="Load the tier table").click()
    page.get_by_text("Loaded: chain now has the tiers of 7 customers as of 30 Jun 2026").wait_for(timeout=60_000)
    page.goto(app_url + "/segments?dataset=chain&lang=en")
    page.get_by_text("Tiers computed on DuckDB, not from sales here").wait_for(timeout=60_000)
    wait_for_app(page)
    body = page.inner_text("body")
    page.screenshot(path=str(artifact("i14-segments-loaded-tiers.png")), full_page=True)
    assert "chain_tiers.parquet (7 customers)" in body
    assert "As of 30 Jun 2026" in body and "Tier tables loaded for: 30 Jun 2026" in body
    page.goto(app_url + "/migration?dataset=chain&lang=zh")
    page.get_by_text("没有销售明细").wait_for(timeout=60_000)
    expect(page.get_by_role("link", name="打开“分层”页")).to_be_visible()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(app_url + "/segments?dataset=chain&lang=zh")
    page.get_by_text("分层由 DuckDB 计算，而非由本机的销售数据计算").wait_for(timeout=60_000)
    wait_for_app(page)
    page.screenshot(path=str(artifact("i14-segments-loaded-tiers-zh-1920.png")), full_page=False)
    assert "已载入分层表的日期：2026年6月30日" in page.inner_text("body")
