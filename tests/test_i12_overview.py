"""Issue 12: every customer count by its definition, and partial months marked on the monthly revenue chart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore.engine import tier_table
from segcore.engine.orders import build_order_days
from segcore.overview import customer_counts, monthly_revenue, store_summary
from tests.helpers import run_app
from ui.charts import monthly_revenue_bars, partial_months_note

AS_OF = date(2024, 3, 31)


@pytest.fixture
def shop(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    con.execute("""
        insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount)
        select 'shop', 'l1', row_number() over (), customer_id, order_id, order_date, amount
        from (values
            ('ann', 'a1', timestamp '2024-01-05 10:00', 100.00),   -- bought, active
            ('bob', 'b1', timestamp '2024-02-01 10:00', 50.00),    -- bought, then the whole order refunded
            ('bob', 'b1', timestamp '2024-02-03 10:00', -50.00),
            ('eve', 'e1', timestamp '2022-12-01 10:00', 80.00),    -- bought, more than 365 days ago
            ('fay', 'f1', timestamp '2024-04-10 10:00', 30.00)     -- bought after the as-of date
        ) t(customer_id, order_id, order_date, amount)
    """)
    con.execute("""
        insert into members (dataset_id, load_id, customer_id, join_date) values
            ('shop', 'm1', 'cat', date '2024-02-01'),   -- joined, never bought
            ('shop', 'm1', 'dan', date '2024-05-01'),   -- joins after the as-of date
            ('shop', 'm1', 'hal', null)                 -- no join date: counted
    """)
    build_order_days(con, "shop")
    return con


def test_each_count_by_its_definition(shop: duckdb.DuckDBPyConnection) -> None:
    # bought: ann, eve; active: ann; members: cat, hal; in the tiers: ann, bob, eve, cat, hal; in the sales lines:
    # ann, bob, eve, fay
    assert customer_counts(shop, "shop", AS_OF) == {
        "bought": 2,
        "active": 1,
        "members": 2,
        "in_tiers": 5,
        "in_sales": 4,
    }
    given = customer_counts(shop, "shop", AS_OF, store_summary(shop, "shop", AS_OF))  # as the Overview passes it
    assert given == {"bought": 2, "active": 1, "members": 2, "in_tiers": 5, "in_sales": 4}
    assert sorted(tier_table(shop, "shop", AS_OF)["customer_id"]) == ["ann", "bob", "cat", "eve", "hal"]


def test_months_are_whole_and_partial_ones_are_marked(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount)
        select 'shop', 'l1', row_number() over (), customer_id, order_id, order_date, amount
        from (values
            ('ann', 'a1', timestamp '2024-01-15 10:00', 100.00),
            ('ann', 'a2', timestamp '2024-02-10 10:00', 200.00),
            ('ann', 'a3', timestamp '2024-03-05 10:00', 50.00),
            ('ann', 'a4', timestamp '2024-03-25 10:00', 70.00)
        ) t(customer_id, order_id, order_date, amount)
    """)
    as_of = date(2024, 3, 20)
    months = monthly_revenue(con, "shop", as_of)
    got = [
        (r.month.date(), float(r.revenue), r.covered_from.date(), r.covered_to.date(), bool(r.partial))
        for r in months.itertuples()
    ]
    assert got == [
        (date(2024, 1, 1), 100.0, date(2024, 1, 15), date(2024, 1, 31), True),  # the data starts on 15 Jan
        (date(2024, 2, 1), 200.0, date(2024, 2, 1), date(2024, 2, 29), False),
        (date(2024, 3, 1), 50.0, date(2024, 3, 1), date(2024, 3, 20), True),  # as of 20 Mar
    ]
    # two months back: February and March whole, not 20 Jan to 20 Mar
    assert [m.date() for m in monthly_revenue(con, "shop", as_of, months=2)["month"]] == [
        date(2024, 2, 1),
        date(2024, 3, 1),
    ]
    assert partial_months_note(months, "en") == "* Partial month: the data covers only 15–31 Jan 2024; 1–20 Mar 2024."
    assert partial_months_note(months, "zh") == "* 不完整月份：数据只覆盖 2024年1月15日–31日、2024年3月1日–20日。"
    assert partial_months_note(months[~months["partial"]], "en") is None

    fig = monthly_revenue_bars(months, "zh", "CNY")
    assert list(fig.data[0].marker.opacity) == [0.45, 1.0, 0.45]
    assert list(fig.data[0].marker.pattern.shape) == ["/", "", "/"]
    assert list(fig.data[1].text) == ["¥100*", "¥200", "¥50*"]
    assert [a.text for a in fig.layout.annotations] == ["* 2024年1月15日–31日", "* 2024年3月1日–20日"]
    assert "不完整月份：2024年3月1日–20日" in fig.data[1].customdata[2]


def test_a_chart_without_coverage_columns_draws_as_before() -> None:
    months = pd.DataFrame({"month": [pd.Timestamp(2024, 1, 1)], "revenue": [10.0], "promo_revenue": [0.0]})
    fig = monthly_revenue_bars(months, "en", "GBP")
    assert list(fig.data[1].text) == ["£10"] and not fig.layout.annotations


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_cards_carry_their_definitions(app_workspace: Path, lang: str) -> None:
    at = run_app(lang)
    assert not at.exception
    words = {
        "en": ("Customers with at least one purchase up to the as-of date", "Partial month", "18,385"),
        "zh": ("截至所选日期至少有一笔消费的顾客", "不完整月份", "18,385"),
    }[lang]
    assert words[0] in at.metric[0].help
    captions = " ".join(c.value for c in at.caption)
    assert words[0] in captions and words[1] in captions and words[2] in captions
    assert at.metric[0].value == "18,314" and at.metric[2].value == "20,000"
