"""Real browser: the Migration page's Sankey, and one movers list downloaded and read back."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app


def test_open_the_sankey_and_download_a_movers_list(page, app_url: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1400, "height": 2800})
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    page.get_by_role("link", name="Migration").click()
    expect(page.get_by_text("moved up").first).to_be_visible(timeout=120_000)
    wait_for_app(page)
    expect(page.locator(".sankey").first).to_be_attached()
    counted = page.get_by_text("customers moved from").first.inner_text()
    expected = int(counted.split(" customers")[0].replace(",", ""))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download this list").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    page.screenshot(path=str(artifact("migration-en.png")), full_page=True)
    rows = pd.read_csv(io.BytesIO(saved.read_bytes()), encoding="utf-8-sig", dtype=str)
    assert len(rows) == expected > 0
    assert rows["Customer ID"].is_unique
