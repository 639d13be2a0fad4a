"""Migration over time: the analyses over customers' states at snapshot dates (shared/spec/tiers.md, "Migration
over time"): snapshot dates, transitions, movers, net flow and the period summary.

The states themselves (every customer's tier, lifecycle, segment or group at each snapshot) come from the tier
engine's many-dates case, segcore.engine.history, re-exported here for the pages and the CLI.
"""

from __future__ import annotations

import itertools
from calendar import monthrange
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from segcore.engine.history import (
    NONE,
    SCHEMES,
    STATE_COLUMNS,
    TRANSITION_COLUMNS,
    cached_states,
    cached_transitions,
    check_scheme,
    clean_dates,
    empty_transitions,
    ensure_cached,
    snapshot_states,
    snapshot_values,
    state_keys,
    transition_table,
)
from segcore.errors import InputError
from segcore.tier_rules import DEFAULT_RULES, TierRules

__all__ = [
    "EVERY",
    "HEADLINE_PAIR",
    "NONE",
    "SCHEMES",
    "STATE_COLUMNS",
    "TRANSITION_COLUMNS",
    "VIP_TIERS",
    "Movers",
    "cache_key",
    "cached_states",
    "cached_transitions",
    "check_scheme",
    "direction",
    "movers",
    "movers_from_cache",
    "net_flow",
    "net_flow_from_cache",
    "period_summary",
    "snapshot_dates",
    "snapshot_states",
    "snapshot_values",
    "state_keys",
    "state_sizes",
    "state_sizes_from_cache",
    "summary_counts",
    "summary_counts_from_cache",
    "transition_matrix",
    "transition_table",
    "transitions",
    "transitions_between",
    "transitions_between_from_cache",
    "transitions_from_cache",
    "year_of_snapshots",
]

EVERY = ("week", "month")
VIP_TIERS = ("high_spend", "high_ticket", "loyal")  # the tiers summary_counts calls VIP
# the one matrix cell the Migration page's headline names (and its movers panel opens on)
HEADLINE_PAIR = ("high_spend", "silent")


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


def year_of_snapshots(as_of: date, every: str) -> list[date]:
    """The Migration page's choice of dates: the snapshot dates of the last year up to as_of (Sundays or month-ends)."""
    return snapshot_dates(as_of - timedelta(days=364), as_of, every)


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
        return empty_transitions()
    out = pd.concat(frames, ignore_index=True)[TRANSITION_COLUMNS]
    out = out.astype({"from_date": "datetime64[us]", "to_date": "datetime64[us]", "customers": "int64"})
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


def direction(from_state: str, to_state: str, cfg: TierRules = DEFAULT_RULES) -> str:
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


def summary_counts(transitions: pd.DataFrame, cfg: TierRules = DEFAULT_RULES) -> dict[str, int]:
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


def period_summary(
    moves: pd.DataFrame, cfg: TierRules = DEFAULT_RULES, pair: tuple[str, str] = HEADLINE_PAIR
) -> dict[str, int]:
    """For one period's transitions (transitions_between: customers by tier at its start and by tier at its end):
    customers who moved up, down, stayed, and the customers of the one cell `pair` (tier at the start, tier at the
    end). Every count is a sum of cells of that same matrix, so the headline, the matrix and the movers agree."""
    out = summary_counts(moves, cfg)
    del out["vip_to_silent"]
    cell = moves[(moves["from_state"] == pair[0]) & (moves["to_state"] == pair[1])]
    out["pair"] = int(cell["customers"].sum())
    return out


