"""Orders and purchases as of a date: the one definition, read by every module that counts orders.

The spec (tiers.md, "Orders and purchases"): an order is (customer_id, order_id), or (customer_id, day) for a line
without an order_id; it is dated by its earliest line and worth the sum of its lines; a purchase is an order worth
more than 0. Spend sums use each line's own date.

The workspace keeps the lines summed per order and day in `order_days` (built when a file is loaded, in the same
transaction), so the tier rules read about 4 rows per 10 lines. An order with lines on one day only (`is_single_day`,
most of them) is complete in one row; only an order spread over several days has to be summed again as of a date.
A dataset loaded before this table existed is read straight from its lines and members (same rows).

`customer_keys` numbers every customer of the dataset (sales lines and members) in customer_id order, and order days
carry that number: the rules group and sort by an integer, which takes half the time of grouping and sorting 1M
text ids (bench/RESULTS.md, "Tiers"), and still list customers in customer_id order.
"""

from __future__ import annotations

import duckdb

__all__ = ["ORDERS_AS_OF_CTES", "ORDER_DAYS_TABLES", "build_order_days", "order_days_ctes"]

_CUSTOMER_KEYS_SELECT = """
select customer_id,
       cast(row_number() over (order by customer_id) as integer) as customer_key
from (
    select customer_id from sales where dataset_id = $dataset_id
    union
    select customer_id from members where dataset_id = $dataset_id
)
"""

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
keyed_days as (
    select k.customer_key,
           d.customer_id,
           d.order_id,
           d.day,
           m.order_id is null as is_single_day,
           d.amount,
           d.promo_amount
    from day_sums as d
    join customer_keys as k
        on k.dataset_id = $dataset_id and k.customer_id = d.customer_id
    left join multi_day as m
        on m.customer_id = d.customer_id and m.order_id = d.order_id
)
select * from keyed_days
"""

_HAS_ORDER_DAYS_SQL = """
select exists (select 1 from customer_keys where dataset_id = $dataset_id)
       or not exists (
           select 1 from sales where dataset_id = $dataset_id
           union all
           select 1 from members where dataset_id = $dataset_id
       )
"""
# a workspace written before order_days (or their customer keys) existed, opened read-only (tables are created and
# upgraded only by a writer)
_ORDER_DAYS_TABLE_SQL = """
select exists (
    select 1 from duckdb_columns()
    where database_name = current_database() and table_name = 'order_days' and column_name = 'customer_key'
)
"""


# The two relations every order query reads, in build order, each as a select of its rows for $dataset_id: kept as
# tables by the workspace, as CTEs over a dataset's lines where they are not, and as cached views on Spark.
ORDER_DAYS_TABLES = (
    ("customer_keys", "select $dataset_id as dataset_id, * from (" + _CUSTOMER_KEYS_SELECT + ")"),
    ("order_days", "select $dataset_id as dataset_id, * from (" + _ORDER_DAYS_SELECT + ")"),
)


def build_order_days(con: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    """Rebuild the dataset's `customer_keys` and `order_days` rows from its sales lines and members (inside the
    caller's transaction)."""
    params = {"dataset_id": dataset_id}
    con.execute("delete from order_days where dataset_id = $dataset_id", params)
    con.execute("delete from customer_keys where dataset_id = $dataset_id", params)
    for table, select in ORDER_DAYS_TABLES:
        con.execute(f"insert into {table} by name " + select, params)


def order_days_ctes(con: duckdb.DuckDBPyConnection, dataset_id: str) -> str:
    """ "" when the dataset's order days are stored, else CTEs `customer_keys as (...), order_days as (...),`
    computing them from its lines and members.

    Queries read `order_days` and `customer_keys` filtered by `dataset_id = $dataset_id`, from the tables or from
    these CTEs alike.
    """
    table = con.execute(_ORDER_DAYS_TABLE_SQL).fetchone()
    stored = table and table[0] and con.execute(_HAS_ORDER_DAYS_SQL, {"dataset_id": dataset_id}).fetchone()
    if stored and stored[0]:
        return ""
    return "".join(f"{table} as (\n{select}\n),\n" for table, select in ORDER_DAYS_TABLES)


# Orders as of $as_of: one row per order with its customer (key and id), its age (days from its date to D: "within
# the last N days" is age < N), whether it is a purchase, its value, and the three spend sums by line date.
# Single-day orders are complete in one row; the others are summed over their days up to D, and kept DECIMAL(18, 2)
# like the single-day rows: a union with DECIMAL(38, 2) sums widens all 4M rows to 128-bit values, and the facts'
# sums over them took 13% more CPU at 10M lines (bench/RESULTS.md, "Tiers").
_AS_OF_DAYS = """(
        select customer_key,
               customer_id,
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
    select customer_key,
           customer_id,
           age,
           amount > 0 as is_purchase,
           amount as value,
           case when age < $rfm_lookback_days then amount end as spend_l,
           case when age < $groups_window_days then amount end as spend_w,
           case when age < $groups_window_days then promo_amount end as promo_spend_w
    from {_AS_OF_DAYS.format(which="is_single_day")} as single_day
    union all
    select customer_key,
           any_value(customer_id) as customer_id,
           max(age) as age,
           sum(amount) > 0 as is_purchase,
           cast(sum(amount) as decimal(18, 2)) as value,
           cast(sum(amount) filter (where age < $rfm_lookback_days) as decimal(18, 2)) as spend_l,
           cast(sum(amount) filter (where age < $groups_window_days) as decimal(18, 2)) as spend_w,
           cast(sum(promo_amount) filter (where age < $groups_window_days) as decimal(18, 2)) as promo_spend_w
    from {_AS_OF_DAYS.format(which="not is_single_day")} as multi_day
    group by customer_key, order_id
)"""
