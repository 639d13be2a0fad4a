"""The weekly report files: the HTML opens offline in chromium, the PDF has 2 pages with the numbers, the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from test_weekly import MEMBERS, SALES, S, add_campaign, add_store

from segcore.access import owner
from segcore.report import (
    CHROMIUM_FLAGS,
    PDF_PAGES,
    kpi_change_text,
    kpi_value_text,
    report_html,
    report_pdf,
    sparkline_svg,
)
from segcore.schema import create_tables
from segcore.weekly import WeeklyReview, weekly_review
from tests.conftest import need

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = list(CHROMIUM_FLAGS)


@pytest.fixture(scope="module")
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    create_tables(con)
    add_store(con)
    add_campaign(con, "双11 VIP", date(2026, 11, 9), date(2026, 11, 22), 1)  # running: an interim headline
    yield con
    con.close()


@pytest.fixture(scope="module")
def reviews(store: duckdb.DuckDBPyConnection) -> dict[str, WeeklyReview]:
    return {lang: weekly_review(store, "d", S, lang=lang) for lang in ("en", "zh")}


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text, page by page (separated by form feeds), with every run of spaces and newlines as one space."""
    need(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "\f".join(" ".join(page.split()) for page in done.stdout.split("\f"))


# --- pieces -----------------------------------------------------------------------------------------------------


def test_kpi_texts(reviews: dict[str, WeeklyReview]) -> None:
    en, zh = reviews["en"], reviews["zh"]
    assert kpi_value_text(en.kpi("revenue"), "en") == "¥1,190"
    assert kpi_change_text(en.kpi("revenue"), "en") == "+¥530 (+80.2%) vs last week"
    assert kpi_change_text(zh.kpi("vips"), "zh") == "较上周 +1 (+50.0%)"
    assert kpi_change_text(en.kpi("lost_to_sleeping"), "en") == "+1 (+100.0%) vs last week"


def test_sparkline_is_plain_svg() -> None:
    svg = sparkline_svg([("a", 1.0), ("b", 3.0), ("c", 2.0)])
    assert svg.startswith("<svg") and "<polyline" in svg and "script" not in svg
    assert "<polyline" in sparkline_svg([("a", 5.0), ("b", 5.0)])  # flat line, no division by zero


def test_html_is_self_contained_and_escapes_names(reviews: dict[str, WeeklyReview]) -> None:
    page = report_html(reviews["en"], "en", access=OWNER)
    assert "<script src=" not in page and "<link" not in page and 'src="http' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "137****2222" in page and "13700002222" not in page  # phones masked
    assert "cdn.plot.ly" not in page.split("<script", 1)[0]


def test_a_review_is_reported_in_its_own_language(reviews: dict[str, WeeklyReview]) -> None:
    with pytest.raises(ValueError, match="lang"):
        report_html(reviews["zh"], "en", access=OWNER)


# --- the HTML in a real browser ---------------------------------------------------------------------------------


def test_html_report_opens_offline_in_chromium(
    reviews: dict[str, WeeklyReview], tmp_path: Path, browser: object
) -> None:
    review = reviews["en"]
    path = tmp_path / "weekly.html"
    path.write_text(report_html(review, "en", access=OWNER), encoding="utf-8")
    requests: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1920, "height": 1080})  # type: ignore[attr-defined]
    try:
        page.on("request", lambda request: requests.append(request.url))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_selector("#sankey .main-svg", timeout=15_000)  # plotly.js ran, from the file itself
        values = {kpi.key: page.inner_text(f'[data-kpi="{kpi.key}"] .value') for kpi in review.kpis}
        body = page.inner_text("body")
    finally:
        page.close()
    assert requests == [path.as_uri()]
    assert failed == [] and errors == []
    assert values == {kpi.key: kpi_value_text(kpi, "en") for kpi in review.kpis}
    assert values["revenue"] == "¥1,190" and values["active"] == "11"
    for line in review.top_movements:
        assert line in body
    assert "双11 VIP" in body and review.campaigns[0].headline in body
    assert review.campaigns[0].headline.startswith("Interim, measured up to 15 Nov 2026")
    assert "139****1111" in body and "<script>alert(1)</script>" in body  # masked phone; a name shown as text


