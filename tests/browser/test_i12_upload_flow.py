"""Real browser, issue 12: upload 30 daily Online Retail files with the same headers, confirm one mapping once, and
read the whole load's totals first; at 1366 and 1920, in Chinese and English (the uploader's texts in Chinese)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import artifact, wait_for_app
from tests.conftest import REAL_DATA, need

FILES = 30
LINES = 40  # data lines kept from each daily file: a small slice, so the test is quick on a loaded machine

WORDS = {
    "en": {
        "nav": "Data",
        "name": "Name of the new dataset",
        "tier_tables": "Load a tier table computed on Spark",  # the Data page's other expander (issue 14)
        "group": f"Sales · {FILES} files with the same columns",
        "applies": f"This mapping applies to all {FILES} files of this group.",
        "customer": "Customer ID *",
        "currency": "Currency of the amounts",
        "pound": "Pound sterling (£)",
        "derived": "each line's amount will be computed as quantity × unit price",
        "load": "Load files",
        "totals": "The whole load",
        "per_file": "File by file",
        "files": "Files",
        "download": "Download the rejected rows (all files, one CSV)",
    },
    "zh": {
        "nav": "数据",
        "name": "新数据集名称",
        "tier_tables": "载入在 Spark 上算好的分层表",
        "group": f"销售 · {FILES} 个表头相同的文件",
        "applies": f"此对应关系适用于本组全部 {FILES} 个文件。",
        "customer": "会员号 *",
        "currency": "金额币种",
        "pound": "英镑（£）",
        "derived": "每行金额将按 数量 × 单价 计算",
        "load": "载入文件",
        "totals": "本次载入合计",
        "per_file": "逐个文件",
        "files": "文件数",
        "download": "下载被拒收的行（所有文件，一个 CSV）",
    },
}
VIEWPORTS = {1366: 768, 1920: 1080}

_AFTER = """el => getComputedStyle(el, '::after').content"""
_TO_TOP = "el => el.scrollIntoView({block: 'start'})"
_MAIN_HEIGHT = """() => document.querySelector('[data-testid="stMain"]').scrollHeight"""


def _tall_shot(page, width: int, name: str) -> None:
    """A screenshot of the whole main column: the viewport made as tall as the page for a moment."""
    height = min(int(page.evaluate(_MAIN_HEIGHT)), 6000)
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifact(name)))
    page.set_viewport_size({"width": width, "height": VIEWPORTS[width]})
    page.wait_for_timeout(300)


def _daily_slices(folder: Path) -> list[Path]:
    """The first FILES daily files of the real data, LINES lines each, written into `folder`."""
    days = sorted(REAL_DATA.glob("*.csv"))[:FILES]
    need(len(days) == FILES, f"{FILES} daily files in {REAL_DATA}", "see tests/test_real_data.py")
    out = []
    for day in days:
        with day.open(encoding="utf-8") as source:
            lines = [next(source) for _ in range(LINES + 1)]
        path = folder / day.name
        path.write_text("".join(lines), encoding="utf-8")
        out.append(path)
    return out


@pytest.mark.parametrize("width", sorted(VIEWPORTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_thirty_files_one_mapping_totals_first(page, app_url: str, tmp_path: Path, lang: str, width: int) -> None:
    words = WORDS[lang]
    files = _daily_slices(tmp_path)
    page.set_viewport_size({"width": width, "height": VIEWPORTS[width]})
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    page.get_by_role("link", name=words["nav"], exact=True).click()
    page.get_by_label(words["name"]).wait_for()
    wait_for_app(page)

    # The uploader's own words: in Chinese on a zh page (drawn by ::after over the hidden English text).
    dropzone = page.locator('[data-testid="stFileUploaderDropzone"]').first
    button_text = dropzone.locator('button [data-testid="stMarkdownContainer"] p')
    limit_text = dropzone.locator('[data-testid="stFileUploaderDropzoneInstructions"] span')
    if lang == "zh":
        assert button_text.evaluate(_AFTER) == '"上传文件"'
        assert limit_text.evaluate(_AFTER) == '"每个文件不超过 200MB • CSV、TXT、TSV、XLSX、PARQUET"'
        assert button_text.evaluate("el => getComputedStyle(el).fontSize") == "0px"
    else:
        assert button_text.inner_text() == "Upload"
        assert limit_text.evaluate(_AFTER) == "none"
    dropzone.screenshot(path=str(artifact(f"i12-uploader-{lang}-{width}.png")))

    page.get_by_label(words["name"]).fill(f"retail-{lang}")
    page.get_by_label(words["name"]).press("Enter")
    wait_for_app(page)
    page.locator('input[type="file"]').first.set_input_files([str(f) for f in files])
    page.get_by_text(words["group"]).wait_for(timeout=90_000)
    wait_for_app(page)

    # One mapping editor for the 30 files, guessed right; the currency guessed from the Country column.
    assert page.get_by_role("combobox", name=words["customer"]).count() == 1
    expect(page.get_by_role("combobox", name=words["customer"])).to_match_aria_snapshot(
        f'- combobox "{words["customer"]}": CustomerID'
    )
    expect(page.get_by_text(words["applies"])).to_be_visible()
    previews = page.locator('[data-testid="stExpander"]').filter(has_not_text=words["tier_tables"])
    expect(previews).to_have_count(FILES)
    expect(page.get_by_role("combobox", name=words["currency"], exact=True)).to_match_aria_snapshot(
        f'- combobox "{words["currency"]}": {words["pound"]}'
    )
    expect(page.get_by_text(words["derived"])).to_be_visible()
    height = page.evaluate(_MAIN_HEIGHT)
    assert height < 3200, f"the page before loading is {height} px tall"  # was over 9,000 px with 30 editors
    page.get_by_text(words["group"]).evaluate(_TO_TOP)
    page.screenshot(path=str(artifact(f"i12-upload-group-{lang}-{width}.png")))
    _tall_shot(page, width, f"i12-upload-page-{lang}-{width}.png")

    page.get_by_role("button", name=words["load"]).click()
    page.get_by_text(words["totals"]).wait_for(timeout=120_000)
    wait_for_app(page)
    totals = page.get_by_text(words["totals"])
    per_file = page.get_by_text(words["per_file"], exact=True)
    assert totals.bounding_box()["y"] < per_file.bounding_box()["y"]  # the whole load first, then file by file
    files_metric = page.locator('[data-testid="stMetric"]').first
    expect(files_metric).to_contain_text(words["files"])
    expect(files_metric).to_contain_text(str(FILES))
    expect(page.get_by_role("button", name=words["download"])).to_be_visible()
    totals.evaluate(_TO_TOP)
    page.screenshot(path=str(artifact(f"i12-upload-totals-{lang}-{width}.png")))
    _tall_shot(page, width, f"i12-upload-report-{lang}-{width}.png")
