"""The tier engine: one row per customer with RFM scores, segments, lifecycle, member groups and tier, as of a date.

Everything follows the product spec (shared/spec/tiers.md). Where it is silent we chose (docs/DECISIONS.md, "Tiers"):

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

How it runs: lines -> orders (one GROUP BY) -> customers (one GROUP BY, every window a FILTER aggregate), then one
pass over the customers for the population statistics. Ranks are not computed with window functions (a sort of the
whole wide customer table per rank): the spec's RANK() formulas are evaluated through cut points, which is exactly
equivalent. With rank = 1 + #(values strictly below), score >= s iff rank - 1 >= c_s = ceil((s - 1) * n / k)
iff the value is above the c_s-th smallest value; "top m" (rank by X descending <= m) iff X >= the m-th largest
value; "bottom m" iff X <= the m-th smallest. Ties therefore always share a score / a group.

The five text columns (rfm_segment, cn8_segment, lifecycle, groups, tier) leave SQL as small integer codes and are
decoded into the same text values (object columns, None for NULL) by indexing an array of names: building, sorting
and converting a string per customer and column cost 15-25% of the CPU time and a third of the peak memory at
10M lines (bench/RESULTS.md, "Tiers").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from segcore import config
from segcore.config import DEFAULT_CONFIG, TierConfig

__all__ = [
    "CN8_SEGMENTS",
    "GROUP_KEYS",
    "LIFECYCLES",
    "RFM_GRID",
    "RFM_SEGMENTS",
    "TIER_KEYS",
    "has_promo",
    "tier_table",
]

GROUP_KEYS = list(config.GROUP_KEYS)  # the spec's table order

RFM_SEGMENTS = [
    "champions",
    "loyal_customers",
    "potential_loyalists",
    "new_customers",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cannot_lose",
    "hibernating",
]
CN8_SEGMENTS = [
    "important_value",
    "important_develop",
    "important_keep",
    "important_winback",
    "general_value",
    "general_develop",
    "general_keep",
    "general_winback",
]
LIFECYCLES = ["potential", "new", "churned", "at_risk", "loyal", "active"]
TIER_KEYS = [*config.DEFAULT_TIER_ORDER, "regular", "potential"]

# The spec's R x F grid: RFM_GRID[r - 1][f - 1] for 5-grid scores r, f (row r = 1 first).
_HIB, _RISK, _SLEEP, _PL = "hibernating", "at_risk", "about_to_sleep", "potential_loyalists"
RFM_GRID = [
    [_HIB, _HIB, _RISK, _RISK, "cannot_lose"],
    [_HIB, _HIB, _RISK, _RISK, "cannot_lose"],
    [_SLEEP, _SLEEP, "need_attention", "loyal_customers", "loyal_customers"],
    ["promising", _PL, _PL, "loyal_customers", "loyal_customers"],
    ["new_customers", _PL, _PL, "champions", "champions"],
]

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


# `age` = days between a line's (or an order's) date and D, so "within the last N days" is `age < N`.
_TIER_SQL = """
with lines as (
    select customer_id,
           order_id,
           cast($as_of - cast(order_date as date) as integer) as age,
           amount,
           coalesce(is_promo, false) as is_promo
    from sales
    where dataset_id = $dataset_id
      and cast(order_date as date) <= $as_of
),
orders as (
    select customer_id,
           max(age) as age,  -- an order is dated by its earliest line
           sum(amount) > 0 as is_purchase,
           sum(amount) filter (where age < $rfm_lookback_days) as spend_l,
           sum(amount) filter (where age < $groups_window_days) as spend_w,
           sum(amount) filter (where age < $groups_window_days and is_promo) as promo_spend_w
    from lines
    group by customer_id, order_id, case when order_id is null then age end
),
buyers as (
    select customer_id,
           min(age) filter (where is_purchase) as recency_days,
           max(age) filter (where is_purchase) as tenure_days,
           count(*) filter (where is_purchase) as purchases,
           count(*) filter (where is_purchase and age < $rfm_lookback_days) as frequency,
           count(*) filter (where is_purchase and age < $lifecycle_loyal_window_days) as purchases_lifecycle,
           count(*) filter (where is_purchase and age < $silent_recent_days) as purchases_recent,
           count(*) filter (where is_purchase and age < $groups_window_days) as orders_w,
           max(age) filter (where is_purchase and age < $groups_window_days) as first_w_age,
           sum(spend_l) as monetary,
           sum(spend_w) as spend_w,
           sum(promo_spend_w) as promo_spend_w
    from orders
    group by customer_id
),
members_in as (
    select distinct customer_id
    from members
    where dataset_id = $dataset_id
      and (join_date is null or join_date <= $as_of)
),
customers as (
    select customer_id,
           m.customer_id is not null as is_member,
           recency_days,
           tenure_days,
           coalesce(purchases, 0) as purchases,
           coalesce(frequency, 0) as frequency,
           coalesce(purchases_lifecycle, 0) as purchases_lifecycle,
           coalesce(purchases_recent, 0) as purchases_recent,
           coalesce(orders_w, 0) as orders_w,
           first_w_age,
           coalesce(monetary, 0) as monetary,
           coalesce(spend_w, 0) as spend_w,
           coalesce(promo_spend_w, 0) as promo_spend_w
    from buyers
    full join members_in as m using (customer_id)
),
populations as (
    select *,
           frequency >= 1 as is_scored,
           orders_w >= 1 and spend_w > 0 as in_p,
           $has_promo and orders_w >= 1 and promo_spend_w > 0 as in_q
    from customers
),
sorted_values as (
    select count(*) filter (where is_scored) as n_scored,
           sum(recency_days) filter (where is_scored) as sum_recency,
           sum(frequency) filter (where is_scored) as sum_frequency,
           sum(monetary) filter (where is_scored) as sum_monetary,
           list_sort(list(recency_days) filter (where is_scored)) as recency_sorted,
           list_sort(list(frequency) filter (where is_scored)) as frequency_sorted,
           list_sort(list(monetary) filter (where is_scored)) as monetary_sorted,
           count(*) filter (where in_p) as n_p,
           coalesce(sum(spend_w) filter (where in_p), 0) as p_spend,
           coalesce(cast(sum(orders_w) filter (where in_p) as bigint), 0) as p_orders,
           list_sort(list(spend_w) filter (where in_p)) as spend_sorted,
           count(*) filter (where in_q) as n_q,
           list_sort(list(promo_spend_w) filter (where in_q)) as promo_sorted
    from populations
),
cuts as (
    -- score >= s  <=>  k * (rank - 1) / n >= s - 1  <=>  the value passes the c-th smallest (largest for recency),
    -- c = ceil((s - 1) * n / k); "top m" <=> value >= the m-th largest; "bottom m" <=> value <= the m-th smallest.
    select n_scored,
           sum_recency,
           sum_frequency,
           sum_monetary,
           [recency_sorted[n_scored + 1 - ((s - 1) * n_scored + $rfm_bins - 1) // $rfm_bins]
               for s in range(2, $rfm_bins + 1)] as r_cuts,
           [frequency_sorted[((s - 1) * n_scored + $rfm_bins - 1) // $rfm_bins]
               for s in range(2, $rfm_bins + 1)] as f_cuts,
           [monetary_sorted[((s - 1) * n_scored + $rfm_bins - 1) // $rfm_bins]
               for s in range(2, $rfm_bins + 1)] as m_cuts,
           p_spend,
           p_orders,
           spend_sorted[n_p + 1 - cast(ceil($high_spend_share * n_p) as bigint)] as high_spend_cut,
           spend_sorted[n_p + 1 - cast(ceil($loyal_share * n_p) as bigint)] as loyal_spend_cut,
           promo_sorted[n_q + 1 - cast(ceil($promo_frequent_share * n_q) as bigint)] as promo_frequent_cut,
           promo_sorted[cast(ceil($promo_chaser_share * n_q) as bigint)] as promo_chaser_cut
    from sorted_values
),
scored as (
    select populations.*,
           case when is_scored then 1 + len(list_filter(r_cuts, lambda c: c > recency_days)) end as r_score,
           case when is_scored then 1 + len(list_filter(f_cuts, lambda c: c < frequency)) end as f_score,
           case when is_scored then 1 + len(list_filter(m_cuts, lambda c: c < monetary)) end as m_score,
           recency_days * n_scored < sum_recency as is_recent,
           frequency * n_scored > sum_frequency as is_f_high,
           monetary * n_scored > sum_monetary as is_m_high,
           in_p and spend_w >= high_spend_cut as high_spend,
           in_p and spend_w * p_orders >= $high_ticket_factor * p_spend * orders_w as high_ticket,
           in_p and spend_w >= loyal_spend_cut
                and orders_w >= $loyal_min_orders
                and recency_days <= $loyal_max_recency_days
                and first_w_age - recency_days <= $loyal_max_gap_days * (orders_w - 1) as loyal,
           case when $has_promo then in_q and promo_spend_w >= promo_frequent_cut end as promo_frequent,
           case when $has_promo
                then in_q and promo_spend_w <= promo_chaser_cut
                     and promo_spend_w >= $promo_chaser_min_promo_share * spend_w
           end as promo_chaser,
           coalesce(recency_days <= $sleeping_days
                    and tenure_days >= $silent_min_tenure_days
                    and purchases_recent * tenure_days < $silent_ratio * purchases * $silent_recent_days,
                    false) as silent,
           coalesce(recency_days > $sleeping_days, false) as sleeping
    from populations
    cross join cuts
),
segmented as (
    -- the text columns as small codes, 0 for NULL; tier_table decodes them (no string is built or sorted per row)
    select *,
           -- (r5 - 1) * 5 + f5 with r5, f5 the scores on the 5-grid: the cell of the R x F grid, row by row
           case when is_scored
                then ((r_score * 5 + $rfm_bins - 1) // $rfm_bins - 1) * 5 + (f_score * 5 + $rfm_bins - 1) // $rfm_bins
           end as rfm_code,
           -- 1 + 4 * m_high + 2 * recent + f_high
           case when is_scored then 1 + 4 * is_m_high::integer + 2 * is_recent::integer + is_f_high::integer
           end as cn8_code,
           -- the position in LIFECYCLES
           case when recency_days is null then case when is_member then 1 end  -- potential
                when tenure_days <= $lifecycle_new_days then 2  -- new
                when recency_days > $lifecycle_churned_days then 3  -- churned
                when recency_days > $lifecycle_at_risk_days then 4  -- at_risk
                when purchases_lifecycle >= $lifecycle_loyal_purchases then 5  -- loyal
                else 6  -- active
           end as lifecycle_code,
           -- the tier is the group that comes first in $tier_order: its position there
           least(
               case when high_spend then list_position($tier_order, 'high_spend') end,
               case when high_ticket then list_position($tier_order, 'high_ticket') end,
               case when loyal then list_position($tier_order, 'loyal') end,
               case when promo_frequent then list_position($tier_order, 'promo_frequent') end,
               case when promo_chaser then list_position($tier_order, 'promo_chaser') end,
               case when silent then list_position($tier_order, 'silent') end,
               case when sleeping then list_position($tier_order, 'sleeping') end
           ) as first_group
    from scored
),
final as (
    select customer_id,
           recency_days,
           frequency,
           monetary,
           r_score,
           f_score,
           m_score,
           cast(coalesce(rfm_code, 0) as utinyint) as rfm_segment,
           cast(coalesce(cn8_code, 0) as utinyint) as cn8_segment,
           cast(coalesce(lifecycle_code, 0) as utinyint) as lifecycle,
           -- bit i set <=> in the group GROUP_KEYS[i]
           cast(coalesce(high_spend, false)::integer
                + 2 * coalesce(high_ticket, false)::integer
                + 4 * coalesce(loyal, false)::integer
                + 8 * coalesce(promo_frequent, false)::integer
                + 16 * coalesce(promo_chaser, false)::integer
                + 32 * coalesce(silent, false)::integer
                + 64 * coalesce(sleeping, false)::integer as utinyint) as groups,
           -- 1..7 the position in $tier_order, 8 regular, 9 potential, 0 none (no purchase, not a member)
           cast(case when recency_days is null then case when is_member then 9 else 0 end
                     else coalesce(first_group, 8)
                end as utinyint) as tier,
           high_spend,
           high_ticket,
           loyal,
           promo_frequent,
           promo_chaser,
           silent,
           sleeping,
           $as_of - tenure_days as first_purchase,
           $as_of - recency_days as last_purchase,
           spend_w,
           orders_w,
           round(spend_w / nullif(orders_w, 0), 2) as aov_w,
           case when $has_promo then promo_spend_w end as promo_spend_w
    from segmented
)
select * from final
order by customer_id
"""


def _sql_params(cfg: TierConfig) -> dict[str, Any]:
    """The config as bound parameters: fractional settings become exact decimals (6 places)."""
    params: dict[str, Any] = {}
    for name, value in vars(cfg).items():
        if isinstance(value, float):
            params[name] = Decimal(repr(value)).quantize(Decimal("0.000001"))
        elif isinstance(value, tuple):
            params[name] = list(value)
        else:
            params[name] = value
    return params


def _cn8_name(code: int) -> str:
    """The cn8 key of code 1 + 4 * m_high + 2 * recent + f_high."""
    m_high, recent, f_high = (code - 1) & 4, (code - 1) & 2, (code - 1) & 1
    kind = "value" if recent and f_high else "develop" if recent else "keep" if f_high else "winback"
    return ("important_" if m_high else "general_") + kind


# Code -> text of the coded columns (code 0 is NULL): the values the SQL would have spelled out, as shared objects.
_RFM_NAMES = np.array([None, *(cell for row in RFM_GRID for cell in row)], dtype=object)
_CN8_NAMES = np.array([None, *(_cn8_name(code) for code in range(1, 9))], dtype=object)
_LIFECYCLE_NAMES = np.array([None, *LIFECYCLES], dtype=object)
_GROUP_NAMES = np.array(
    [";".join(key for bit, key in enumerate(GROUP_KEYS) if mask >> bit & 1) for mask in range(2 ** len(GROUP_KEYS))],
    dtype=object,
)


def tier_table(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """One row per customer of the dataset as of `as_of`: RFM, segments, lifecycle, groups and tier; by customer_id."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    problems = config.validate(cfg)
    if problems:
        raise ValueError("invalid tier config: " + ", ".join(f"{p.field} ({p.code})" for p in problems))
    params = {
        **_sql_params(cfg),
        "dataset_id": dataset_id,
        "as_of": as_of,
        "has_promo": has_promo(con, dataset_id),
    }
    frame = con.execute(_TIER_SQL, params).df()
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
