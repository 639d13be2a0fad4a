"""The many-dates case of the tier engine: every customer's facts and state at a series of snapshot dates.

The facts are built incrementally (the contract of segcore.engine.facts): a customer's values (purchase counts and
spend sums in each window, last and first purchase, membership) change only at a few snapshots: where an order or a
line starts counting, or leaves a window. The query lists those changes as deltas at snapshot indexes, sums them per
(customer, snapshot index), takes running totals with one window over these sparse rows and expands them to one row
per (snapshot, customer). The rules of segcore.engine.rules then run over all snapshots at once, with population
statistics and cut points per snapshot: the same SQL as the one-date tier table (a property test checks that every
snapshot equals tier_table at that date). Transitions pack each customer's states into 4-bit codes and count pairs.

Where the spec is silent:
- A customer's state at D is exactly tier_table's value as of D for the scheme ('in' / 'out' for `group:<key>`), or
  `none` where tier_table has no row for the customer (no sales line on or before D and not a member yet) or a NULL
  value: no purchase yet and not a member (tier, lifecycle); unscored, i.e. no purchase within the RFM lookback
  (rfm_segment, cn8_segment: members without purchases are `none` there, not `potential`); a promo group without
  promo data in the dataset.
- Every customer who is in tier_table at any snapshot has a state at every snapshot, so transitions conserve customers.

The facts builder is DuckDB's (lists of snapshot indexes, 128-bit packed counters); the rules are portable SQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from segcore import tier_rules
from segcore.engine.one_date import decode, has_promo, output_columns
from segcore.engine.orders import order_days_ctes
from segcore.engine.rules import rule_params, rules_ctes
from segcore.engine.run import arrow, frame, run
from segcore.errors import InputError
from segcore.keys import CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS, SEGMENT_KEY_COLUMNS
from segcore.sql import NO_EXTENSIONS, quote_ident, transaction
from segcore.tier_rules import DEFAULT_RULES, TierRules

__all__ = [
    "NONE",
    "SCHEMES",
    "STATE_COLUMNS",
    "TRANSITION_COLUMNS",
    "cached_states",
    "cached_transitions",
    "check_scheme",
    "clean_dates",
    "empty_transitions",
    "ensure_cached",
    "snapshot_states",
    "snapshot_tables",
    "snapshot_values",
    "state_keys",
    "states_of_tier_tables",
    "transition_table",
]

NONE = "none"
SCHEMES = SEGMENT_KEY_COLUMNS  # and "group:<key>" for each member group
STATE_COLUMNS = ["snapshot_date", "customer_id", "state"]
TRANSITION_COLUMNS = ["from_date", "to_date", "from_state", "to_state", "customers"]
_CACHE_VERSION = 3  # part of the cache key: bump when the states SQL changes what it returns


def clean_dates(dates: Iterable[date]) -> list[date]:
    """Snapshot dates as sorted distinct days (a datetime stands for its day); an empty list is refused."""
    days = sorted({d.date() if isinstance(d, datetime) else d for d in dates})
    if not days:
        raise InputError("no_snapshots")
    return days


def check_scheme(scheme: str) -> str:
    """The scheme if known (tier, lifecycle, rfm_segment, cn8_segment or group:<key>), else InputError."""
    if scheme in SCHEMES or (scheme.startswith("group:") and scheme.removeprefix("group:") in GROUP_KEYS):
        return scheme
    choices = ", ".join([*SCHEMES, *(f"group:{key}" for key in GROUP_KEYS)])
    raise InputError("unknown_scheme", scheme=scheme, choices=choices)


def state_keys(scheme: str, cfg: TierRules = DEFAULT_RULES) -> list[str]:
    """Every state of a scheme, best first where there is an order, `none` last."""
    check_scheme(scheme)
    if scheme == "tier":
        return [*cfg.tier_order, "regular", "potential", NONE]
    if scheme == "lifecycle":
        return [*LIFECYCLES, NONE]
    if scheme == "rfm_segment":
        return [*RFM_SEGMENTS, NONE]
    if scheme == "cn8_segment":
        return [*CN8_SEGMENTS, NONE]
    return ["in", "out", NONE]


# The state of each scheme as its 1-based position in state_keys(scheme): the rules' coded columns are positions in
# the same key lists, NULL (and an absent customer) is `none`, the last state.
_SCHEME_CODES = {
    "tier": "tier_code",
    "lifecycle": "lifecycle_code",
    "rfm_segment": "rfm_code",
    "cn8_segment": "cn8_code",
}


def _code_sql(scheme: str) -> str:
    """The SQL expression of a scheme's state code over the ruled rows (absent customers are handled apart)."""
    if scheme.startswith("group:"):
        flag = quote_ident(scheme.removeprefix("group:"))
        return f"case when {flag} then 1 when not {flag} then 2 else 3 end"  # in, out, none (no promo data)
    return f"coalesce({_SCHEME_CODES[scheme]}, $none_code)"


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
_MASK = 2**32 - 1