# --- the PDF ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_has_two_pages_with_the_kpis(reviews: dict[str, WeeklyReview], lang: str, tmp_path: Path) -> None:
    need(CHROMIUM.exists(), "/usr/bin/chromium")
    review = reviews[lang]
    pdf = report_pdf(review, lang, access=OWNER)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == PDF_PAGES == text.count("\f")
    first, second = pages[0], pages[1]
    for kpi in review.kpis:
        assert kpi_value_text(kpi, lang) in first, kpi.key
    assert "+¥530" in first and "(+80.2%)" in first  # the revenue change (card text wraps, so not as one line)
    assert "137****2222" in second and "13700002222" not in text
    if lang == "zh":
        for title in ("每周经营复盘", "本周关键指标", "本周分层变动", "需要跟进的顾客", "各分层建议动作"):
            assert title in text, title
        assert "2 位顾客从 尚未入会或消费 变为 普通会员" in first
        assert "双11 VIP" in second and "阶段性结果" in second
    else:
        assert "Customers to act on" in second
        assert "2 customers moved from Not yet joined or bought to Regular" in first


# --- the CLI ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("report_cli")
    sales = folder / "sales.csv"
    lines = ["customer_id,order_id,order_date,amount"]
    lines += [f"{c},{o or ''},{d},{a:.2f}" for c, o, d, a in SALES]
    sales.write_text("\n".join(lines) + "\n", encoding="utf-8")
    members = folder / "members.csv"
    rows = ["customer_id,name,phone"] + [f'{c},"{n}",{p or ""}' for c, n, p in MEMBERS]
    members.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return sales, members


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SEGCORE_LANG": "en"}
    return subprocess.run(
        [sys.executable, "-m", "segcore", "report", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        env=env,
    )


def test_cli_writes_the_html_report(files: tuple[Path, Path], tmp_path: Path) -> None:
    sales, members = files
    out = tmp_path / "out" / "weekly.html"
    result = _run("--sales", str(sales), "--members", str(members), "--week", "2026-W46", "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "¥1,190" in page and "Customers to act on" in page and "137****2222" in page
    assert "2026-W46" in result.stdout


def test_cli_writes_the_pdf_report_for_the_last_complete_week(files: tuple[Path, Path], tmp_path: Path) -> None:
    need(CHROMIUM.exists(), "/usr/bin/chromium")
    sales, members = files
    out = tmp_path / "weekly.pdf"
    result = _run("--sales", str(sales), "--members", str(members), "--lang", "zh", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "2026-W46" in result.stdout  # the data ends on Sunday 15 Nov: that week is complete
    text = _pdf_text(out.read_bytes(), tmp_path)
    assert text.count("\f") == PDF_PAGES and "本周关键指标" in text and "¥1,190" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--week", "2026-W99"], "Not a week (YYYY-Www, e.g. 2026-W46): 2026-W99"),
        (["--week", "2026-W46", "--as-of", "2026-11-15"], "Give either --week or --as-of, not both."),
        (["--as-of", "15/11/2026"], "Not a date (YYYY-MM-DD): 15/11/2026"),
        (["--lang", "fr"], "Unknown language fr: use zh or en."),
    ],
    ids=["bad-week", "week-and-as-of", "bad-as-of", "bad-lang"],
)
def test_cli_bad_input_is_one_line(files: tuple[Path, Path], tmp_path: Path, args: list[str], message: str) -> None:
    sales, _ = files
    result = _run("--sales", str(sales), *args, "--out", str(tmp_path / "weekly.html"))
    assert result.returncode != 0
    assert result.stderr.splitlines() == [f"error: {message}"]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "weekly.html").exists()


def test_cli_refuses_another_output_format(files: tuple[Path, Path], tmp_path: Path) -> None:
    sales, _ = files
    result = _run("--sales", str(sales), "--out", str(tmp_path / "weekly.docx"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: The report file must end in .html or .pdf: {tmp_path / 'weekly.docx'}"
