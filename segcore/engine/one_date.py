"""The tier table: every rule as of one date, one row per customer (the one-date case of the engine).

Where the spec is silent (docs/DECISIONS.md, "Tiers"):

- Customers: everyone with a sales line on or before the as-of date D, plus members with join_date <= D or none.
  A members-file row with join_date > D is ignored: a members-only customer is absent, but a buyer still appears
  (as a non-member) because their purchases are real.
- A customer with lines but no purchase (only orders of value <= 0, e.g. refunds) has NULL recency_days, scores,
  segments, first/last purchase. Their lifecycle and tier are `potential` if they are a member, else NULL
  (the migration state `none`: they have not bought yet); they are in no group.
- Members-only customers: frequency 0, monetary 0, spend_w 0, orders_w 0, no group, lifecycle and tier `potential`.
- frequency/monetary/spend sums are reported for everyone (0 when there is nothing), scores only for frequency >= 1.
- `groups` is the empty string for a customer in no group. Without promo data (every is_promo NULL in the dataset)
  promo_frequent, promo_chaser and promo_spend_w are NULL for everyone and the tier order skips those groups.
- `silent` requires recency_days <= sleeping_days (silent is "not yet sleeping").
- Every threshold comparison is exact: money stays DECIMAL, ratios are cross-multiplied, and fractional
  settings (shares, factors, ratios) are applied as decimals rounded to 6 places.

The five text columns leave SQL as small integer codes (positions in their key lists) and are decoded by indexing
an array of names: building, sorting and converting a string per customer and column cost 15-25% of the CPU time
and a third of the peak memory at 10M lines (bench/RESULTS.md, "Tiers").
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import numpy as np
import pandas as pd

from segcore.engine.facts import ONE_DATE_FACTS_CTES
from segcore.engine.orders import order_days_ctes
from segcore.engine.rules import GROUPS, rule_params, rules_ctes
from segcore.engine.run import frame, run
from segcore.keys import CN8_SEGMENTS, LIFECYCLES, RFM_SEGMENTS
from segcore.tier_rules import DEFAULT_RULES, TierRules

__all__ = ["TIER_COLUMNS", "customer_facts", "decode", "has_promo", "output_columns", "tier_table", "tier_table_sql"]

_HAS_PROMO_SQL = """
select exists (
    select 1
    from sales
    where dataset_id = $dataset_id
      and is_promo is not null
) as has_promo
"""


def has_promo(con: duckdb.DuckDBPyConnection, dataset_id: str) -> bool:
    """Whether any sales line of the dataset carries a promo flag (else the promo groups cannot be computed)."""
    row = con.execute(_HAS_PROMO_SQL, {"dataset_id": dataset_id}).fetchone()
    return bool(row and row[0])


# The tier table's columns, in order (tests/test_prepared.py holds tier_table's output equal to them).
TIER_COLUMNS = (
    "customer_id",
    "recency_days",
    "frequency",
    "monetary",
    "r_score",
    "f_score",
    "m_score",
    "rfm_segment",
    "cn8_segment",
    "lifecycle",
    "groups",
    "tier",
    *(group.key for group in GROUPS),
    "first_purchase",
    "last_purchase",
    "spend_w",
    "orders_w",
    "aov_w",
    "promo_spend_w",
)

_OUTPUT_COLUMNS = """customer_id,
           cast(recency_days as integer) as recency_days,
           cast(frequency as bigint) as frequency,
           monetary,
           cast(r_score as bigint) as r_score,
           cast(f_score as bigint) as f_score,
           cast(m_score as bigint) as m_score,
           cast(coalesce(rfm_code, 0) as tinyint) as rfm_segment,
           cast(coalesce(cn8_code, 0) as tinyint) as cn8_segment,
           cast(coalesce(lifecycle_code, 0) as tinyint) as lifecycle,
           cast(groups_mask as tinyint) as groups,
           cast(coalesce(tier_code, 0) as tinyint) as tier,
           {group_columns},
           date_add({day}, -tenure_days) as first_purchase,
           date_add({day}, -recency_days) as last_purchase,
           spend_w,
           cast(orders_w as bigint) as orders_w,
           {aov_w} as aov_w,
           case when $has_promo then promo_spend_w end as promo_spend_w"""


# spend_w / orders_w rounded half away from zero to the cent, in integers: a division of DECIMALs is a DOUBLE in
# DuckDB and a DECIMAL in Spark, and the two round differently in the last cent.
_AOV_W = """case when orders_w > 0 then cast(
               cast((case when spend_w < 0 then -1 else 1 end)
                    * ((abs(cast(spend_w * 100 as bigint)) * 2 + orders_w) // (2 * orders_w)) as decimal(18, 0))
               * 0.01 as decimal(18, 2)) end"""


def output_columns(day: str) -> str:
    """The tier table's select list over `ruled` (coded text columns; decode() names them); `day` is D's SQL."""
    groups = ",\n           ".join(group.key for group in GROUPS)
    return _OUTPUT_COLUMNS.replace("{group_columns}", groups).replace("{day}", day).replace("{aov_w}", _AOV_W)


def tier_table_sql(orders_cte: str, cfg: TierRules, facts_ctes: str = ONE_DATE_FACTS_CTES) -> str:
    """The whole one-date query: order days (see order_days_ctes), facts, rules, and the coded output columns.

    `facts_ctes` ends with the `customers` facts; Spark passes `customers as (select * from facts)` over the
    facts of ONE_DATE_FACTS_CTES cached as a view, as it would compute them again for each rule that reads them."""
    final = f""",
final as (
    select customer_key,
           {output_columns("$as_of")}
    from ruled
)
select * exclude (customer_key) from final
order by customer_key
"""
    return "with " + orders_cte + facts_ctes + rules_ctes(cfg) + final


_RFM_NAMES = np.array([None, *RFM_SEGMENTS], dtype=object)
_CN8_NAMES = np.array([None, *CN8_SEGMENTS], dtype=object)
_LIFECYCLE_NAMES = np.array([None, *LIFECYCLES], dtype=object)
_GROUP_NAMES = np.array(
    [";".join(g.key for bit, g in enumerate(GROUPS) if mask >> bit & 1) for mask in range(2 ** len(GROUPS))],
    dtype=object,
)


def tier_table(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules = DEFAULT_RULES
) -> pd.DataFrame:
    """One row per customer of the dataset as of `as_of`: RFM, segments, lifecycle, groups and tier; by customer_id."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    params = {**rule_params(cfg), "dataset_id": dataset_id, "as_of": as_of, "has_promo": has_promo(con, dataset_id)}
    return decode(frame(run(con, tier_table_sql(order_days_ctes(con, dataset_id), cfg), params)), cfg)


def customer_facts(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules = DEFAULT_RULES
) -> pd.DataFrame:
    """The facts behind the rules as of one date (segcore.engine.facts' contract, idx 0), by customer_id."""
    sql = (
        "with "
        + order_days_ctes(con, dataset_id)
        + ONE_DATE_FACTS_CTES
        + "\nselect * exclude (customer_key) from customers order by customer_key"
    )
    return run(con, sql, {**rule_params(cfg), "dataset_id": dataset_id, "as_of": as_of}).df()


def decode(frame: pd.DataFrame, cfg: TierRules) -> pd.DataFrame:
    """The coded text columns of a tier table spelled out (object columns, None for NULL), in place."""
    tier_names = np.array([None, *cfg.tier_order, "regular", "potential"], dtype=object)
    for column, names in (
        ("rfm_segment", _RFM_NAMES),
        ("cn8_segment", _CN8_NAMES),
        ("lifecycle", _LIFECYCLE_NAMES),
        ("groups", _GROUP_NAMES),
        ("tier", tier_names),
    ):
        frame[column] = names[frame[column].to_numpy()]
    return frame