# Snapshot i (0-based) is $dates[i + 1]. A line dated `day` counts from snapshot idx(day) on and leaves an N-day window
# at snapshot idx(day + N) ("within the last N days" is D - N < day <= D). An order is dated by its first day.
_FACTS_CTES = f"""
history_keys as (
    -- every customer as a dense integer key: the windows and groupings below key on it, not on the text id
    select customer_id, row_number() over () as customer_key
    from (
        select customer_id
        from order_days
        where dataset_id = $dataset_id
          and day <= $last_date
        union
        select customer_id
        from members
        where dataset_id = $dataset_id
    )
),
keyed_days as (
    select k.customer_key, d.order_id, d.day, d.is_single_day, d.amount, d.promo_amount
    from order_days as d
    join history_keys as k
        on k.customer_id = d.customer_id
    where d.dataset_id = $dataset_id
      and d.day <= $last_date
),
single_day_orders as (
    select customer_key, day, amount, promo_amount
    from keyed_days
    where is_single_day
),
multi_day_rows as (
    select customer_key, order_id, day, amount, promo_amount
    from keyed_days
    where not is_single_day
),
order_versions as (
    -- each day of a multi-day order starts a version: the order's value so far, valid until the order's next day
    select customer_key,
           order_id,
           day,
           min(day) over o as first_day,
           lead(day) over o as next_day,
           amount,
           promo_amount,
           sum(amount) over o > 0 as is_purchase
    from multi_day_rows
    window o as (partition by customer_key, order_id order by day)
),
multi_day_events as (
    -- plain: a purchase at every snapshot from its first day on (a version that spans no snapshot does not matter)
    select *,
           bool_and(is_purchase or next_day is not null and {_idx("day")} = {_idx("next_day")})
               over (partition by customer_key, order_id) as is_plain
    from order_versions
),
events as (
    -- one row per order and day with lines: that day's amounts, and the order's version from that day on
    select customer_key,
           day,
           day as first_day,
           cast(null as date) as next_day,
           amount,
           promo_amount,
           amount > 0 as is_purchase,
           amount > 0 as is_plain,
           amount > 0 as is_plain_start
    from single_day_orders
    union all
    select customer_key, day, first_day, next_day, amount, promo_amount, is_purchase, is_plain,
           is_plain and day = first_day
    from multi_day_events
),
indexed as (
    select customer_key,
           first_day,
           amount,
           promo_amount,
           is_purchase,
           is_plain,
           is_plain_start,
           -- among plain orders: the customer's next one, which becomes the first purchase in the group window
           -- when this one leaves it
           lead(first_day) over (partition by customer_key, is_plain_start order by first_day) as next_plain_day,
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
    select customer_key,
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
    select customer_key, i_next as idx, -{_A_PURCHASES} as d_counts_a
    from indexed
    where is_purchase and i_day < i_next and i_next < $n
    union all by name
    select customer_key, i_end_l as idx, -{_A_FREQUENCY} as d_counts_a
    from indexed
    where is_purchase and i_day < i_end_l and i_end_l < $n
    union all by name
    select customer_key, i_end_lc as idx, -{_A_LIFECYCLE} as d_counts_a
    from indexed
    where is_purchase and i_day < i_end_lc and i_end_lc < $n
    union all by name
    select customer_key, i_end_r as idx, -1 as d_counts_b
    from indexed
    where is_purchase and i_day < i_end_r and i_end_r < $n
    union all by name
    select customer_key, i_end_w as idx, -{_B_ORDERS_W} as d_counts_b
    from indexed
    where is_purchase and i_day < i_end_w and i_end_w < $n
    union all by name
    select customer_key, i_day_l as idx, -amount as d_monetary
    from indexed
    where i_day < i_day_l and i_day_l < $n
    union all by name
    select customer_key, i_day_w as idx, -amount as d_spend_w, -promo_amount as d_promo_w
    from indexed
    where i_day < i_day_w and i_day_w < $n
    union all by name
    -- a plain order leaving the group window: the next one becomes the first purchase in it
    select customer_key, i_first_w as idx, next_plain_day
    from indexed
    where is_plain_start and next_plain_day is not null and i_first_w < $n
),
irregular_days as (
    -- orders that stop being a purchase at a later snapshot (a refund on a later day): where they are one, one by one
    select customer_key,
           unnest(range(i_day, i_next)) as idx,
           first_day
    from indexed
    where is_purchase and not is_plain and i_day < i_next
),
member_rows as (
    select k.customer_key,
           case when bool_or(m.join_date is null) then 0 else min({_idx("m.join_date")}) end as idx
    from members as m
    join history_keys as k
        on k.customer_id = m.customer_id
    where m.dataset_id = $dataset_id
    group by k.customer_key
),
changes as (
    select customer_key,
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
        select customer_key, idx, {_B_MEMBER} as d_counts_b
        from member_rows
        where idx < $n
        union all by name
        select customer_key, idx, first_day as irregular_day
        from irregular_days
    )
    group by customer_key, idx
),
sparse as materialized (
    -- running totals: the customer's values from snapshot idx up to next_idx (exclusive)
    select customer_key,
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
    window w as (partition by customer_key order by idx rows between unbounded preceding and current row)
),
unpacked as not materialized (
    -- shifts and masks, not 128-bit division (which cost a quarter of the query)
    select * exclude (counts_a, counts_b),
           counts_a & {_MASK} > 0 as has_lines,
           cast((counts_a >> 32) & {_MASK} as integer) as purchases,
           cast((counts_a >> 64) & {_MASK} as integer) as frequency,
           cast(counts_a >> 96 as integer) as purchases_lifecycle,
           cast(counts_b & {_MASK} as integer) as purchases_recent,
           cast((counts_b >> 32) & {_MASK} as integer) as orders_w,
           counts_b >> 64 > 0 as is_member
    from sparse
),
dense as not materialized (
    select * exclude (idx, next_idx, is_first), unnest(range(idx, next_idx)) as idx
    from unpacked
    union all by name
    -- the snapshots before a customer's first change: nothing yet
    select customer_key, unnest(range(0, idx)) as idx
    from sparse
    where is_first and idx > 0
),
customers as not materialized (
    select idx,
           customer_key,
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

_STATES_CTE = """,
states as (
    -- the state code: the position in state_keys(scheme); `none` (the last) for a customer absent at the snapshot
    select idx,
           customer_key,
           case when is_present then {code} else $none_code end as code
    from ruled
)"""

# Transitions from `states` (idx, customer_key, code; every customer at every snapshot). Each customer's codes are
# packed 4 bits each into 64-bit integers, chunk j holding snapshots 14j .. 14j + 14 (14 transitions; codes are at
# most 15); customers with the same sequence are counted together, then every step of each distinct sequence gives
# one pair. {chunk_columns}: one packed column per chunk (_transitions_sql).
_STEPS_PER_CHUNK = 14
_TRANSITION_CTES = """
packed as (
    select {chunk_columns}
    from states
    group by customer_key
),
sequences as (
    select *, count(*) as customers
    from packed
    group by all
),
steps as (
    select customers,
           step,
           [{chunk_list}][step // 14 + 1] >> (4 * (step % 14)) as shifted
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
    _FACTS_CTES
    + """
select $dates[idx + 1] as snapshot_date,
       k.customer_id,
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
join history_keys as k using (customer_key)
where is_present
order by snapshot_date, customer_id
"""
)

_STATES_OUT = """
select $dates[idx + 1] as snapshot_date, k.customer_id, $state_keys[code] as state
from states
join history_keys as k using (customer_key)
order by snapshot_date, customer_id
"""

# the same for some customers only (the population statistics still take everyone)
_SOME_STATES_OUT = """
select $dates[idx + 1] as snapshot_date, k.customer_id, $state_keys[code] as state
from states
join history_keys as k using (customer_key)
where k.customer_id in (select unnest($customer_ids))
order by snapshot_date, customer_id
"""


_CACHE_INSERT = """
insert into migration_cache
select $dataset_id, $key, $dates[idx + 1], k.customer_id, $state_keys[code]
from states
join history_keys as k using (customer_key)
"""

_CACHED_STATES_SQL = """
select snapshot_date, customer_id, state
from migration_cache
where dataset_id = $dataset_id
  and key = $key
order by snapshot_date, customer_id
"""

_SOME_CACHED_STATES_SQL = """
select snapshot_date, customer_id, state
from migration_cache
where dataset_id = $dataset_id
  and key = $key
  and customer_id in (select unnest($customer_ids))
order by snapshot_date, customer_id
"""

_CACHED_CODES = f"""
with states as (
    select {_idx("snapshot_date")} as idx, customer_id as customer_key, list_position($state_keys, state) as code
    from migration_cache
    where dataset_id = $dataset_id
      and key = $key
),"""

_DATA_VERSION_SQL = """
select count(*), max(loaded_at)
from loads
where dataset_id = $dataset_id
"""


def _states_ctes(con: duckdb.DuckDBPyConnection, dataset_id: str, scheme: str, cfg: TierRules) -> str:
    """`with ... states as (...)`: the order days, the facts, the tier rules and the scheme's state code."""
    states = _STATES_CTE.replace("{code}", _code_sql(scheme))
    outputs = [scheme.removeprefix("group:")] if scheme.startswith("group:") else [_SCHEME_CODES[scheme]]
    return "with " + order_days_ctes(con, dataset_id) + _FACTS_CTES + rules_ctes(cfg, outputs) + states


def _transitions_sql(n: int) -> str:
    """The transition CTEs and final select for n snapshots (n >= 2)."""
    k = _STEPS_PER_CHUNK
    chunks = (n - 2) // k + 1
    columns = ",\n           ".join(
        f"bit_or(case when idx between {k * j} and {k * j + k}"
        f" then cast(code as bigint) << (4 * (idx - {k * j})) else 0 end) as c{j}"
        for j in range(chunks)
    )
    return _TRANSITION_CTES.format(chunk_columns=columns, chunk_list=", ".join(f"c{j}" for j in range(chunks)))


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
    con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierRules, scheme: str
) -> dict[str, Any]:
    """Every bound parameter of the states CTEs (and of their outputs)."""
    keys = state_keys(scheme, cfg)
    return {
        **rule_params(cfg),
        **_index_params(days),
        "dataset_id": dataset_id,
        "last_date": days[-1],
        "has_promo": has_promo(con, dataset_id),
        "state_keys": keys,
        "none_code": len(keys),
    }


