"""Campaign outcomes from the sales (the SQL side of lift): per listed customer, per day, and before/after.

As-of rules of tiers.md apply: an order is (customer_id, order_id), or (customer_id, day) without an order_id;
its date is its earliest line's day; a purchase is an order of value > 0. For a campaign window [start, end]:
`responded` = at least one purchase dated in the window, `revenue` = net spend of lines dated in the window.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from segcore.engine.orders import ORDERS_AS_OF_CTES, order_days_ctes

__all__ = ["baseline_rate", "campaign_outcomes", "daily_revenue", "did_frames"]

_LIST_TABLE = "seg_campaign_list"

# The orders as of the window's last day come from the engine (segcore.engine.orders), with its spend window bound to
# the campaign window: `age` < $window_days is "dated in [start, end]", and `spend_w` is the net spend of the lines
# dated in it.
_OUTCOMES_CTES = (
    ORDERS_AS_OF_CTES
    + f""",
listed as (
    select customer_id, "group", tier from {_LIST_TABLE}
),
per_customer as (
    select customer_id,
           count(*) filter (where is_purchase and age < $window_days) as purchases,
           sum(spend_w) as revenue
    from orders
    where customer_id in (select customer_id from listed)
    group by customer_id
),
final as (
    select l.customer_id, l."group", l.tier,
           coalesce(p.purchases, 0) as purchases,
           cast(coalesce(p.purchases, 0) > 0 as integer) as responded,
           cast(coalesce(p.revenue, 0) as double) as revenue
    from listed l
    left join per_customer p using (customer_id)
)
select * from final order by customer_id
"""
)


def _register(con: duckdb.DuckDBPyConnection, listed: pd.DataFrame) -> None:
    frame = listed[["customer_id", "group"]].assign(tier=listed.get("tier"))
    con.register("_seg_list_frame", frame.astype({"customer_id": str}))
    con.execute(f"create or replace temp table {_LIST_TABLE} as select * from _seg_list_frame")
    con.unregister("_seg_list_frame")


def campaign_outcomes(
    con: duckdb.DuckDBPyConnection, dataset_id: str, listed: pd.DataFrame, start: date, end: date
) -> pd.DataFrame:
    """Per listed customer (customer_id, group, tier): purchases, responded (0/1), revenue in [start, end]."""
    _register(con, listed)
    days = (end - start).days + 1
    params = {
        "dataset_id": dataset_id,
        "as_of": end,
        "window_days": days,
        "rfm_lookback_days": days,
        "groups_window_days": days,
    }
    return con.execute("with " + order_days_ctes(con, dataset_id) + _OUTCOMES_CTES, params).df()


_DAILY_SQL = f"""
with listed as (
    select customer_id, "group" from {_LIST_TABLE}
),
days as (
    select cast(unnest(generate_series(cast($start as timestamp), cast($end as timestamp), interval 1 day)) as date)
        as day
),
groups as (
    select "group", count(*) as customers from listed group by "group"
),
spend as (
    select l."group", cast(s.order_date as date) as day, sum(s.amount) as revenue
    from sales s
    join listed l using (customer_id)
    where s.dataset_id = $dataset_id
      and cast(s.order_date as date) between $start and $end
    group by all
),
final as (
    select g."group", d.day,
           sum(coalesce(sp.revenue, 0)) over (partition by g."group" order by d.day) / g.customers
               as cumulative_rpc
    from groups g
    cross join days d
    left join spend sp on sp."group" = g."group" and sp.day = d.day
)
select "group", day, cast(cumulative_rpc as double) as cumulative_rpc from final order by "group", day
"""


def daily_revenue(
    con: duckdb.DuckDBPyConnection, dataset_id: str, listed: pd.DataFrame, start: date, end: date
) -> pd.DataFrame:
    """Cumulative net revenue per listed customer, per group and day of the campaign window."""
    _register(con, listed)
    return con.execute(_DAILY_SQL, {"dataset_id": dataset_id, "start": start, "end": end}).df()


_WINDOW_SPEND_SQL = """
select customer_id,
       cast(coalesce(sum(amount) filter (where cast(order_date as date) between $pre_start and $pre_end), 0)
            as double) as pre,
       cast(coalesce(sum(amount) filter (where cast(order_date as date) between $start and $end), 0)
            as double) as post
from sales
where dataset_id = $dataset_id
  and cast(order_date as date) between $pre_start and $end
group by customer_id
"""


def did_frames(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    listed: pd.DataFrame,
    tiers_at_start: pd.DataFrame,
    start: date,
    end: date,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-customer net spend before and during the campaign, for the listed customers and for customers of the
    same tiers who were not listed; the 'before' window has the campaign's length and ends the day before start."""
    length = (end - start).days + 1
    params = {
        "dataset_id": dataset_id,
        "start": start,
        "end": end,
        "pre_start": start - timedelta(days=length),
        "pre_end": start - timedelta(days=1),
    }
    spend = con.execute(_WINDOW_SPEND_SQL, params).df().set_index("customer_id")
    tiers = set(listed["tier"].dropna()) if "tier" in listed else set(tiers_at_start["tier"].dropna())
    listed_ids = set(listed["customer_id"].astype(str))
    pool = tiers_at_start[tiers_at_start["tier"].isin(tiers) & ~tiers_at_start["customer_id"].isin(listed_ids)]

    def _frame(ids: pd.Series) -> pd.DataFrame:
        return spend.reindex(ids.astype(str)).fillna(0.0).reset_index()

    return _frame(listed["customer_id"]), _frame(pool["customer_id"])


def baseline_rate(
    con: duckdb.DuckDBPyConnection, dataset_id: str, customer_ids: pd.Series, as_of: date, days: int
) -> float | None:
    """Share of these customers with a purchase in the `days` up to `as_of`: the last comparable period's rate."""
    if len(customer_ids) == 0:
        return None
    listed = pd.DataFrame({"customer_id": customer_ids.astype(str), "group": "treatment", "tier": None})
    outcomes = campaign_outcomes(con, dataset_id, listed, as_of - timedelta(days=days - 1), as_of)
    return float(outcomes["responded"].mean())
