"""Headline figures of a dataset as of a date: customers, revenue, purchases, and revenue by month."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

__all__ = ["monthly_revenue", "store_summary"]

_SUMMARY_SQL = """
with lines as (
    select customer_id, order_id, cast(order_date as date) as day, amount
    from sales
    where dataset_id = $dataset_id and cast(order_date as date) <= $as_of
),
orders as (  -- as in tiers.py: (customer, order id), or (customer, day) for a line without an order id
    select customer_id, min(day) as day, sum(amount) as value
    from lines
    group by customer_id, order_id, case when order_id is null then day end
),
recent as (
    select * from orders where day > $as_of - 365
),
final as (
    select (select count(distinct customer_id) from orders where value > 0) as customers,
           (select count(distinct customer_id) from recent where value > 0) as active_customers,
           (select count(*) from members where dataset_id = $dataset_id
                and (join_date is null or join_date <= $as_of)) as members,
           (select coalesce(sum(amount), 0) from lines where day > $as_of - 365) as revenue_12m,
           (select count(*) from recent where value > 0) as purchases_12m,
           (select min(day) from lines) as first_day,
           (select max(day) from lines) as last_day
)
select * from final
"""

_MONTHLY_SQL = """
with lines as (
    select date_trunc('month', order_date) as month, amount, is_promo
    from sales
    where dataset_id = $dataset_id
      and cast(order_date as date) <= $as_of
      and cast(order_date as date) > $as_of - interval (cast($months as integer)) month
),
final as (
    select cast(month as date) as month,
           sum(amount) as revenue,
           coalesce(sum(amount) filter (where is_promo), 0) as promo_revenue
    from lines
    group by month
)
select * from final order by month
"""


def store_summary(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> dict[str, object]:
    """Customers ever, active in 365 days, members, net revenue and purchases in the last 365 days, date range."""
    cursor = con.execute(_SUMMARY_SQL, {"dataset_id": dataset_id, "as_of": as_of})
    row = cursor.fetchone()
    assert row is not None
    return dict(zip([col[0] for col in cursor.description], row, strict=True))


def monthly_revenue(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, months: int = 24) -> pd.DataFrame:
    """Net revenue and promo revenue per calendar month over the last `months` months up to `as_of`."""
    params = {"dataset_id": dataset_id, "as_of": as_of, "months": months}
    return con.execute(_MONTHLY_SQL, params).df()


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