def snapshot_states(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierRules = DEFAULT_RULES,
    scheme: str = "tier",
    customer_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """(snapshot_date, customer_id, state) at every snapshot, for all seen by any snapshot or just `customer_ids`."""
    days = clean_dates(dates)
    params = _states_params(con, dataset_id, days, cfg, scheme)
    if customer_ids is None:
        return run(con, _states_ctes(con, dataset_id, check_scheme(scheme), cfg) + _STATES_OUT, params).df()
    sql = _states_ctes(con, dataset_id, check_scheme(scheme), cfg) + _SOME_STATES_OUT
    return run(con, sql, {**params, "customer_ids": list(customer_ids)}).df()


def snapshot_values(
    con: duckdb.DuckDBPyConnection, dataset_id: str, dates: Iterable[date], cfg: TierRules = DEFAULT_RULES
) -> pd.DataFrame:
    """The values behind the states (counts, sums, days since purchases) per snapshot, for the customers present."""
    days = clean_dates(dates)
    sql = "with " + order_days_ctes(con, dataset_id) + _VALUES_SQL
    return run(con, sql, _states_params(con, dataset_id, days, cfg, "tier")).df()


def transition_table(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierRules = DEFAULT_RULES,
    scheme: str = "tier",
) -> pd.DataFrame:
    """transitions(snapshot_states(...)), computed inside DuckDB without fetching the states."""
    days = clean_dates(dates)
    check_scheme(scheme)
    if len(days) < 2:
        return empty_transitions()
    sql = _states_ctes(con, dataset_id, scheme, cfg) + "," + _transitions_sql(len(days))
    return run(con, sql, _states_params(con, dataset_id, days, cfg, scheme)).df()


# ---------------------------------------------------------------- the cache


def _cache_key(con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierRules, scheme: str) -> str:
    """A hash of everything the states depend on: dates, scheme, config, the dataset's loads, the engine version."""
    loads, last_load = con.execute(_DATA_VERSION_SQL, {"dataset_id": dataset_id}).fetchall()[0]
    recipe = {
        "version": _CACHE_VERSION,
        "dates": [d.isoformat() for d in days],
        "scheme": scheme,
        "config": tier_rules.to_toml(cfg),
        "data": [loads, str(last_load)],
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:32]


_KEPT_KEYS = 3  # states kept per dataset: e.g. the migration page's weekly and monthly states and the month-ends

_EVICT_SQL = """
delete from migration_cache
where dataset_id = $dataset_id
  and key not in (
      select key
      from migration_cache_keys
      where dataset_id = $dataset_id
      order by seq desc
      limit $kept
  )
"""


_NEW_KEY_SQL = """
insert into migration_cache_keys
select $dataset_id, $key, coalesce(max(seq), 0) + 1
from migration_cache_keys
where dataset_id = $dataset_id
"""


def ensure_cached(
    con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierRules, scheme: str
) -> str:
    """The cache key of these states; computes and stores them first if needed (the dataset keeps its last
    _KEPT_KEYS sets of states)."""
    key = _cache_key(con, dataset_id, days, cfg, scheme)
    params = {"dataset_id": dataset_id, "key": key}
    found = con.execute(
        "select count(*) from migration_cache_keys where dataset_id = $dataset_id and key = $key", params
    )
    if found.fetchall()[0][0]:
        return key
    sql = _states_ctes(con, dataset_id, scheme, cfg) + _CACHE_INSERT
    with transaction(con):
        run(con, sql, {**_states_params(con, dataset_id, days, cfg, scheme), "key": key})
        con.execute(_NEW_KEY_SQL, params)
        con.execute(_EVICT_SQL, {"dataset_id": dataset_id, "kept": _KEPT_KEYS})
        con.execute(
            "delete from migration_cache_keys where dataset_id = $dataset_id"
            " and key not in (select distinct key from migration_cache where dataset_id = $dataset_id)",
            {"dataset_id": dataset_id},
        )
    return key


def cached_states(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierRules = DEFAULT_RULES,
    scheme: str = "tier",
    customer_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """snapshot_states (for everyone, or just `customer_ids`), kept in the workspace (migration_cache) until the
    data, config, dates or scheme change."""
    days = clean_dates(dates)
    key = ensure_cached(con, dataset_id, days, cfg, check_scheme(scheme))
    params = {"dataset_id": dataset_id, "key": key}
    if customer_ids is None:
        return con.execute(_CACHED_STATES_SQL, params).df()
    return con.execute(_SOME_CACHED_STATES_SQL, {**params, "customer_ids": list(customer_ids)}).df()


def cached_transitions(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierRules = DEFAULT_RULES,
    scheme: str = "tier",
) -> pd.DataFrame:
    """transition_table over the cached states (computing and caching them first if needed)."""
    days = clean_dates(dates)
    key = ensure_cached(con, dataset_id, days, cfg, check_scheme(scheme))
    if len(days) < 2:
        return empty_transitions()
    params = {**_index_params(days), "dataset_id": dataset_id, "key": key, "state_keys": state_keys(scheme, cfg)}
    return run(con, _CACHED_CODES + _transitions_sql(len(days)), params).df()


def empty_transitions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "from_date": pd.Series(dtype="datetime64[us]"),
            "to_date": pd.Series(dtype="datetime64[us]"),
            "from_state": pd.Series(dtype=object),
            "to_state": pd.Series(dtype=object),
            "customers": pd.Series(dtype="int64"),
        }
    )


