"""Issue 12 on the weekly review: a week without sales, empty sections, definitions on the page, cards that fit,
no None/nan in the alert tables of a sales-only dataset, the store's name. Hand-built stores from test_weekly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from test_weekly import MEMBERS, SALES, S

from segcore.access import owner
from segcore.report import alert_cells, channel_text, kpi_change_text, kpi_value_text, report_html
from segcore.weekly import Kpi, store_name, weekly_review
from segcore.workspace import Workspace
from tests.helpers import app

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

NO_SALES_WEEK = date(2026, 11, 22)  # Mon 16 - Sun 22 Nov 2026: nothing sold (the store's next sale is on 30 Nov)
LATE_SALE = ("late", "zz1", "2026-11-30 10:00", 10.00)
BAD = {"None", "nan", "NaT", "<NA>", "none"}


def _fill(con: duckdb.DuckDBPyConnection, dataset_id: str, *, members: bool, late_sale: bool) -> None:
    rows = [*SALES, LATE_SALE] if late_sale else SALES
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount) "
        "values (?, 'test', ?, ?, ?, cast(? as timestamp), ?)",
        [(dataset_id, i, *row) for i, row in enumerate(rows)],
    )
    if members:
        con.executemany(
            "insert into members (dataset_id, load_id, customer_id, name, phone) values (?, 'test', ?, ?, ?)",
            [(dataset_id, *row) for row in MEMBERS],
        )
    con.execute("insert into datasets values (?, ?, timestamp '2026-11-16 08:00', false)", [dataset_id, dataset_id])


@pytest.fixture
def sales_only(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    _fill(con, "online_retail_2011", members=False, late_sale=True)
    return con


# --- segcore: the wording and the formats ----------------------------------------------------------------------


def test_a_week_without_sales_says_so_instead_of_minus_100_percent(sales_only: duckdb.DuckDBPyConnection) -> None:
    en = weekly_review(sales_only, "online_retail_2011", NO_SALES_WEEK, lang="en")
    zh = weekly_review(sales_only, "online_retail_2011", NO_SALES_WEEK, lang="zh")
    assert en.no_sales and zh.no_sales
    assert kpi_value_text(en.kpi("revenue"), "en", no_sales=True) == "No sales"
    assert kpi_value_text(zh.kpi("revenue"), "zh", no_sales=True) == "本周无销售"
    assert kpi_change_text(en.kpi("revenue"), "en", no_sales=True) == "last week: ¥1,190"
    assert kpi_change_text(en.kpi("purchases"), "en", no_sales=True) == "last week: 6"
    assert kpi_change_text(zh.kpi("new"), "zh", no_sales=True) == "上周：2"
    page = report_html(en, "en", access=OWNER)
    assert "No sales this week (16 Nov 2026 to 22 Nov 2026)." in page
    revenue_card = page.split('data-kpi="revenue"')[1].split('data-kpi="purchases"')[0]
    assert '<div class="value">No sales</div>' in revenue_card and "last week: ¥1,190" in revenue_card
    assert "-100" not in revenue_card and "¥0" not in revenue_card
    assert "本周无销售（2026年11月16日 至 2026年11月22日）。" in report_html(zh, "zh", access=OWNER)


def test_a_week_with_sales_is_not_a_week_without(sales_only: duckdb.DuckDBPyConnection) -> None:
    review = weekly_review(sales_only, "online_retail_2011", S, lang="en")
    assert not review.no_sales
    assert kpi_value_text(review.kpi("revenue"), "en", no_sales=review.no_sales) == "¥1,190"


def test_sections_with_nothing_this_week_are_left_out(sales_only: duckdb.DuckDBPyConnection) -> None:
    review = weekly_review(sales_only, "online_retail_2011", S, lang="en")
    assert review.campaigns == []
    assert review.sections_with_content() == ["kpis", "movements", "alerts", "actions"]


def _kpi(value: float) -> Kpi:
    return Kpi("revenue", value, value, 0.0, [(S, value)], kind="money")


@pytest.mark.parametrize(
    ("value", "lang", "currency", "expected"),
    [
        (4_246_842.0, "en", "CNY", "¥4.2M"),
        (4_246_842.0, "zh", "CNY", "¥424.68万"),
        (4_246_842.0, "en", "GBP", "£4.2M"),
        (4_246_842.0, "zh", "GBP", "£4.2M"),
        (999_999.0, "en", "CNY", "¥999,999"),
        (251_677.0, "zh", "GBP", "£251,677"),
        (123_456_789.0, "zh", "CNY", "¥1.23亿"),
    ],
    ids=["cny-en-millions", "cny-zh-wan", "gbp-en", "gbp-zh-no-wan", "under-a-million", "gbp-zh-small", "cny-zh-yi"],
)
def test_card_amounts_are_short_enough_for_a_card(value: float, lang: str, currency: str, expected: str) -> None:
    assert kpi_value_text(_kpi(value), lang, currency) == expected


def test_alert_cells_of_a_sales_only_dataset_have_no_none_nan_and_no_empty_columns(
    sales_only: duckdb.DuckDBPyConnection,
) -> None:
    review = weekly_review(sales_only, "online_retail_2011", S, lang="en", currency="GBP")
    cells = alert_cells(review.alerts["vip_quiet"], "en", review.currency, access=OWNER)
    assert list(cells.columns) == ["customer_id", "tier", "last_purchase", "spend_w"]  # no name, no phone
    assert cells.to_dict("records")[0] == {
        "customer_id": "q",
        "tier": "High spend (VIP)",
        "last_purchase": "1 Aug 2026",
        "spend_w": "£5,000",
    }
    page = report_html(review, "en", access=OWNER)
    for key in ("went_silent", "vip_quiet", "no_second_purchase"):
        shown = alert_cells(review.alerts[key], "en", review.currency, access=OWNER)
        assert not shown.isna().any().any()
        assert not set(shown.to_numpy().ravel()) & BAD
    assert ">None<" not in page and ">nan<" not in page and ">NaT<" not in page
    assert "£5,000" in page and "¥5,000" not in page


def test_channel_of_a_playbook_row_without_one_is_a_dash() -> None:
    assert [channel_text(c, "en") for c in (None, float("nan"), "", "sms")] == ["–", "–", "–", "SMS"]


def test_the_report_names_the_store_as_a_person_reads_it(con: duckdb.DuckDBPyConnection) -> None:
    _fill(con, "online_retail_2011", members=True, late_sale=False)
    _fill(con, "demo", members=True, late_sale=False)
    con.execute("update datasets set is_demo = true where dataset_id = 'demo'")
    assert store_name(con, "online_retail_2011", "en") == "online retail 2011"
    assert (store_name(con, "demo", "en"), store_name(con, "demo", "zh")) == ("Demo store", "演示门店")
    page = report_html(weekly_review(con, "demo", S, lang="zh"), "zh", access=OWNER)
    assert "<h1>每周经营复盘 · 演示门店</h1>" in page
    assert "2026年11月9日 至 2026年11月15日" in page


# --- the page (AppTest on a hand-built workspace) ---------------------------------------------------------------


@pytest.fixture
def sales_only_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace file holding only the hand-built sales-only store (no demo), for the app."""
    import streamlit as st

    path = tmp_path / "segcore.duckdb"
    workspace = Workspace(path)
    with workspace.writer() as cursor:
        _fill(cursor, "online_retail_2011", members=False, late_sale=True)
    workspace.close()
    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    return path


