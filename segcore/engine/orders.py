"""Orders and purchases as of a date: the one definition, read by every module that counts orders.

The spec (tiers.md, "Orders and purchases"): an order is (customer_id, order_id), or (customer_id, day) for a line
without an order_id; it is dated by its earliest line and worth the sum of its lines; a purchase is an order worth
more than 0. Spend sums use each line's own date.

The workspace keeps the lines summed per order and day in `order_days` (built when a file is loaded, in the same
transaction), so the tier rules read about 4 rows per 10 lines. An order with lines on one day only
(`is_single_day`, most of them) is complete in one row; only an order spread over several days has to be summed
again as of a date. A dataset loaded before this table existed is read straight from its lines (same rows).
"""

from __future__ import annotations

import duckdb

__all__ = ["ORDERS_AS_OF_CTES", "build_order_days", "order_days_ctes"]

# One row per (customer, order, day): the lines of that order on that day. dataset_id is bound by the caller.
_ORDER_DAYS_SELECT = """
with day_sums as (
    select customer_id,
           order_id,
           cast(order_date as date) as day,
           cast(sum(amount) as decimal(18, 2)) as amount,
           cast(coalesce(sum(amount) filter (where is_promo), 0) as decimal(18, 2)) as promo_amount
    from sales
    where dataset_id = $dataset_id
    group by customer_id, order_id, cast(order_date as date)
),
multi_day as (
    select customer_id, order_id
    from day_sums
    where order_id is not null
    group by customer_id, order_id
    having count(*) > 1
),
final as (
    select d.customer_id,
           d.order_id,
           d.day,
           m.order_id is null as is_single_day,
           d.amount,
           d.promo_amount
    from day_sums as d
    left join multi_day as m
        on m.customer_id = d.customer_id and m.order_id = d.order_id
)
select * from final
"""

_HAS_ORDER_DAYS_SQL = """
select exists (select 1 from order_days where dataset_id = $dataset_id)
       or not exists (select 1 from sales where dataset_id = $dataset_id)
"""
# a workspace written before order_days existed, opened read-only (tables are created only by a writer)
_ORDER_DAYS_TABLE_SQL = """
select exists (
    select 1 from duckdb_tables() where database_name = current_database() and table_name = 'order_days'
)
"""


def build_order_days(con: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    """Rebuild the dataset's `order_days` rows from its sales lines (inside the caller's transaction)."""
    params = {"dataset_id": dataset_id}
    con.execute("delete from order_days where dataset_id = $dataset_id", params)
    con.execute(
        "insert into order_days by name select $dataset_id as dataset_id, * from (" + _ORDER_DAYS_SELECT + ")", params
    )


def order_days_ctes(con: duckdb.DuckDBPyConnection, dataset_id: str) -> str:
    """ "" when the dataset's order days are stored, else a CTE `order_days as (...),` computing them from its lines.

    Queries read `order_days` filtered by `dataset_id = $dataset_id`, from the table or from this CTE alike.
    """
    table = con.execute(_ORDER_DAYS_TABLE_SQL).fetchone()
    stored = table and table[0] and con.execute(_HAS_ORDER_DAYS_SQL, {"dataset_id": dataset_id}).fetchone()
    if stored and stored[0]:
        return ""
    return "order_days as (\nselect $dataset_id as dataset_id, * from (" + _ORDER_DAYS_SELECT + ")\n),\n"


# Orders as of $as_of: one row per order with its age (days from its date to D: "within the last N days" is
# age < N), whether it is a purchase, its value, and the three spend sums by line date. Single-day orders are
# complete in one row; the others are summed over their days up to D.
_AS_OF_DAYS = """(
        select customer_id,
               order_id,
               cast(date_diff('day', day, $as_of) as integer) as age,
               amount,
               promo_amount
        from order_days
        where dataset_id = $dataset_id
          and {which}
          and day <= $as_of
    )"""
ORDERS_AS_OF_CTES = f"""
orders as (
    select customer_id,
           age,
           amount > 0 as is_purchase,
           amount as value,
           case when age < $rfm_lookback_days then amount end as spend_l,
           case when age < $groups_window_days then amount end as spend_w,
           case when age < $groups_window_days then promo_amount end as promo_spend_w
    from {_AS_OF_DAYS.format(which="is_single_day")} as single_day
    union all
    select customer_id,
           max(age) as age,
           sum(amount) > 0 as is_purchase,
           sum(amount) as value,
           sum(amount) filter (where age < $rfm_lookback_days) as spend_l,
           sum(amount) filter (where age < $groups_window_days) as spend_w,
           sum(promo_amount) filter (where age < $groups_window_days) as promo_spend_w
    from {_AS_OF_DAYS.format(which="not is_single_day")} as multi_day
    group by customer_id, order_id
)"""
