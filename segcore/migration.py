"""Migration over time: every customer's state (tier, lifecycle, a segment, or in / out of one member group) at a
series of snapshot dates, and the transitions between snapshots.

Follows the product spec (shared/spec/tiers.md, "Migration over time"). Where it is silent:

- A customer's state at D is exactly tier_table's value as of D for the scheme ('in' / 'out' for `group:<key>`), or
  `none` where tier_table has no row for the customer (no sales line on or before D and not a member yet) or a NULL
  value: no purchase yet and not a member (tier, lifecycle); unscored, i.e. no purchase within the RFM lookback
  (rfm_segment, cn8_segment: members without purchases are `none` there, not `potential`); a promo group without
  promo data in the dataset.
- Every customer who is in tier_table at any snapshot has a state at every snapshot, so transitions conserve customers.

How it runs: every snapshot in one set-based DuckDB query with one scan of the sales lines. A customer's values
(purchase counts and spend sums in each window, last and first purchase, membership) change only at a few snapshots:
where an order or a line starts counting, or leaves a window. The query lists those changes as deltas at snapshot
indexes, sums them per (customer, snapshot index), takes running totals with one window over these sparse rows and
expands them to one row per (snapshot, customer). The tier rules then run over all snapshots at once, with population
statistics and cut points per snapshot (the same rules as segcore.tiers, written for many dates; the tests check that
every snapshot equals tier_table at that date). Cut points use percentile_disc, which selects the ceil(q * n)-th value
without sorting the population. Transitions pack each customer's states into 4-bit codes and count pairs.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import re
from calendar import monthrange
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

import duckdb
import pandas as pd

from segcore import config, tiers
from segcore.config import DEFAULT_CONFIG, TierConfig
from segcore.errors import InputError
from segcore.sql import quote_ident

__all__ = [
    "EVERY",
    "NONE",
    "SCHEMES",
    "STATE_COLUMNS",
    "TRANSITION_COLUMNS",
    "VIP_TIERS",
    "cached_states",
    "cached_transitions",
    "check_scheme",
    "direction",
    "movers",
    "net_flow",
    "snapshot_dates",
    "snapshot_states",
    "snapshot_values",
    "state_keys",
    "summary_counts",
    "transition_table",
    "transitions",
    "transitions_between",
]

NONE = "none"
EVERY = ("week", "month")
SCHEMES = ("tier", "lifecycle", "rfm_segment", "cn8_segment")  # and "group:<key>" for each member group
VIP_TIERS = ("high_spend", "high_ticket", "loyal")  # the tiers summary_counts calls VIP
STATE_COLUMNS = ["snapshot_date", "customer_id", "state"]
TRANSITION_COLUMNS = ["from_date", "to_date", "from_state", "to_state", "customers"]
_CACHE_VERSION = 1  # part of the cache key: bump when the states SQL changes what it returns


# ---------------------------------------------------------------- snapshot dates


def snapshot_dates(start: date, end: date, every: str) -> list[date]:
    """The snapshot dates in [start, end]: each Sunday ('week') or each month's last day ('month')."""
    if every not in EVERY:
        raise InputError("unknown_every", every=every, choices=", ".join(EVERY))
    if start > end:
        raise InputError("start_after_end", start=start, end=end)
    if every == "week":
        first = start + timedelta(days=(6 - start.weekday()) % 7)  # weekday(): Monday 0 .. Sunday 6
        return [first + timedelta(days=7 * i) for i in range((end - first).days // 7 + 1)] if first <= end else []
    out = []
    year, month = start.year, start.month
    while (last := date(year, month, monthrange(year, month)[1])) <= end:
        if last >= start:
            out.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _clean_dates(dates: Iterable[date]) -> list[date]:
    """Snapshot dates as sorted distinct days (a datetime stands for its day); an empty list is refused."""
    days = sorted({d.date() if isinstance(d, datetime) else d for d in dates})
    if not days:
        raise InputError("no_snapshots")
    return days


# ---------------------------------------------------------------- schemes and their states


def check_scheme(scheme: str) -> str:
    """The scheme if known (tier, lifecycle, rfm_segment, cn8_segment or group:<key>), else InputError."""
    if scheme in SCHEMES or (scheme.startswith("group:") and scheme.removeprefix("group:") in config.GROUP_KEYS):
        return scheme
    choices = ", ".join([*SCHEMES, *(f"group:{key}" for key in config.GROUP_KEYS)])
    raise InputError("unknown_scheme", scheme=scheme, choices=choices)


def state_keys(scheme: str, cfg: TierConfig = DEFAULT_CONFIG) -> list[str]:
    """Every state of a scheme, best first where there is an order, `none` last."""
    check_scheme(scheme)
    if scheme == "tier":
        return [*cfg.tier_order, "regular", "potential", NONE]
    if scheme == "lifecycle":
        return [*tiers.LIFECYCLES, NONE]
    if scheme == "rfm_segment":
        return [*tiers.RFM_SEGMENTS, NONE]
    if scheme == "cn8_segment":
        return [*tiers.CN8_SEGMENTS, NONE]
    return ["in", "out", NONE]


# The state of each scheme as its 1-based position in state_keys(scheme); every customer row has one.
_TIER_CODE = """
case when recency_days is null then case when is_member then 9 else 10 end  -- potential, none
     else coalesce(least(  -- the first of the customer's groups in the tier order ($rank_*: 1-based), else regular
         case when high_spend then $rank_high_spend end,
         case when high_ticket then $rank_high_ticket end,
         case when loyal then $rank_loyal end,
         case when promo_frequent then $rank_promo_frequent end,
         case when promo_chaser then $rank_promo_chaser end,
         case when silent then $rank_silent end,
         case when sleeping then $rank_sleeping end
     ), 8)
end"""
_LIFECYCLE_CODE = """
case when recency_days is null then case when is_member then 1 else 7 end  -- potential, none
     when tenure_days <= $lifecycle_new_days then 2  -- new
     when recency_days > $lifecycle_churned_days then 3  -- churned
     when recency_days > $lifecycle_at_risk_days then 4  -- at_risk
     when purchases_lifecycle >= $lifecycle_loyal_purchases then 5  -- loyal
     else 6  -- active
end"""
_RFM_CODE = """
case when is_scored
     then $rfm_codes[(r_score * 5 + $rfm_bins - 1) // $rfm_bins][(f_score * 5 + $rfm_bins - 1) // $rfm_bins]
     else 11  -- none
end"""
_CN8_CODE = """
case when is_scored
     then 1 + 4 * (not is_m_high)::integer
            + case when is_recent and is_f_high then 0 when is_recent then 1 when is_f_high then 2 else 3 end
     else 9  -- none
end"""
_GROUP_CODE = "case when {flag} then 1 when not {flag} then 2 else 3 end"  # in, out, none (NULL: no promo data)


def _code_sql(scheme: str) -> str:
    """The SQL expression of a scheme's state code over the scored rows (absent customers are handled apart)."""
    if scheme.startswith("group:"):
        return _GROUP_CODE.format(flag=quote_ident(scheme.removeprefix("group:")))
    return {"tier": _TIER_CODE, "lifecycle": _LIFECYCLE_CODE, "rfm_segment": _RFM_CODE, "cn8_segment": _CN8_CODE}[
        scheme
    ]


# ---------------------------------------------------------------- the states SQL


def _idx(day: str) -> str:
    """SQL: the index of the first snapshot on or after `day` (= the number of snapshots before it), 0 .. n."""
    return f"$day_index[least(greatest(({day}) - $first_date, 0), $span + 1) + 1]"


_NEXT = f"case when next_day is null then $n else {_idx('next_day')} end"  # where a version ends

# _COUNTS: seven running counts in two HUGEINTs, 32 bits each (a count never reaches 2^31, and a running count is never
# negative, so sums of packed deltas unpack exactly): counts_a = lines + purchases * 2^32 + frequency * 2^64 +
# purchases_lifecycle * 2^96; counts_b = purchases_recent + orders_w * 2^32 + member rows * 2^64. Two window sums
# instead of seven.
_A_PURCHASES, _A_FREQUENCY, _A_LIFECYCLE = 2**32, 2**64, 2**96
_B_ORDERS_W, _B_MEMBER = 2**32, 2**64

# Snapshot i (0-based) is $dates[i + 1]. A line dated `day` counts from snapshot idx(day) on and leaves an N-day window
# at snapshot idx(day + N) ("within the last N days" is D - N < day <= D). An order is dated by its first day.
_FACTS_CTES = f"""
lines as not materialized (  -- read twice (orders, order_days): scanning again is cheaper than keeping every line
    select customer_id,
           order_id,
           cast(order_date as date) as day,
           amount,
           coalesce(is_promo, false) as is_promo
    from sales
    where dataset_id = $dataset_id
      and cast(order_date as date) <= $last_date
),
orders as (
    select customer_id,
           order_id,
           min(day) as first_day,
           max(day) as last_day,
           cast(sum(amount) as decimal(18, 2)) as amount,
           cast(coalesce(sum(amount) filter (where is_promo), 0) as decimal(18, 2)) as promo_amount
    from lines
    group by customer_id, order_id, case when order_id is null then day end
),
multi_day_orders as (
    select customer_id, order_id
    from orders
    where first_day < last_day  -- only an order with an order_id can have lines on several days
),
order_days as (
    select customer_id,
           order_id,
           day,
           cast(sum(amount) as decimal(18, 2)) as amount,
           cast(coalesce(sum(amount) filter (where is_promo), 0) as decimal(18, 2)) as promo_amount
    from lines
    semi join multi_day_orders using (customer_id, order_id)
    group by customer_id, order_id, day
),
order_versions as (
    -- each day of a multi-day order starts a version: the order's value so far, valid until the order's next day
    select customer_id,
           order_id,
           day,
           min(day) over o as first_day,
           lead(day) over o as next_day,
           amount,
           promo_amount,
           sum(amount) over o > 0 as is_purchase
    from order_days
    window o as (partition by customer_id, order_id order by day)
),
multi_day_events as (
    -- plain: a purchase at every snapshot from its first day on (a version that spans no snapshot does not matter)
    select *,
           bool_and(is_purchase or next_day is not null and {_idx("day")} = {_idx("next_day")})
               over (partition by customer_id, order_id) as is_plain
    from order_versions
),
events as (
    -- one row per order and day with lines: that day's amounts, and the order's version from that day on
    select customer_id,
           first_day as day,
           first_day,
           cast(null as date) as next_day,
           amount,
           promo_amount,
           amount > 0 as is_purchase,
           amount > 0 as is_plain,
           amount > 0 as is_plain_start
    from orders
    where first_day = last_day
    union all
    select customer_id, day, first_day, next_day, amount, promo_amount, is_purchase, is_plain,
           is_plain and day = first_day
    from multi_day_events
),
indexed as (
    select customer_id,
           first_day,
           amount,
           promo_amount,
           is_purchase,
           is_plain,
           is_plain_start,
           -- among plain orders: the customer's next one, which becomes the first purchase in the group window
           -- when this one leaves it
           lead(first_day) over (partition by customer_id, is_plain_start order by first_day) as next_plain_day,
           {_idx("day")} as i_day,
           {_NEXT} as i_next,
           {_idx("day + $rfm_lookback_days")} as i_day_l,
           {_idx("day + $groups_window_days")} as i_day_w,
           {_idx("first_day + $groups_window_days")} as i_first_w,
           -- where the version stops counting as a purchase in each window
           least({_NEXT}, {_idx("first_day + $rfm_lookback_days")}) as i_end_l,
           least({_NEXT}, {_idx("first_day + $lifecycle_loyal_window_days")}) as i_end_lc,
           least({_NEXT}, {_idx("first_day + $silent_recent_days")}) as i_end_r,
           least({_NEXT}, {_idx("first_day + $groups_window_days")}) as i_end_w
    from events
),
deltas as (
    -- +x at the snapshot where a value starts counting, -x where it stops (changes after the last snapshot, index
    -- n, are dropped); every event counts from i_day on, its amounts leave the windows by line date, its purchase by
    -- the order's first day. The seven counts travel packed in two integers (see _COUNTS).
    select customer_id,
           i_day as idx,
           1 + {_A_PURCHASES} * (is_purchase and i_day < i_next)::hugeint
             + {_A_FREQUENCY} * (is_purchase and i_day < i_end_l)::hugeint
             + {_A_LIFECYCLE} * (is_purchase and i_day < i_end_lc)::hugeint as d_counts_a,
           (is_purchase and i_day < i_end_r)::hugeint
             + {_B_ORDERS_W} * (is_purchase and i_day < i_end_w)::hugeint as d_counts_b,
           case when i_day < i_day_l then amount else 0 end as d_monetary,
           case when i_day < i_day_w then amount else 0 end as d_spend_w,
           case when i_day < i_day_w then promo_amount else 0 end as d_promo_w,
           case when is_plain_start then first_day end as plain_day
    from indexed
    union all by name
    select customer_id, i_next as idx, -{_A_PURCHASES} as d_counts_a
    from indexed
    where is_purchase and i_day < i_next and i_next < $n
    union all by name
    select customer_id, i_end_l as idx, -{_A_FREQUENCY} as d_counts_a
    from indexed
    where is_purchase and i_day < i_end_l and i_end_l < $n
    union all by name
    select customer_id, i_end_lc as idx, -{_A_LIFECYCLE} as d_counts_a
    from indexed
    where is_purchase and i_day < i_end_lc and i_end_lc < $n
    union all by name
    select customer_id, i_end_r as idx, -1 as d_counts_b
    from indexed
    where is_purchase and i_day < i_end_r and i_end_r < $n
    union all by name
    select customer_id, i_end_w as idx, -{_B_ORDERS_W} as d_counts_b
    from indexed
    where is_purchase and i_day < i_end_w and i_end_w < $n
    union all by name
    select customer_id, i_day_l as idx, -amount as d_monetary
    from indexed
    where i_day < i_day_l and i_day_l < $n
    union all by name
    select customer_id, i_day_w as idx, -amount as d_spend_w, -promo_amount as d_promo_w
    from indexed
    where i_day < i_day_w and i_day_w < $n
    union all by name
    -- a plain order leaving the group window: the next one becomes the first purchase in it
    select customer_id, i_first_w as idx, next_plain_day
    from indexed
    where is_plain_start and next_plain_day is not null and i_first_w < $n
),
irregular_days as (
    -- orders that stop being a purchase at a later snapshot (a refund on a later day): where they are one, one by one
    select customer_id,
           unnest(range(i_day, i_next)) as idx,
           first_day
    from indexed
    where is_purchase and not is_plain and i_day < i_next
),
member_rows as (
    select customer_id,
           case when bool_or(join_date is null) then 0 else min({_idx("join_date")}) end as idx
    from members
    where dataset_id = $dataset_id
    group by customer_id
),
changes as (
    select customer_id,
           idx,
           sum(d_counts_a) as d_counts_a,
           sum(d_counts_b) as d_counts_b,
           cast(sum(d_monetary) as decimal(18, 2)) as d_monetary,
           cast(sum(d_spend_w) as decimal(18, 2)) as d_spend_w,
           cast(sum(d_promo_w) as decimal(18, 2)) as d_promo_w,
           max(plain_day) as plain_last,
           min(plain_day) as plain_first,
           max(next_plain_day) as plain_next_w,
           max(irregular_day) as irregular_last,
           min(irregular_day) as irregular_first,
           min(irregular_day) filter (where irregular_day > $dates[idx + 1] - $groups_window_days)
               as irregular_first_w
    from (
        select *
        from deltas
        union all by name
        select customer_id, idx, {_B_MEMBER} as d_counts_b
        from member_rows
        where idx < $n
        union all by name
        select customer_id, idx, first_day as irregular_day
        from irregular_days
    )
    group by customer_id, idx
),
sparse as materialized (
    -- running totals: the customer's values from snapshot idx up to next_idx (exclusive)
    select customer_id,
           idx,
           lead(idx, 1, $n) over w as next_idx,
           lag(idx) over w is null as is_first,
           sum(d_counts_a) over w as counts_a,
           sum(d_counts_b) over w as counts_b,
           cast(sum(d_monetary) over w as decimal(18, 2)) as monetary,
           cast(sum(d_spend_w) over w as decimal(18, 2)) as spend_w,
           cast(sum(d_promo_w) over w as decimal(18, 2)) as promo_spend_w,
           max(plain_last) over w as plain_last,
           min(plain_first) over w as plain_first,
           max(plain_next_w) over w as plain_next_w,
           irregular_last,  -- these three hold at snapshot idx only: every such snapshot has its own row
           irregular_first,
           irregular_first_w
    from changes
    window w as (partition by customer_id order by idx rows between unbounded preceding and current row)
),
unpacked as not materialized (
    select * exclude (counts_a, counts_b),
           counts_a % {_A_PURCHASES} > 0 as has_lines,
           cast((counts_a // {_A_PURCHASES}) % {_A_PURCHASES} as integer) as purchases,
           cast((counts_a // {_A_FREQUENCY}) % {_A_PURCHASES} as integer) as frequency,
           cast(counts_a // {_A_LIFECYCLE} as integer) as purchases_lifecycle,
           cast(counts_b % {_B_ORDERS_W} as integer) as purchases_recent,
           cast((counts_b // {_B_ORDERS_W}) % {_B_ORDERS_W} as integer) as orders_w,
           counts_b // {_B_MEMBER} > 0 as is_member
    from sparse
),
dense as not materialized (
    select * exclude (idx, next_idx, is_first), unnest(range(idx, next_idx)) as idx
    from unpacked
    union all by name
    -- the snapshots before a customer's first change: nothing yet
    select customer_id, unnest(range(0, idx)) as idx
    from sparse
    where is_first and idx > 0
),
customers as not materialized (
    select idx,
           customer_id,
           coalesce(has_lines or is_member, false) as is_present,
           coalesce(is_member, false) as is_member,
           cast($dates[idx + 1] - greatest(plain_last, irregular_last) as integer) as recency_days,
           cast($dates[idx + 1] - least(plain_first, irregular_first) as integer) as tenure_days,
           coalesce(purchases, 0) as purchases,
           coalesce(frequency, 0) as frequency,
           coalesce(purchases_lifecycle, 0) as purchases_lifecycle,
           coalesce(purchases_recent, 0) as purchases_recent,
           coalesce(orders_w, 0) as orders_w,
           -- plain orders: the oldest one not yet out of the window, if it is in it
           cast($dates[idx + 1] - least(
               case when coalesce(plain_next_w, plain_first) > $dates[idx + 1] - $groups_window_days
                     and coalesce(plain_next_w, plain_first) <= $dates[idx + 1]
                    then coalesce(plain_next_w, plain_first) end,
               irregular_first_w) as integer) as first_w_age,
           coalesce(monetary, 0) as monetary,
           coalesce(spend_w, 0) as spend_w,
           coalesce(promo_spend_w, 0) as promo_spend_w
    from dense
)"""

# The tier rules of segcore.tiers for every snapshot at once: population statistics and cut points per snapshot idx.
# RANK() (ties share the smallest rank) through cut points: score >= s <=> the value passes the c-th smallest value
# (c-th largest for recency), c = ceil((s - 1) * n / k); "top m" <=> value >= the m-th largest; "bottom m" <=> value
# <= the m-th smallest. percentile_disc(q) is the ceil(q * n)-th value in its order, computed exactly for a DECIMAL q.
# {r_score}, {f_score}, {m_score}: 1 + the number of cut points passed (see _score_sql).
_SCORING_CTES = """
populations as not materialized (
    select *,
           frequency >= 1 as is_scored,
           orders_w >= 1 and spend_w > 0 as in_p,
           $has_promo and orders_w >= 1 and promo_spend_w > 0 as in_q
    from customers
),
cuts as (
    select idx,
           count(*) filter (where is_scored) as n_scored,
           sum(recency_days) filter (where is_scored) as sum_recency,
           sum(frequency) filter (where is_scored) as sum_frequency,
           sum(monetary) filter (where is_scored) as sum_monetary,
           percentile_disc($rfm_quantiles) within group (order by recency_days desc) filter (where is_scored)
               as r_cuts,
           percentile_disc($rfm_quantiles) within group (order by frequency) filter (where is_scored) as f_cuts,
           percentile_disc($rfm_quantiles) within group (order by monetary) filter (where is_scored) as m_cuts,
           -- high_ticket: aov_w >= factor * (spend over P / orders over P), cross-multiplied; the bar is factor * spend
           $high_ticket_factor * coalesce(sum(spend_w) filter (where in_p), 0) as ticket_bar,
           coalesce(cast(sum(orders_w) filter (where in_p) as bigint), 0) as p_orders,
           percentile_disc([$high_spend_share, $loyal_share]) within group (order by spend_w desc) filter (where in_p)
               as spend_cuts,  -- high_spend, loyal
           percentile_disc($promo_frequent_share) within group (order by promo_spend_w desc) filter (where in_q)
               as promo_frequent_cut,
           percentile_disc($promo_chaser_share) within group (order by promo_spend_w) filter (where in_q)
               as promo_chaser_cut
    from populations
    group by idx
),
scored as (
    select populations.*,
           case when is_scored then {r_score} end as r_score,
           case when is_scored then {f_score} end as f_score,
           recency_days * n_scored < sum_recency as is_recent,
           frequency * n_scored > sum_frequency as is_f_high,
           monetary * n_scored > sum_monetary as is_m_high,
           -- each group's test only where it can hold (CASE skips the rest): same values as segcore.tiers
           case when in_p then spend_w >= high_spend_cut else false end as high_spend,
           case when in_p then spend_w * p_orders >= ticket_bar * orders_w else false end as high_ticket,
           case when in_p and orders_w >= $loyal_min_orders and recency_days <= $loyal_max_recency_days
                then spend_w >= loyal_spend_cut
                     and first_w_age - recency_days <= $loyal_max_gap_days * (orders_w - 1)
                else false
           end as loyal,
           case when $has_promo then case when in_q then promo_spend_w >= promo_frequent_cut else false end
           end as promo_frequent,
           case when $has_promo
                then case when in_q and promo_spend_w <= promo_chaser_cut
                          then promo_spend_w >= $promo_chaser_min_promo_share * spend_w
                          else false
                     end
           end as promo_chaser,
           case when recency_days <= $sleeping_days and tenure_days >= $silent_min_tenure_days
                then purchases_recent * tenure_days < $silent_rate * purchases  -- silent_ratio * silent_recent_days
                else false
           end as silent,
           coalesce(recency_days > $sleeping_days, false) as sleeping
    from populations
    join (select * exclude (spend_cuts), spend_cuts[1] as high_spend_cut, spend_cuts[2] as loyal_spend_cut from cuts)
        using (idx)
),
states as (
    -- the state code: the position in state_keys(scheme); `none` (the last) for a customer absent at the snapshot
    select idx,
           customer_id,
           case when is_present then {code} else $none_code end as code
    from scored
)"""

# Transitions from `states` (idx, customer_id, code; every customer at every snapshot). Each customer's codes are
# packed 4 bits each into 128-bit integers, chunk j holding snapshots 31j .. 31j + 31 (31 transitions); customers
# with the same sequence are counted together, then every step of each distinct sequence gives one pair.
# {chunk_columns}: one packed column per chunk (_transitions_sql).
_TRANSITION_CTES = """
packed as (
    select {chunk_columns}
    from states
    group by customer_id
),
sequences as (
    select *, count(*) as customers
    from packed
    group by all
),
steps as (
    select customers,
           step,
           [{chunk_list}][step // 31 + 1] >> cast(4 * (step % 31) as uhugeint) as shifted
    from (select *, unnest(range(0, $n - 1)) as step from sequences)
),
counted as (
    select step,
           cast(shifted & 15 as integer) as from_code,
           cast((shifted >> 4) & 15 as integer) as to_code,
           sum(customers) as customers
    from steps
    group by all
),
final as (
    select $dates[step + 1] as from_date,
           $dates[step + 2] as to_date,
           $state_keys[from_code] as from_state,
           $state_keys[to_code] as to_state,
           cast(customers as bigint) as customers
    from counted
)
select * from final
order by from_date, from_state, to_state
"""

_VALUES_SQL = (
    "with"
    + _FACTS_CTES
    + """
select $dates[idx + 1] as snapshot_date,
       customer_id,
       is_member,
       recency_days,
       tenure_days,
       purchases,
       frequency,
       purchases_lifecycle,
       purchases_recent,
       orders_w,
       first_w_age,
       monetary,
       spend_w,
       promo_spend_w
from customers
where is_present
order by snapshot_date, customer_id
"""
)

_STATES_OUT = """
select $dates[idx + 1] as snapshot_date, customer_id, $state_keys[code] as state
from states
order by snapshot_date, customer_id
"""

# the same for some customers only (the population statistics still take everyone)
_SOME_STATES_OUT = """
select $dates[idx + 1] as snapshot_date, customer_id, $state_keys[code] as state
from states
where customer_id in (select unnest($customer_ids))
order by snapshot_date, customer_id
"""

_CACHE_DDL = """
create table if not exists migration_cache (
    dataset_id varchar not null,
    key varchar not null,
    snapshot_date date not null,
    customer_id varchar not null,
    state varchar not null
)
"""

_CACHE_INSERT = """
insert into migration_cache
select $dataset_id, $key, $dates[idx + 1], customer_id, $state_keys[code]
from states
"""

_CACHED_STATES_SQL = """
select snapshot_date, customer_id, state
from migration_cache
where dataset_id = $dataset_id
  and key = $key
order by snapshot_date, customer_id
"""

_CACHED_CODES = f"""
with states as (
    select {_idx("snapshot_date")} as idx, customer_id, list_position($state_keys, state) as code
    from migration_cache
    where dataset_id = $dataset_id
      and key = $key
),"""

_DATA_VERSION_SQL = """
select count(*), max(loaded_at)
from loads
where dataset_id = $dataset_id
"""


def _score_sql(cuts: str, test: str, bins: int) -> str:
    """SQL for 1 + the number of the k - 1 cut points in list `cuts` that pass `test` ("{cut}" marks the cut)."""
    return "1 + " + " + ".join(f"({test.replace('{cut}', f'{cuts}[{j}]')})::integer" for j in range(1, bins))


@functools.lru_cache(maxsize=64)
def _states_ctes(scheme: str, bins: int) -> str:
    """`with ... states as (...)`: the facts, the tier rules and the scheme's state code, for k = bins."""
    scoring = _SCORING_CTES.format(
        r_score=_score_sql("r_cuts", "{cut} > recency_days", bins),
        f_score=_score_sql("f_cuts", "{cut} < frequency", bins),
        code=_code_sql(scheme).strip().replace("\n", "\n                "),
    )
    return "with" + _FACTS_CTES + "," + scoring


def _transitions_sql(n: int) -> str:
    """The transition CTEs and final select for n snapshots (n >= 2)."""
    chunks = (n - 2) // 31 + 1
    columns = ",\n           ".join(
        f"bit_or(case when idx between {31 * j} and {31 * j + 31}"
        f" then cast(code as uhugeint) << cast(4 * (idx - {31 * j}) as uhugeint) else 0 end) as c{j}"
        for j in range(chunks)
    )
    return _TRANSITION_CTES.format(chunk_columns=columns, chunk_list=", ".join(f"c{j}" for j in range(chunks)))


def _config_params(cfg: TierConfig) -> dict[str, Any]:
    """The config as bound parameters, as segcore.tiers binds them: fractions as exact 6-place decimals."""
    problems = config.validate(cfg)
    if problems:
        raise ValueError("invalid tier config: " + ", ".join(f"{p.field} ({p.code})" for p in problems))
    params: dict[str, Any] = {}
    for name, value in vars(cfg).items():
        if isinstance(value, float):
            params[name] = Decimal(repr(value)).quantize(Decimal("0.000001"))
        elif isinstance(value, tuple):
            params[name] = list(value)
        else:
            params[name] = value
    # c_s = ceil((s - 1) * n / k) as the quantile (s - 1) / k, rounded down at 20 places: ceil(q * n) is the same for
    # every n below 10^18 (the error n * 1e-20 stays below the gap of at least 1/k to the next integer)
    k = Decimal(cfg.rfm_bins)
    step = Decimal(10) ** -20
    params["rfm_quantiles"] = [(Decimal(s - 1) / k).quantize(step, ROUND_FLOOR) for s in range(2, cfg.rfm_bins + 1)]
    params["rfm_codes"] = [[tiers.RFM_SEGMENTS.index(cell) + 1 for cell in row] for row in tiers.RFM_GRID]
    params |= {f"rank_{group}": rank for rank, group in enumerate(cfg.tier_order, start=1)}
    params["silent_rate"] = params["silent_ratio"] * cfg.silent_recent_days  # exact: a decimal times an integer
    return params


def _index_params(days: list[date]) -> dict[str, Any]:
    """The snapshot dates and _idx()'s lookup: day_index[k + 1] = the number of snapshots before first + k days."""
    first, last = days[0], days[-1]
    span = (last - first).days
    day_index, before = [], 0
    for k in range(span + 2):
        while before < len(days) and (days[before] - first).days < k:
            before += 1
        day_index.append(before)
    return {"dates": days, "n": len(days), "first_date": first, "span": span, "day_index": day_index}


def _states_params(
    con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierConfig, scheme: str
) -> dict[str, Any]:
    """Every bound parameter of the states CTEs (and of their outputs)."""
    keys = state_keys(scheme, cfg)
    return {
        **_config_params(cfg),
        **_index_params(days),
        "dataset_id": dataset_id,
        "last_date": days[-1],
        "has_promo": tiers.has_promo(con, dataset_id),
        "state_keys": keys,
        "none_code": len(keys),
    }


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Execute with the parameters the SQL names (a scheme's query uses only some; DuckDB refuses extra ones)."""
    names = set(re.findall(r"\$([a-z_]+)", sql))
    return con.execute(sql, {name: value for name, value in params.items() if name in names})


def snapshot_states(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierConfig = DEFAULT_CONFIG,
    scheme: str = "tier",
    customer_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """(snapshot_date, customer_id, state) at every snapshot, for all seen by any snapshot or just `customer_ids`."""
    days = _clean_dates(dates)
    params = _states_params(con, dataset_id, days, cfg, scheme)
    if customer_ids is None:
        return _run(con, _states_ctes(check_scheme(scheme), cfg.rfm_bins) + _STATES_OUT, params).df()
    sql = _states_ctes(check_scheme(scheme), cfg.rfm_bins) + _SOME_STATES_OUT
    return _run(con, sql, {**params, "customer_ids": list(customer_ids)}).df()


def snapshot_values(
    con: duckdb.DuckDBPyConnection, dataset_id: str, dates: Iterable[date], cfg: TierConfig = DEFAULT_CONFIG
) -> pd.DataFrame:
    """The values behind the states (counts, sums, days since purchases) per snapshot, for the customers present."""
    days = _clean_dates(dates)
    return _run(con, _VALUES_SQL, _states_params(con, dataset_id, days, cfg, "tier")).df()


def transition_table(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierConfig = DEFAULT_CONFIG,
    scheme: str = "tier",
) -> pd.DataFrame:
    """transitions(snapshot_states(...)), computed inside DuckDB without fetching the states."""
    days = _clean_dates(dates)
    check_scheme(scheme)
    if len(days) < 2:
        return _empty_transitions()
    sql = _states_ctes(scheme, cfg.rfm_bins) + "," + _transitions_sql(len(days))
    return _run(con, sql, _states_params(con, dataset_id, days, cfg, scheme)).df()


# ---------------------------------------------------------------- the cache


def _cache_key(con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierConfig, scheme: str) -> str:
    """A hash of everything the states depend on: dates, scheme, config, the dataset's loads, the engine version."""
    loads, last_load = con.execute(_DATA_VERSION_SQL, {"dataset_id": dataset_id}).fetchall()[0]
    recipe = {
        "version": _CACHE_VERSION,
        "dates": [d.isoformat() for d in days],
        "scheme": scheme,
        "config": config.to_toml(cfg),
        "data": [loads, str(last_load)],
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:32]


def _ensure_cached(
    con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierConfig, scheme: str
) -> str:
    """The cache key of these states; computes and stores them first (dropping the dataset's older keys) if needed."""
    con.execute(_CACHE_DDL)
    key = _cache_key(con, dataset_id, days, cfg, scheme)
    params = {"dataset_id": dataset_id, "key": key}
    found = con.execute("select count(*) from migration_cache where dataset_id = $dataset_id and key = $key", params)
    if found.fetchall()[0][0]:
        return key
    sql = _states_ctes(scheme, cfg.rfm_bins) + _CACHE_INSERT
    con.execute("begin transaction")
    try:
        con.execute("delete from migration_cache where dataset_id = $dataset_id", {"dataset_id": dataset_id})
        _run(con, sql, {**_states_params(con, dataset_id, days, cfg, scheme), "key": key})
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return key


def cached_states(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierConfig = DEFAULT_CONFIG,
    scheme: str = "tier",
) -> pd.DataFrame:
    """snapshot_states, kept in the workspace (migration_cache) until the data, config, dates or scheme change."""
    days = _clean_dates(dates)
    key = _ensure_cached(con, dataset_id, days, cfg, check_scheme(scheme))
    return con.execute(_CACHED_STATES_SQL, {"dataset_id": dataset_id, "key": key}).df()


def cached_transitions(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierConfig = DEFAULT_CONFIG,
    scheme: str = "tier",
) -> pd.DataFrame:
    """transition_table over the cached states (computing and caching them first if needed)."""
    days = _clean_dates(dates)
    key = _ensure_cached(con, dataset_id, days, cfg, check_scheme(scheme))
    if len(days) < 2:
        return _empty_transitions()
    params = {**_index_params(days), "dataset_id": dataset_id, "key": key, "state_keys": state_keys(scheme, cfg)}
    return _run(con, _CACHED_CODES + _transitions_sql(len(days)), params).df()


# ---------------------------------------------------------------- transitions in pandas


def _empty_transitions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "from_date": pd.Series(dtype="datetime64[us]"),
            "to_date": pd.Series(dtype="datetime64[us]"),
            "from_state": pd.Series(dtype=object),
            "to_state": pd.Series(dtype=object),
            "customers": pd.Series(dtype="int64"),
        }
    )


def _day(value: date) -> pd.Timestamp:
    return pd.Timestamp(value.date() if isinstance(value, datetime) else value)


def _pair_counts(states: pd.DataFrame, pairs: Sequence[tuple[pd.Timestamp, pd.Timestamp]]) -> pd.DataFrame:
    """Customers per (from_date, to_date, from_state, to_state) for these pairs of snapshot dates; counts > 0."""
    by_date = {day: frame.set_index("customer_id")["state"] for day, frame in states.groupby("snapshot_date")}
    frames = []
    for first, second in pairs:
        joined = pd.concat([by_date[first], by_date[second]], axis=1, keys=["from_state", "to_state"], join="inner")
        counts = joined.value_counts().rename("customers").reset_index()
        counts.insert(0, "to_date", second)
        counts.insert(0, "from_date", first)
        frames.append(counts)
    if not frames:
        return _empty_transitions()
    out = pd.concat(frames, ignore_index=True)[TRANSITION_COLUMNS]
    out["customers"] = out["customers"].astype("int64")
    return out.sort_values(["from_date", "from_state", "to_state"], ignore_index=True)


def transitions(states: pd.DataFrame) -> pd.DataFrame:
    """Customers per (from_date, to_date, from_state, to_state) between consecutive snapshots; counts > 0, sorted."""
    days = sorted(states["snapshot_date"].unique())
    return _pair_counts(states, list(itertools.pairwise(days)))


def transitions_between(states: pd.DataFrame, d1: date, d2: date) -> pd.DataFrame:
    """transitions() rows for any two snapshot dates of `states`: customers in each state at d1, by state at d2."""
    first, second = _day(d1), _day(d2)
    known = set(states["snapshot_date"].unique())
    missing = [str(day.date()) for day in (first, second) if day not in known]
    if missing:
        raise ValueError(f"not a snapshot date of these states: {', '.join(missing)}")
    return _pair_counts(states, [(first, second)])


def movers(states: pd.DataFrame, d1: date, d2: date, from_state: str, to_state: str) -> list[str]:
    """The customers in from_state at d1 and in to_state at d2, sorted."""
    before = states[(states["snapshot_date"] == _day(d1)) & (states["state"] == from_state)]["customer_id"]
    after = states[(states["snapshot_date"] == _day(d2)) & (states["state"] == to_state)]["customer_id"]
    return sorted(set(before) & set(after))


def direction(from_state: str, to_state: str, cfg: TierConfig = DEFAULT_CONFIG) -> str:
    """'up', 'down' or 'same' between two tier states, ranked cfg.tier_order, regular, potential, none (best first)."""
    order = state_keys("tier", cfg)
    for state in (from_state, to_state):
        if state not in order:
            raise ValueError(f"{state!r} is not a tier state: direction() compares tiers")
    before, after = order.index(from_state), order.index(to_state)
    return "same" if before == after else ("up" if after < before else "down")


def net_flow(transitions: pd.DataFrame) -> pd.DataFrame:
    """Per (to_date, state): customers who came from another state, who left for another, and inflow - outflow."""
    moved = transitions[transitions["from_state"] != transitions["to_state"]]
    inflow = moved.groupby(["to_date", "to_state"])["customers"].sum().rename_axis(["to_date", "state"])
    outflow = moved.groupby(["to_date", "from_state"])["customers"].sum().rename_axis(["to_date", "state"])
    seen = pd.concat(
        [
            transitions[["to_date", "from_state"]].set_axis(["to_date", "state"], axis=1),
            transitions[["to_date", "to_state"]].set_axis(["to_date", "state"], axis=1),
        ]
    )
    index = pd.MultiIndex.from_frame(seen.drop_duplicates().sort_values(["to_date", "state"]))
    out = pd.DataFrame(
        {"inflow": inflow.reindex(index, fill_value=0), "outflow": outflow.reindex(index, fill_value=0)}
    ).astype("int64")
    out["net"] = out["inflow"] - out["outflow"]
    return out.reset_index()


def summary_counts(transitions: pd.DataFrame, cfg: TierConfig = DEFAULT_CONFIG) -> dict[str, int]:
    """For one period of tier transitions: customers who moved up, down, stayed, and went from a VIP tier to silent."""
    if len(transitions[["from_date", "to_date"]].drop_duplicates()) > 1:
        raise ValueError("summary_counts() takes the transitions of one period (one from_date and to_date)")
    out = {"up": 0, "down": 0, "same": 0, "vip_to_silent": 0}
    rows = zip(transitions["from_state"], transitions["to_state"], transitions["customers"], strict=True)
    for before, after, customers in rows:
        out[direction(str(before), str(after), cfg)] += int(customers)
        if before in VIP_TIERS and after == "silent":
            out["vip_to_silent"] += int(customers)
    return out
