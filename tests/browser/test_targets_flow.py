"""Real browser: build a target list, save it as a campaign, download the send list and read the file."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app


def test_build_save_and_download_a_target_list(page, app_url: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1400, "height": 2600})
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    page.get_by_role("link", name="Target lists").click()
    page.get_by_text("Build a target list").wait_for()
    wait_for_app(page)
    page.get_by_role("combobox", name="Tier").first.click()
    page.get_by_role("option", name="Silent", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_app(page)
    page.get_by_label("Campaign", exact=True).fill("Browser silent win-back")
    page.get_by_label("Campaign", exact=True).press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Save the campaign").click()
    expect(page.get_by_text("Saved “Browser silent win-back”")).to_be_visible()
    wait_for_app(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Send list (CSV)").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    page.screenshot(path=str(artifact("targets-saved-en.png")), full_page=True)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel on Windows opens Chinese correctly
    rows = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert len(rows) > 0
    assert set(rows["Tier"]) == {"Silent"}
    phones = rows["Phone"].dropna()
    assert len(phones) > 0 and phones.str.fullmatch(r"\d{3}\*{4}\d{4}").all()
    assert set(rows["Group"]) == {"treatment"}  # the send list holds the treatment group only
