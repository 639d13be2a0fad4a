"""Migration over time: the analyses over customers' states at snapshot dates (shared/spec/tiers.md, "Migration
over time"): snapshot dates, transitions, movers, net flow and the period summary.

The states themselves (every customer's tier, lifecycle, segment or group at each snapshot) come from the tier
engine's many-dates case, segcore.engine.history, re-exported here for the pages and the CLI.
"""

from __future__ import annotations

import itertools
from calendar import monthrange
from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pandas as pd

from segcore.config import DEFAULT_CONFIG, TierConfig
from segcore.engine.history import (
    NONE,
    SCHEMES,
    STATE_COLUMNS,
    TRANSITION_COLUMNS,
    cached_states,
    cached_transitions,
    check_scheme,
    empty_transitions,
    snapshot_states,
    snapshot_values,
    state_keys,
    transition_table,
)
from segcore.errors import InputError

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

EVERY = ("week", "month")
VIP_TIERS = ("high_spend", "high_ticket", "loyal")  # the tiers summary_counts calls VIP


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