def transition_matrix(moves: pd.DataFrame, order: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One period's transitions as a matrix: customers by tier at the start (rows) and at the end (columns), in
    `order` (states with nobody on either side left out), and each row's shares (a row with nobody: zeros)."""
    seen = set(moves["from_state"]) | set(moves["to_state"])
    shown = [s for s in order if s in seen] + sorted(seen - set(order))
    counts = moves.pivot_table(index="from_state", columns="to_state", values="customers", aggfunc="sum", fill_value=0)
    counts = counts.reindex(index=shown, columns=shown, fill_value=0).astype("int64")
    counts.index.name, counts.columns.name = "from_state", "to_state"
    shares = counts.div(counts.sum(axis=1).replace(0, 1), axis=0)
    return counts, shares


def state_sizes(states: pd.DataFrame) -> pd.DataFrame:
    """Customers per (snapshot_date, state) at every snapshot, `none` left out; sorted."""
    present = states[states["state"] != NONE]
    out = present.groupby(["snapshot_date", "state"]).size().rename("customers").reset_index()
    out["customers"] = out["customers"].astype("int64")
    return out.sort_values(["snapshot_date", "state"], ignore_index=True)


# ---------------------------------------------------------------- the same analyses, read from migration_cache
#
# The functions below take the key of a set of states kept in the workspace table migration_cache (cache_key) and
# return exactly what the pandas functions above return for those states, without fetching the states: only the
# counts (or the movers shown) leave DuckDB.


class Movers(NamedTuple):
    """The customers in one cell of a transition matrix: the first `limit` ids (sorted) and how many there are."""

    ids: list[str]
    total: int


def cache_key(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: Iterable[date],
    cfg: TierRules = DEFAULT_RULES,
    scheme: str = "tier",
) -> str:
    """The key of these states in migration_cache (computing and storing them first if needed), for the *_from_cache
    functions."""
    return ensure_cached(con, dataset_id, clean_dates(dates), cfg, check_scheme(scheme))


def _bind_day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


_CACHED_CTE = """
cached as (
    select snapshot_date, customer_id, state
    from migration_cache
    where dataset_id = $dataset_id
      and key = $key
)"""

# every customer's state at $d1 and at $d2 (the two-date queries' common start)
_PAIRS_CTES = (
    "with"
    + _CACHED_CTE
    + """,
pairs as (
    select a.state as from_state, b.state as to_state
    from cached as a
    join cached as b on b.customer_id = a.customer_id
    where a.snapshot_date = $d1
      and b.snapshot_date = $d2
)"""
)

_KNOWN_DATES_SQL = """
select distinct snapshot_date
from migration_cache
where dataset_id = $dataset_id
  and key = $key
  and snapshot_date in ($d1, $d2)
order by snapshot_date
"""


def _check_dates(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str, d1: date, d2: date) -> dict[str, Any]:
    """The parameters of a two-date query; ValueError (as transitions_between's) for a date with no cached states."""
    params = {"dataset_id": dataset_id, "key": key, "d1": _bind_day(d1), "d2": _bind_day(d2)}
    known = {row[0] for row in con.execute(_KNOWN_DATES_SQL, params).fetchall()}
    missing = [str(day) for day in (params["d1"], params["d2"]) if day not in known]
    if missing:
        raise ValueError(f"not a snapshot date of these states: {', '.join(missing)}")
    return params


# consecutive snapshots: each date of the cached states and the next one
_TRANSITIONS_CTES = (
    "with"
    + _CACHED_CTE
    + """,
days as (
    select snapshot_date as from_date,
           lead(snapshot_date) over (order by snapshot_date) as to_date
    from (select distinct snapshot_date from cached)
),
pairs as (
    select d.from_date, d.to_date, a.state as from_state, b.state as to_state
    from days as d
    join cached as a on a.snapshot_date = d.from_date
    join cached as b on b.snapshot_date = d.to_date and b.customer_id = a.customer_id
),
transitions as (
    select from_date, to_date, from_state, to_state, count(*) as customers
    from pairs
    group by from_date, to_date, from_state, to_state
)"""
)

_TRANSITIONS_SQL = (
    _TRANSITIONS_CTES
    + """
select * from transitions
order by from_date, from_state, to_state
"""
)


def transitions_from_cache(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str) -> pd.DataFrame:
    """transitions() of the cached states `key`: customers per state pair between consecutive snapshots."""
    out = con.execute(_TRANSITIONS_SQL, {"dataset_id": dataset_id, "key": key}).df()
    return out.astype({"customers": "int64"}) if len(out) else empty_transitions()


_BETWEEN_SQL = (
    _PAIRS_CTES
    + """,
final as (
    select cast($d1 as date) as from_date,
           cast($d2 as date) as to_date,
           from_state,
           to_state,
           count(*) as customers
    from pairs
    group by from_state, to_state
)
select * from final
order by from_date, from_state, to_state
"""
)


def transitions_between_from_cache(
    con: duckdb.DuckDBPyConnection, dataset_id: str, key: str, d1: date, d2: date
) -> pd.DataFrame:
    """transitions_between() of the cached states `key`: customers in each state at d1, by state at d2."""
    params = _check_dates(con, dataset_id, key, d1, d2)
    out = con.execute(_BETWEEN_SQL, params).df()
    return out.astype({"customers": "int64"}) if len(out) else empty_transitions()


_MOVERS_SQL = """
with before as (
    select customer_id
    from migration_cache
    where dataset_id = $dataset_id
      and key = $key
      and snapshot_date = $d1
      and state = $from_state
),
after as (
    select customer_id
    from migration_cache
    where dataset_id = $dataset_id
      and key = $key
      and snapshot_date = $d2
      and state = $to_state
),
both_dates as (
    select customer_id from before
    intersect
    select customer_id from after
),
final as (
    select customer_id, count(*) over () as total
    from both_dates
)
select * from final
order by customer_id
limit $limit
"""


def movers_from_cache(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    key: str,
    d1: date,
    d2: date,
    from_state: str,
    to_state: str,
    limit: int | None = None,
) -> Movers:
    """movers() of the cached states `key`: the first `limit` (None: all) customers in from_state at d1 and
    to_state at d2, sorted, and their number."""
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be at least 0, got {limit}")
    params = {"dataset_id": dataset_id, "key": key, "d1": _bind_day(d1), "d2": _bind_day(d2)}
    params |= {"from_state": from_state, "to_state": to_state, "limit": 1 if limit == 0 else limit}
    rows = con.execute(_MOVERS_SQL, params).fetchall()
    return Movers([row[0] for row in rows][:limit], int(rows[0][1]) if rows else 0)


_NET_FLOW_SQL = (
    _TRANSITIONS_CTES
    + """,
moved as (
    select * from transitions where from_state <> to_state
),
inflow as (
    select to_date, to_state as state, sum(customers) as inflow
    from moved
    group by to_date, to_state
),
outflow as (
    select to_date, from_state as state, sum(customers) as outflow
    from moved
    group by to_date, from_state
),
seen as (
    select to_date, from_state as state from transitions
    union
    select to_date, to_state as state from transitions
),
final as (
    select s.to_date,
           s.state,
           cast(coalesce(i.inflow, 0) as bigint) as inflow,
           cast(coalesce(o.outflow, 0) as bigint) as outflow,
           cast(coalesce(i.inflow, 0) - coalesce(o.outflow, 0) as bigint) as net
    from seen as s
    left join inflow as i on i.to_date = s.to_date and i.state = s.state
    left join outflow as o on o.to_date = s.to_date and o.state = s.state
)
select * from final
order by to_date, state
"""
)


def net_flow_from_cache(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str) -> pd.DataFrame:
    """net_flow(transitions()) of the cached states `key`: per (to_date, state) inflow, outflow and net."""
    return con.execute(_NET_FLOW_SQL, {"dataset_id": dataset_id, "key": key}).df()


# {ranks}: one ($rN, N) row per tier state, best first; {vips}: $vipN for each of VIP_TIERS
_SUMMARY_SQL = (
    _PAIRS_CTES
    + """,
ranks(state, position) as (
    values {ranks}
),
ranked as (
    select p.from_state, p.to_state, r1.position as before, r2.position as after
    from pairs as p
    left join ranks as r1 on r1.state = p.from_state
    left join ranks as r2 on r2.state = p.to_state
),
final as (
    select count(*) filter (where after < before) as up,
           count(*) filter (where after > before) as down,
           count(*) filter (where after = before) as same,
           count(*) filter (where from_state in ({vips}) and to_state = $silent) as vip_to_silent,
           min(case when before is null then from_state when after is null then to_state end) as unknown
    from ranked
)
select * from final
"""
)


def summary_counts_from_cache(
    con: duckdb.DuckDBPyConnection, dataset_id: str, key: str, d1: date, d2: date, cfg: TierRules = DEFAULT_RULES
) -> dict[str, int]:
    """summary_counts(transitions_between()) of the cached tier states `key`: moved up, down, stayed, VIP to silent."""
    params = _check_dates(con, dataset_id, key, d1, d2)
    order = state_keys("tier", cfg)
    ranks = ", ".join(f"($r{i}, {i})" for i in range(len(order)))
    vips = ", ".join(f"$vip{i}" for i in range(len(VIP_TIERS)))
    params |= {f"r{i}": state for i, state in enumerate(order)} | {f"vip{i}": v for i, v in enumerate(VIP_TIERS)}
    sql = _SUMMARY_SQL.replace("{ranks}", ranks).replace("{vips}", vips)
    up, down, same, vip, unknown = con.execute(sql, {**params, "silent": "silent"}).fetchall()[0]
    if unknown is not None:
        raise ValueError(f"{unknown!r} is not a tier state: direction() compares tiers")
    return {"up": int(up), "down": int(down), "same": int(same), "vip_to_silent": int(vip)}


_SIZES_SQL = """
with sizes as (
    select snapshot_date, state, count(*) as customers
    from migration_cache
    where dataset_id = $dataset_id
      and key = $key
      and state <> $none
    group by snapshot_date, state
)
select * from sizes
order by snapshot_date, state
"""


def state_sizes_from_cache(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str) -> pd.DataFrame:
    """state_sizes() of the cached states `key`: customers per (snapshot_date, state), `none` left out."""
    return con.execute(_SIZES_SQL, {"dataset_id": dataset_id, "key": key, "none": NONE}).df()
