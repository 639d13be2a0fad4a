"""The tier engine: one row per customer with RFM scores, segments, lifecycle, member groups and tier, as of a date.

Everything follows docs/../shared/spec/tiers.md; where the spec is silent we chose (see docs/DECISIONS.md, "Tiers"):

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
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd

from segcore.config import DEFAULT_TIER_ORDER, GROUP_KEYS, TierConfig, validate

__all__ = [
    "GROUP_KEYS",
    "RFM_SEGMENTS",
    "CN8_SEGMENTS",
    "LIFECYCLES",
    "TIER_KEYS",
    "RFM_GRID",
    "has_promo",
    "tier_table",
]

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
TIER_KEYS = [*DEFAULT_TIER_ORDER, "regular", "potential"]

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
ranked as (
    select *,
           count(*) over scored as n_scored,
           rank() over (scored order by recency_days desc) as r_rank,
           rank() over (scored order by frequency) as f_rank,
           rank() over (scored order by monetary) as m_rank,
           sum(recency_days) over scored as sum_recency,
           sum(frequency) over scored as sum_frequency,
           sum(monetary) over scored as sum_monetary,
           count(*) over p as n_p,
           rank() over (p order by spend_w desc) as spend_rank,
           sum(spend_w) over p as p_spend,
           cast(sum(orders_w) over p as bigint) as p_orders,
           count(*) over q as n_q,
           rank() over (q order by promo_spend_w desc) as promo_rank_top,
           rank() over (q order by promo_spend_w) as promo_rank_bottom
    from populations
    window scored as (partition by is_scored), p as (partition by in_p), q as (partition by in_q)
),
scored as (
    select *,
           case when is_scored then 1 + ($rfm_bins * (r_rank - 1)) // n_scored end as r_score,
           case when is_scored then 1 + ($rfm_bins * (f_rank - 1)) // n_scored end as f_score,
           case when is_scored then 1 + ($rfm_bins * (m_rank - 1)) // n_scored end as m_score,
           recency_days * n_scored < sum_recency as is_recent,
           frequency * n_scored > sum_frequency as is_f_high,
           monetary * n_scored > sum_monetary as is_m_high
    from ranked
),
segmented as (
    select *,
           $rfm_grid[(r_score * 5 + $rfm_bins - 1) // $rfm_bins][(f_score * 5 + $rfm_bins - 1) // $rfm_bins]
               as rfm_segment,
           case when is_scored
                then case when is_m_high then 'important_' else 'general_' end
                     || case when is_recent and is_f_high then 'value'
                             when is_recent then 'develop'
                             when is_f_high then 'keep'
                             else 'winback' end
           end as cn8_segment,
           case when recency_days is null then case when is_member then 'potential' end
                when tenure_days <= $lifecycle_new_days then 'new'
                when recency_days > $lifecycle_churned_days then 'churned'
                when recency_days > $lifecycle_at_risk_days then 'at_risk'
                when purchases_lifecycle >= $lifecycle_loyal_purchases then 'loyal'
                else 'active'
           end as lifecycle
    from scored
),
flagged as (
    select *,
           in_p and spend_rank <= ceil($high_spend_share * n_p) as high_spend,
           in_p and spend_w * p_orders >= $high_ticket_factor * p_spend * orders_w as high_ticket,
           in_p and spend_rank <= ceil($loyal_share * n_p)
                and orders_w >= $loyal_min_orders
                and recency_days <= $loyal_max_recency_days
                and first_w_age - recency_days <= $loyal_max_gap_days * (orders_w - 1) as loyal,
           case when $has_promo
                then in_q and promo_rank_top <= ceil($promo_frequent_share * n_q)
           end as promo_frequent,
           case when $has_promo
                then in_q and promo_rank_bottom <= ceil($promo_chaser_share * n_q)
                     and promo_spend_w >= $promo_chaser_min_promo_share * spend_w
           end as promo_chaser,
           coalesce(recency_days <= $sleeping_days
                    and tenure_days >= $silent_min_tenure_days
                    and purchases_recent * tenure_days < $silent_ratio * purchases * $silent_recent_days,
                    false) as silent,
           coalesce(recency_days > $sleeping_days, false) as sleeping
    from segmented
),
grouped as (
    select *,
           list_filter([
               case when high_spend then 'high_spend' end,
               case when high_ticket then 'high_ticket' end,
               case when loyal then 'loyal' end,
               case when promo_frequent then 'promo_frequent' end,
               case when promo_chaser then 'promo_chaser' end,
               case when silent then 'silent' end,
               case when sleeping then 'sleeping' end
           ], lambda g: g is not null) as group_list
    from flagged
),
final as (
    select customer_id,
           recency_days,
           frequency,
           monetary,
           r_score,
           f_score,
           m_score,
           rfm_segment,
           cn8_segment,
           lifecycle,
           array_to_string(group_list, ';') as groups,
           case when recency_days is null then case when is_member then 'potential' end
                else coalesce(list_filter($tier_order, lambda t: list_contains(group_list, t))[1], 'regular')
           end as tier,
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
    from grouped
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


def tier_table(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierConfig = TierConfig()
) -> pd.DataFrame:
    """One row per customer of the dataset as of `as_of`: RFM, segments, lifecycle, groups and tier; by customer_id."""
    problems = validate(cfg)
    if problems:
        raise ValueError("invalid tier config: " + ", ".join(f"{p.field} ({p.code})" for p in problems))
    params = {
        **_sql_params(cfg),
        "dataset_id": dataset_id,
        "as_of": as_of,
        "has_promo": has_promo(con, dataset_id),
        "rfm_grid": RFM_GRID,
    }
    return con.execute(_TIER_SQL, params).df()