def snapshot_tables(
    con: duckdb.DuckDBPyConnection, dataset_id: str, dates: Iterable[date], cfg: TierRules = DEFAULT_RULES
) -> dict[date, pd.DataFrame]:
    """tier_table at every snapshot date, computed in one pass: {date: the tier table as of that date}."""
    days = clean_dates(dates)
    final = f""",
final as (
    select idx, {output_columns("$dates[idx + 1]")}
    from ruled
    join history_keys using (customer_key)
    where is_present
)
select * from final
order by idx, customer_id
"""
    sql = "with " + order_days_ctes(con, dataset_id) + _FACTS_CTES + rules_ctes(cfg) + final
    rows = arrow(con, sql, _states_params(con, dataset_id, days, cfg, "tier"))
    # each date's rows converted by DuckDB on their own, so every column gets the dtype tier_table would give it
    split = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    split.register("snapshot_rows", rows)
    one_date = "select * exclude (idx) from snapshot_rows where idx = $idx order by customer_id"
    return {day: decode(frame(split.execute(one_date, {"idx": idx})), cfg) for idx, day in enumerate(days)}


def states_of_tier_tables(tables: dict[date, pd.DataFrame], scheme: str) -> pd.DataFrame:
    """snapshot_states' rows from tier tables computed elsewhere (on Spark): the scheme's value, `in` / `out` for a
    group, and `none` for NULL or for a customer absent from a snapshot's table but present in another's."""
    check_scheme(scheme)
    column = scheme.removeprefix("group:")
    customers = pd.Index(sorted(set().union(*(set(t["customer_id"]) for t in tables.values()))), name="customer_id")
    frames = []
    for day in clean_dates(tables):
        values = tables[day].set_index("customer_id")[column].reindex(customers)
        state = values.map({True: "in", False: "out"}) if scheme.startswith("group:") else values
        states = state.astype(object).where(state.notna(), NONE).rename("state").reset_index()
        states.insert(0, "snapshot_date", pd.Timestamp(day))
        frames.append(states)
    out = pd.concat(frames, ignore_index=True)[STATE_COLUMNS]
    return out.astype({"snapshot_date": "datetime64[us]"})
