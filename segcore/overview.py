"""Headline figures of a dataset as of a date: customers, revenue, purchases, and revenue by month."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from segcore.engine.orders import ORDERS_AS_OF_CTES, order_days_ctes
from segcore.stored_views import load_view, prepared_key, save_view

__all__ = [
    "OverviewNumbers",
    "customer_counts",
    "monthly_revenue",
    "overview_key",
    "overview_numbers",
    "save_overview",
    "store_summary",
    "stored_overview",
]

# Orders as of $as_of come from the engine (segcore.engine.orders): `age` < 365 is "dated in the last 365 days", and
# its spend sum over the group window, bound to those 365 days here, is the net revenue of the lines dated in them.
_SUMMARY_CTES = (
    ORDERS_AS_OF_CTES
    + """,
days as (
    select day
    from order_days
    where dataset_id = $dataset_id and day <= $as_of
),
final as (
    select (select count(distinct customer_id) from orders where is_purchase) as customers,
           (select count(distinct customer_id) from orders where is_purchase and age < $year_days) as active_customers,
           (select count(*) from members where dataset_id = $dataset_id
                and (join_date is null or join_date <= $as_of)) as members,
           (select coalesce(sum(spend_w), 0) from orders) as revenue_12m,
           (select count(*) from orders where is_purchase and age < $year_days) as purchases_12m,
           (select min(day) from days) as first_day,
           (select max(day) from days) as last_day
)
select * from final
"""
)
_YEAR_DAYS = 365


_MONTHLY_SQL = """
with bounds as (
    select min(cast(order_date as date)) as first_day,
           least(max(cast(order_date as date)), $as_of) as last_day
    from sales
    where dataset_id = $dataset_id
),
lines as (
    select date_trunc('month', order_date) as month, amount, is_promo
    from sales
    where dataset_id = $dataset_id
      and cast(order_date as date) <= $as_of
      and cast(order_date as date) >= $window_start
),
by_month as (
    select cast(month as date) as month,
           sum(amount) as revenue,
           coalesce(sum(amount) filter (where is_promo), 0) as promo_revenue
    from lines
    group by month
),
covered as (
    select m.*,
           greatest(m.month, b.first_day) as covered_from,
           least(last_day(m.month), b.last_day) as covered_to
    from by_month as m
    cross join bounds as b
),
final as (
    select *, covered_from > month or covered_to < last_day(month) as partial
    from covered
)
select * from final order by month
"""


def store_summary(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> dict[str, object]:
    """Customers ever, active in 365 days, members, net revenue and purchases in the last 365 days, date range."""
    params = {
        "dataset_id": dataset_id,
        "as_of": as_of,
        "year_days": _YEAR_DAYS,
        "rfm_lookback_days": _YEAR_DAYS,
        "groups_window_days": _YEAR_DAYS,
    }
    cursor = con.execute("with " + order_days_ctes(con, dataset_id) + _SUMMARY_CTES, params)
    row = cursor.fetchone()
    assert row is not None
    return dict(zip([col[0] for col in cursor.description], row, strict=True))


def monthly_revenue(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, months: int = 24) -> pd.DataFrame:
    """Net revenue and promo revenue per calendar month, the `months` months up to the month of `as_of` (whole
    months), with the days the data covers in each (covered_from, covered_to) and whether that is only part of
    the month (`partial`: the data starts after its first day, or ends, or `as_of` falls, before its last)."""
    first = date(as_of.year, as_of.month, 1)
    back = first.year * 12 + first.month - 1 - (months - 1)
    params = {"dataset_id": dataset_id, "as_of": as_of, "window_start": date(back // 12, back % 12 + 1, 1)}
    return con.execute(_MONTHLY_SQL, params).df()


_COUNTS_SQL = """
lines as (
    select distinct customer_id
    from order_days
    where dataset_id = $dataset_id
      and day <= $as_of
),
members_in as (
    select distinct customer_id
    from members
    where dataset_id = $dataset_id
      and (join_date is null or join_date <= $as_of)
),
final as (
    select (select count(*) from (select customer_id from lines union select customer_id from members_in))
               as in_tiers,
           (select count(distinct customer_id) from sales where dataset_id = $dataset_id) as in_sales
)
select * from final
"""


def customer_counts(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, summary: Mapping[str, object] | None = None
) -> dict[str, int]:
    """Every count of customers the pages show, by its definition (catalog keys count.def.*): `bought` (a purchase
    up to as_of: the Overview), `active` (a purchase in the 365 days to as_of), `members` (joined by as_of),
    `in_tiers` (members and everyone with a sales line up to as_of: Segments, Target lists) and `in_sales` (every
    customer id in the sales lines, all dates: the Data page). `summary`: store_summary's answer for the same
    dataset and date when at hand (it is not computed again: 0.9 s at 10M lines)."""
    summary = summary if summary is not None else store_summary(con, dataset_id, as_of)
    params = {"dataset_id": dataset_id, "as_of": as_of}
    cursor = con.execute("with " + order_days_ctes(con, dataset_id) + _COUNTS_SQL, params)
    row = cursor.fetchone()
    assert row is not None
    in_tiers, in_sales = (int(v) for v in row)
    return {
        "bought": int(summary["customers"]),  # type: ignore[call-overload]
        "active": int(summary["active_customers"]),  # type: ignore[call-overload]
        "members": int(summary["members"]),  # type: ignore[call-overload]
        "in_tiers": in_tiers,
        "in_sales": in_sales,
    }


_VALUE_COLUMNS = {"store": ("sales", "members"), "category": ("sales",)}


def distinct_values(con: duckdb.DuckDBPyConnection, dataset_id: str, column: str) -> list[str]:
    """The distinct non-empty values of a sales / members column (store, category), for filter choices."""
    from segcore.sql import quote_ident

    tables = _VALUE_COLUMNS[column]
    union = " union ".join(
        f"select {quote_ident(column)} as v from {quote_ident(t)} where dataset_id = $dataset_id" for t in tables
    )
    rows = con.execute(f"select distinct v from ({union}) where v is not null order by v", {"dataset_id": dataset_id})
    return [str(r[0]) for r in rows.fetchall()]


# --- the Overview's numbers, prepared after a load -------------------------------------------------------------


@dataclass(frozen=True)
class OverviewNumbers:
    """What the Overview page shows as of a date: store_summary, customer_counts and monthly_revenue. prepare
    stores them for the default as-of date (2 s at 10M lines, on the first page a new server shows)."""

    summary: dict[str, object]
    counts: dict[str, int]
    months: pd.DataFrame


def overview_numbers(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> OverviewNumbers:
    """The Overview's numbers of a dataset as of a date."""
    summary = store_summary(con, dataset_id, as_of)
    counts = customer_counts(con, dataset_id, as_of, summary)
    return OverviewNumbers(summary, counts, monthly_revenue(con, dataset_id, as_of))


