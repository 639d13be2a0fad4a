"""Real browser: the weekly review on a 1080p screen in presentation mode, read from across the room."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app
from tests.conftest import need


def test_presentation_mode_has_large_kpis_and_no_chrome(page, app_url: str) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{app_url}/?lang=zh")
    wait_for_app(page)
    page.goto(f"{app_url}/weekly?lang=zh&present=1")
    value = page.locator(".kpi-value").first
    expect(value).to_be_visible(timeout=90_000)
    wait_for_app(page)
    page.screenshot(path=str(artifact("weekly-present-zh-1080p.png")))
    size = float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert size >= 60, f"KPI numbers are {size}px: too small to read at 5 m"
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    cards = page.locator(".kpi-card")
    assert cards.count() == 7
    assert cards.last.bounding_box()["y"] + cards.last.bounding_box()["height"] <= 1080  # all on one screen
    page.get_by_role("button", name="下一部分 ▶").click()
    expect(page.get_by_text("本周分层变动")).to_be_visible()


@pytest.mark.parametrize(
    ("lang", "prepare", "download", "title", "kpi_label"),
    [
        ("en", "Prepare the PDF", "Download the PDF", "Weekly review", "Revenue this week"),
        ("zh", "生成 PDF", "下载 PDF", "每周经营复盘", "本周销售额"),
    ],
    ids=["en", "zh"],
)
def test_prepare_and_download_the_pdf(
    page, app_url: str, tmp_path: Path, lang: str, prepare: str, download: str, title: str, kpi_label: str
) -> None:
    """Prepare the PDF, download it, and read it back: 2 pages, the title and the store's KPIs in that language."""
    pdftotext = shutil.which("pdftotext")
    need(pdftotext is not None, "pdftotext (Debian poppler-utils)")
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.goto(f"{app_url}/weekly?lang={lang}")
    wait_for_app(page)
    card = page.locator(".kpi-card").filter(has_text=kpi_label)
    expect(card).to_be_visible(timeout=90_000)
    shown_value = card.locator(".kpi-value").inner_text().strip()
    page.get_by_role("button", name=prepare).click()
    button = page.get_by_role("button", name=download)
    expect(button).to_be_visible(timeout=120_000)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    with page.expect_download() as waiting:
        button.click()
    saved = tmp_path / "weekly.pdf"
    waiting.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    wait_for_app(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    page.screenshot(path=str(artifact(f"weekly-pdf-prepared-{lang}.png")))
    done = subprocess.run([str(pdftotext), str(saved), "-"], capture_output=True, text=True, check=True)
    pages = [" ".join(chunk.split()) for chunk in done.stdout.split("\f") if chunk.strip()]
    assert len(pages) == 2, pages
    assert title in pages[0]
    assert kpi_label in pages[0]
    assert shown_value in pages[0], (shown_value, pages[0][:400])
