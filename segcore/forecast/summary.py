"""The per-customer summary behind the models, built in DuckDB as of a date D with the tier engine's purchases.

A purchase occasion is a day with at least one purchase (an order worth more than 0, segcore.engine.orders); the
purchases of one day merge into one occasion, worth the sum of their values. Refunds and other orders worth 0 or
less are not occasions and do not lower an occasion's spend (docs/DECISIONS.md, "Issue 13"). Per customer with an
occasion on or before D, in weeks:

- x: occasions − 1 (repeat occasions);
- t_x: weeks from the first occasion to the last;
- T: weeks from the first occasion to D;
- m_x: mean spend of the repeat occasions (NULL where x = 0).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from segcore.engine.orders import ORDERS_AS_OF_CTES, order_days_ctes
from segcore.engine.rules import rule_params
from segcore.engine.run import run
from segcore.tier_rules import DEFAULT_RULES

__all__ = ["SUMMARY_COLUMNS", "holdout_occasions", "occasion_weeks", "summary", "summary_query"]

SUMMARY_COLUMNS = ("customer_id", "x", "t_x", "T", "m_x")

_OCCASIONS_CTE = """,
occasions as (
    select customer_key,
           any_value(customer_id) as customer_id,
           age,
           sum(value) as spend
    from orders
    where is_purchase
    group by customer_key, age
)"""

_SUMMARY_SELECT = """
select any_value(customer_id) as customer_id,
       cast(count(*) - 1 as integer) as x,
       cast(max(age) - min(age) as double) / 7 as t_x,
       cast(max(age) as double) / 7 as "T",
       cast(sum(spend) - arg_max(spend, age) as double) / nullif(count(*) - 1, 0) as m_x
from occasions
group by customer_key
order by customer_key
"""

# Occasions after the calibration day: their count per customer (the holdout's actual purchases).
_HOLDOUT_SELECT = """
select any_value(customer_id) as customer_id,
       cast(count(*) filter (where age < $holdout_days) as integer) as holdout_purchases
from occasions
group by customer_key
having max(age) >= $holdout_days
"""

# Every occasion of customers whose first occasion is on or before the calibration day: its week after $start and
# whether it is a repeat (not the customer's first).
_OCCASION_WEEKS_SELECT = """
select cast(floor(($days_from_start - age) / 7) as integer) as week,
       cast($days_from_start - first_age as integer) as first_day,
       age < first_age as is_repeat
from (
    select age, max(age) over (partition by customer_key) as first_age
    from occasions
)
where first_age >= $holdout_days
"""


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _params(dataset_id: str, as_of: date) -> dict[str, object]:
    return {**rule_params(DEFAULT_RULES), "dataset_id": dataset_id, "as_of": _day(as_of)}


def _sql(con: duckdb.DuckDBPyConnection, dataset_id: str, select: str) -> str:
    return "with " + order_days_ctes(con, dataset_id) + ORDERS_AS_OF_CTES + _OCCASIONS_CTE + select


def summary_query(order_days_head: str, dataset_id: str, as_of: date) -> tuple[str, dict[str, object]]:
    """The summary's SQL over the order days (`order_days_head`: segcore.engine.orders.order_days_ctes' text, ""
    where `order_days` is a table or view) and its parameters."""
    sql = "with " + order_days_head + ORDERS_AS_OF_CTES + _OCCASIONS_CTE + _SUMMARY_SELECT
    return sql, _params(dataset_id, as_of)


def summary(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> pd.DataFrame:
    """One row per customer with a purchase on or before `as_of`: customer_id, x, t_x, T, m_x (customer_id order)."""
    return run(con, *summary_query(order_days_ctes(con, dataset_id), dataset_id, as_of)).df()


def holdout_occasions(
    con: duckdb.DuckDBPyConnection, dataset_id: str, calibration_end: date, holdout_end: date
) -> pd.DataFrame:
    """customer_id, holdout_purchases: occasions in (calibration_end, holdout_end], for customers with a purchase
    on or before calibration_end."""
    params = {**_params(dataset_id, holdout_end), "holdout_days": (_day(holdout_end) - _day(calibration_end)).days}
    return run(con, _sql(con, dataset_id, _HOLDOUT_SELECT), params).df()


def occasion_weeks(
    con: duckdb.DuckDBPyConnection, dataset_id: str, start: date, calibration_end: date, holdout_end: date
) -> pd.DataFrame:
    """week (0 = the 7 days from `start`), first_day (days from `start` to the customer's first occasion),
    is_repeat: every occasion up to holdout_end of the customers first buying on or before calibration_end."""
    params = {
        **_params(dataset_id, holdout_end),
        "holdout_days": (_day(holdout_end) - _day(calibration_end)).days,
        "days_from_start": (_day(holdout_end) - _day(start)).days,
    }
    return run(con, _sql(con, dataset_id, _OCCASION_WEEKS_SELECT), params).df()