def _weekly(lang: str, week: str, present: bool = False) -> object:
    query = {"lang": lang, "dataset": "online_retail_2011", "as_of": "2026-11-29", "week": week}
    if present:
        query["present"] = "1"
    at = app(**query).run()
    at.switch_page("pages/weekly.py").run()
    assert not at.exception
    return at


def test_page_week_without_sales_says_no_sales(sales_only_workspace: Path) -> None:
    at = _weekly("en", "2026-W47")
    assert at.info[0].value == "No sales this week (16 Nov 2026 to 22 Nov 2026)."
    cards = next(m.value for m in at.markdown if "kpi-grid" in m.value)
    assert "<div class='kpi-value'>No sales</div>" in cards
    revenue_card = cards.split("data-kpi='revenue'")[1].split("data-kpi='purchases'")[0]
    assert "last week: ¥1,190" in revenue_card and "-100" not in revenue_card and "¥0" not in revenue_card


def test_page_shows_the_definitions_under_kpis_and_above_alerts(sales_only_workspace: Path) -> None:
    at = _weekly("en", "2026-W46")
    cards = next(m.value for m in at.markdown if "kpi-grid" in m.value)
    assert "<div class='kpi-help'>a purchase in the last 180 days</div>" in cards
    assert "<div class='kpi-help'>net of refunds, Monday to Sunday</div>" in cards
    captions = [c.value for c in at.caption]
    assert "High spend or high ticket last Sunday, and in the silent group since this week." in captions
    assert "In the high spend group on Sunday, last purchase 60 or more days ago." in captions
    assert (
        "First purchase 10 Oct 2026 to 16 Oct 2026 (its day 30 fell this week) and only one purchase so far."
        in captions
    )


def test_page_alert_tables_of_a_sales_only_dataset_have_no_none_or_nan(sales_only_workspace: Path) -> None:
    at = _weekly("zh", "2026-W46")
    tables = [frame.value for frame in at.dataframe]
    assert len(tables) == 4  # went silent, VIPs quiet, no second purchase; then the actions
    for table in tables:
        assert not table.isna().any().any()
        assert not {str(v) for v in table.to_numpy().ravel()} & BAD
    for table in tables[:3]:
        assert list(table.columns) == ["会员号", "分层", "最近消费", "近12个月消费"]  # no empty name / phone
    assert tables[1].iloc[0].tolist() == ["q", "高消费总额会员", "2026年8月1日", "¥5,000"]


def test_presentation_skips_the_empty_section_and_counts_the_others(sales_only_workspace: Path) -> None:
    at = _weekly("en", "2026-W46", present=True)
    seen = []
    for step in range(1, 5):
        seen.append(at.header[0].value)
        counter = next(m.value for m in at.markdown if "wk-counter" in m.value)
        assert f">{step} / 4<" in counter
        if step == 3:  # the alerts on the projector: large HTML tables, who / last purchase / spend, no phones
            tables = [m.value for m in at.markdown if "wk-table" in m.value]
            assert len(tables) == 3
            assert "<th>Customer</th><th>Last purchase</th>" in tables[1]
            assert '<td>q</td><td>1 Aug 2026</td><td class="num">¥5,000</td>' in tables[1]
            assert not any(f">{bad}<" in table for table in tables for bad in BAD)
        if step < 4:
            at.button(key="wk_next").click().run()
    assert seen == [
        "This week in numbers",
        "Tier movements this week",
        "Customers to act on",
        "What to do with each tier",
    ]
    assert at.button(key="wk_next").disabled
    at.button(key="wk_prev").click().run()
    assert at.header[0].value == "Customers to act on"
