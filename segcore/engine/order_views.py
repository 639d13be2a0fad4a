"""Other shapes of the orders of segcore.engine.orders, for the modules that read them outside the tier rules.

`segcore.engine.orders` defines an order and a purchase as of a date (shared/spec/tiers.md, "Orders and
purchases") on the `order_days` relation; `ORDERS_AS_OF_CTES` is the one-date view the tier rules read. The
weekly review values the orders as of each of several Sundays, and the target lists join an order back to its lines,
so they need the same orders with the date(s) they are valued at and with their key. This module builds that view
on the same `order_days` relation, so every reader counts the same orders:

- `ORDERS_AT_DATES_CTES`: one row per (as_of, order) for every date of a caller's `as_of_dates (as_of)` relation;
- `order_key_sql`: the key of an order as one text value, for joining lines to their order.

As with `ORDERS_AS_OF_CTES`, a query reads `order_days` filtered by `dataset_id = $dataset_id`, with
`segcore.engine.orders.order_days_ctes(con, dataset_id)` prepended right after its `with `.
"""

from __future__ import annotations

__all__ = ["ORDERS_AT_DATES_CTES", "order_key_sql"]


def order_key_sql(order_id: str, day: str) -> str:
    """SQL for the text key of an order, from its order_id and day columns: 'o:<order_id>', or 'd:<day>' without one.

    Within one customer it tells orders apart exactly as (order_id, day when order_id is null) does: an order id that
    looks like a date is never the key of the id-less lines of that day."""
    return f"coalesce('o:' || {order_id}, 'd:' || cast({day} as varchar))"


# The order days of the dataset on or before each date of `as_of_dates`. {which} picks single- or multi-day orders.
_DAYS_AT_DATES = """(
        select d.as_of,
               o.customer_id,
               o.order_id,
               o.day,
               cast(date_diff('day', o.day, d.as_of) as integer) as age,
               o.amount
        from order_days as o
        join as_of_dates as d
            on o.day <= d.as_of
        where o.dataset_id = $dataset_id
          and {which}
    )"""

# Orders as of each date of `as_of_dates (as_of)`, which the caller defines first: one row per (as_of, order) with the
# order's customer_id, order_id (NULL for the id-less lines of one day), day (its date: its earliest line's day),
# age (as_of - day, in days: "within the last N days" is age < N), value (sum of its lines dated on or before as_of)
# and is_purchase (value > 0). As in `ORDERS_AS_OF_CTES`, a single-day order is complete in one row; an order spread
# over several days is summed over its days up to each date.
ORDERS_AT_DATES_CTES = f"""
orders_at as (
    select as_of,
           customer_id,
           order_id,
           day,
           age,
           amount > 0 as is_purchase,
           amount as value
    from {_DAYS_AT_DATES.format(which="o.is_single_day")} as single_day
    union all
    select as_of,
           customer_id,
           order_id,
           min(day) as day,
           max(age) as age,
           sum(amount) > 0 as is_purchase,
           sum(amount) as value
    from {_DAYS_AT_DATES.format(which="not o.is_single_day")} as multi_day
    group by as_of, customer_id, order_id
)"""
