"""Segment summaries over a tier table: sizes, revenue, change, the R x F grid, group overlap, drill-down."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from segcore.keys import CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS, SCHEME_COLUMNS
from segcore.tier_rules import TierRules

__all__ = [
    "customer_purchases",
    "group_overlap",
    "rf_grid",
    "segment_members",
    "segment_order",
    "segment_sizes",
    "tier_history",
]


def segment_order(scheme: str, cfg: TierRules) -> list[str]:
    """The segments of a scheme in their reading order (tiers in the configured order)."""
    return {
        "tier": [*cfg.tier_order, "regular", "potential"],
        "groups": list(GROUP_KEYS),
        "lifecycle": list(LIFECYCLES),
        "rfm": list(RFM_SEGMENTS),
        "cn8": list(CN8_SEGMENTS),
    }[scheme]


def _memberships(table: pd.DataFrame, scheme: str) -> pd.DataFrame:
    """(segment, customer_id, spend_w) pairs; one per group membership for 'groups'."""
    if scheme == "groups":
        parts = [
            table.loc[table[g].fillna(False).astype(bool), ["customer_id", "spend_w"]].assign(segment=g)
            for g in GROUP_KEYS
        ]
        return pd.concat(parts, ignore_index=True)
    column = SCHEME_COLUMNS[scheme]
    return table.loc[table[column].notna(), ["customer_id", "spend_w", column]].rename(columns={column: "segment"})


def segment_sizes(now: pd.DataFrame, before: pd.DataFrame, scheme: str, cfg: TierRules) -> pd.DataFrame:
    """Per segment: customers, share, net spend in the group window (12 months), its share, average spend,
    and the change in customers against the `before` table; in the scheme's order, empty segments included."""
    pairs = _memberships(now, scheme)
    sizes = pairs.groupby("segment").agg(customers=("customer_id", "size"), revenue_12m=("spend_w", "sum"))
    counts_before = _memberships(before, scheme).groupby("segment").size()
    order = segment_order(scheme, cfg)
    out = sizes.reindex(order, fill_value=0).reset_index().rename(columns={"index": "segment"})
    total_customers = len(now)
    total_revenue = float(now["spend_w"].sum())
    out["share"] = out["customers"] / total_customers if total_customers else 0.0
    out["revenue_share"] = out["revenue_12m"] / total_revenue if total_revenue else 0.0
    out["avg_spend"] = (out["revenue_12m"] / out["customers"]).where(out["customers"] > 0)
    out["customers_before"] = counts_before.reindex(order, fill_value=0).to_numpy()
    out["change"] = out["customers"] - out["customers_before"]
    return out[
        ["segment", "customers", "share", "revenue_12m", "revenue_share", "avg_spend", "customers_before", "change"]
    ]


def segment_members(table: pd.DataFrame, scheme: str, segment: str) -> pd.DataFrame:
    """The customers of one segment, biggest spenders first."""
    if scheme == "groups":
        chosen = table[table[segment].fillna(False).astype(bool)]
    else:
        chosen = table[table[SCHEME_COLUMNS[scheme]] == segment]
    return chosen.sort_values(["spend_w", "customer_id"], ascending=[False, True]).reset_index(drop=True)


def rf_grid(table: pd.DataFrame) -> pd.DataFrame:
    """The R x F grid: customers, average monetary and the segment of every cell (all 25 cells)."""
    scored = table[table["r_score"].notna()]
    cells = scored.groupby(["r_score", "f_score"]).agg(
        customers=("customer_id", "size"), avg_monetary=("monetary", "mean"), segment=("rfm_segment", "first")
    )
    k = int(max(scored["r_score"].max(), scored["f_score"].max(), 5)) if len(scored) else 5
    index = pd.MultiIndex.from_product([range(1, k + 1), range(1, k + 1)], names=["r_score", "f_score"])
    grid = cells.reindex(index).reset_index()
    grid["customers"] = grid["customers"].fillna(0).astype(int)
    return grid


def group_overlap(table: pd.DataFrame) -> pd.DataFrame:
    """A square table: customers in both the row's and the column's group (the diagonal: the group's size)."""
    flags = table[list(GROUP_KEYS)].fillna(False).astype(int)
    return flags.T.dot(flags)


_PURCHASES_SQL = """
with lines as (
    select order_id, order_date, amount, is_promo, store, category, product, quantity
    from sales
    where dataset_id = $dataset_id
      and customer_id = $customer_id
      and cast(order_date as date) <= $as_of
      and cast(order_date as date) > $as_of - $days
),
final as (
    select * from lines
)
select * from final order by order_date desc, order_id
"""


def customer_purchases(
    con: duckdb.DuckDBPyConnection, dataset_id: str, customer_id: str, as_of: date, days: int = 365
) -> pd.DataFrame:
    """One customer's sales lines in the `days` up to `as_of`, newest first."""
    params = {"dataset_id": dataset_id, "customer_id": customer_id, "as_of": as_of, "days": days}
    return con.execute(_PURCHASES_SQL, params).df()


def month_ends(as_of: date, months: int) -> list[date]:
    """The last `months` month-ends before `as_of`, oldest first, then `as_of` itself."""
    ends: list[date] = []
    cursor = as_of.replace(day=1) - timedelta(days=1)
    while len(ends) < months - 1:
        ends.append(cursor)
        cursor = cursor.replace(day=1) - timedelta(days=1)
    return [*reversed(ends), as_of]


def tier_history(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    customer_ids: list[str],
    as_of: date,
    cfg: TierRules,
    months: int = 12,
    *,
    keep: bool = False,
) -> pd.DataFrame:
    """The tier of some customers at each month-end of the last `months` months (and at `as_of`); one set-based
    pass over every snapshot ('none' before a customer's first purchase). With `keep`, everyone's states are kept
    in the workspace's states cache, so the next customer's card reads theirs (the connection must write)."""
    from segcore.migration import cached_states, snapshot_states

    states_of = cached_states if keep else snapshot_states
    states = states_of(con, dataset_id, month_ends(as_of, months), cfg, "tier", customer_ids=customer_ids)
    picked = states[states["customer_id"].isin(customer_ids)].rename(columns={"snapshot_date": "snapshot"})
    picked["snapshot"] = pd.to_datetime(picked["snapshot"]).dt.date
    picked["tier"] = picked["state"].where(picked["state"] != "none")
    return picked[["snapshot", "customer_id", "tier"]].reset_index(drop=True)