def overview_key(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> str:
    """The key of the stored Overview numbers of a dataset and date, for its current loads. They do not depend on
    the tier rules: the key names the default rules, whatever the workspace's are."""
    from segcore.prepared import data_version
    from segcore.tier_rules import DEFAULT_RULES

    return prepared_key("overview", dataset_id, {"as_of": as_of}, DEFAULT_RULES, data_version(con, dataset_id))


def save_overview(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, numbers: OverviewNumbers) -> None:
    """Keep the Overview's numbers in the workspace (inside the caller's transaction). The summary is a one-row
    Arrow table, so its values (Decimal, datetime, date) read back as the same Python values."""
    summary = pa.Table.from_pylist([numbers.summary])
    frames = {"summary": summary, "months": numbers.months}
    save_view(con, dataset_id, overview_key(con, dataset_id, as_of), as_of, frames, {"counts": numbers.counts})


def stored_overview(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> OverviewNumbers | None:
    """The Overview's numbers prepare stored for this dataset and date (current loads), or None."""
    view = load_view(con, dataset_id, overview_key(con, dataset_id, as_of))
    if view is None:
        return None
    summary = view.tables["summary"].to_pylist()[0]
    counts = {str(k): int(v) for k, v in view.document["counts"].items()}
    return OverviewNumbers(summary, counts, view.frame("months"))
