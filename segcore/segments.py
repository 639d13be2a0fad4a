"""Segment summaries over a tier table: sizes, revenue, change, the R x F grid, group overlap, drill-down."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from segcore.access import Access
from segcore.keys import CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS, SCHEME_COLUMNS
from segcore.tier_rules import TierRules

__all__ = [
    "CARD_MONTHS",
    "COMPARE_DAYS",
    "customer_profile",
    "customer_purchases",
    "group_overlap",
    "membership_reasons",
    "rf_cell_members",
    "rf_grid",
    "segment_members",
    "segment_order",
    "segment_sizes",
    "star_sign",
    "store_averages",
    "tier_history",
    "unplaced_customers",
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
    # Shares of a one-segment-each scheme are out of the customers it places (they add to 100%); a customer it
    # leaves out (only refunds, or nothing in the RFM window) is counted apart by `unplaced_customers`. Groups
    # overlap, so theirs are out of every customer.
    base = now if scheme == "groups" else now[now["customer_id"].isin(pairs["customer_id"])]
    total_customers = len(base)
    total_revenue = float(base["spend_w"].sum())
    out["share"] = out["customers"] / total_customers if total_customers else 0.0
    out["revenue_share"] = out["revenue_12m"] / total_revenue if total_revenue else 0.0
    out["avg_spend"] = (out["revenue_12m"] / out["customers"]).where(out["customers"] > 0)
    out["customers_before"] = counts_before.reindex(order, fill_value=0).to_numpy()
    out["change"] = out["customers"] - out["customers_before"]
    return out[
        ["segment", "customers", "share", "revenue_12m", "revenue_share", "avg_spend", "customers_before", "change"]
    ]


def unplaced_customers(table: pd.DataFrame, scheme: str) -> int:
    """Customers of the table in no segment of the scheme (0 for groups, where being in none is normal)."""
    if scheme == "groups":
        return 0
    return int(table[SCHEME_COLUMNS[scheme]].isna().sum())


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


CARD_MONTHS = 12  # a customer card shows the tier at the last 12 month-ends
COMPARE_DAYS = 30  # the Segments page compares each segment with its size this many days before


def tier_history(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    customer_ids: list[str],
    as_of: date,
    cfg: TierRules,
    months: int = CARD_MONTHS,
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


def rf_cell_members(table: pd.DataFrame, r_score: int, f_score: int) -> pd.DataFrame:
    """The customers of one R x F cell, biggest spenders first."""
    chosen = table[(table["r_score"] == r_score) & (table["f_score"] == f_score)]
    return chosen.sort_values(["spend_w", "customer_id"], ascending=[False, True]).reset_index(drop=True)


_PROFILE_SQL = """
with member as (
    select name, phone, gender, birthday, join_date, store, points
    from members
    where dataset_id = $dataset_id
      and customer_id = $customer_id
    order by join_date desc nulls last, load_id
    limit 1
),
lines as (
    select cast(order_date as date) as day, amount, store
    from sales
    where dataset_id = $dataset_id
      and customer_id = $customer_id
      and cast(order_date as date) <= $as_of
),
spend as (
    select sum(amount) as lifetime_spend,
           coalesce(sum(amount) filter (where day > $as_of - $days), 0) as spend_12m,
           min(day) as first_line,
           mode(store) as usual_store
    from lines
),
final as (
    select m.name, m.phone, m.gender, m.birthday, m.join_date, coalesce(m.store, s.usual_store) as store,
           m.points, s.lifetime_spend, s.spend_12m, s.first_line,
           (select count(*) from member) > 0 as is_member
    from spend s
    left join member m on true
)
select * from final
"""


def customer_profile(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    customer_id: str,
    as_of: date,
    days: int = 365,
    *,
    access: Access,
) -> dict[str, object]:
    """One customer's profile as of a date: the members-file fields (name, phone, gender, birthday, join_date,
    store (else the store they bought in most), points), whether they are in the members file, and the net
    spend of every line up to `as_of` (lifetime) and of the `days` before it (12 months). None where unknown.
    The phone and name are as this user may see them (`Access.phone_on_card`, `Access.name_shown`)."""
    params = {"dataset_id": dataset_id, "customer_id": customer_id, "as_of": as_of, "days": days}
    frame = con.execute(_PROFILE_SQL, params).df()
    row = frame.iloc[0].to_dict()
    profile = {str(key): (None if _missing(value) else value) for key, value in row.items()}
    profile["phone"] = access.phone_on_card(profile.get("phone")) if profile.get("phone") is not None else None
    profile["name"] = access.name_shown(profile.get("name"))
    return profile


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


# Western star signs by the (month, day) they start; Capricorn also ends the year.
_SIGNS = (
    ((1, 20), "aquarius"),
    ((2, 19), "pisces"),
    ((3, 21), "aries"),
    ((4, 20), "taurus"),
    ((5, 21), "gemini"),
    ((6, 22), "cancer"),
    ((7, 23), "leo"),
    ((8, 23), "virgo"),
    ((9, 23), "libra"),
    ((10, 24), "scorpio"),
    ((11, 23), "sagittarius"),
    ((12, 22), "capricorn"),
)


def star_sign(birthday: date | None) -> str | None:
    """The star sign (星座) key of a birthday, e.g. 'leo' for 1 August; None without a birthday."""
    if birthday is None:
        return None
    sign = "capricorn"
    for start, name in _SIGNS:
        if (birthday.month, birthday.day) >= start:
            sign = name
    return sign


def store_averages(table: pd.DataFrame) -> dict[str, float | None]:
    """The store-wide figures the group rules compare a customer with: the average order value over the group
    population P (sum of spend_w over P / sum of orders_w over P, P = orders_w >= 1 and spend_w > 0)."""
    population = table[(table["orders_w"] >= 1) & (table["spend_w"] > 0)]
    orders = float(population["orders_w"].sum())
    return {"aov_p": float(population["spend_w"].sum()) / orders if orders else None}


def _rule_values(row: dict[str, object], cfg: TierRules, averages: dict[str, float | None], lang: str, currency: str):
    """The numbers the rule sentences quote: thresholds in force and the customer's own values, formatted."""
    from segcore import fmt

    def money(value: object) -> str:
        return fmt.money(value, lang, currency=currency)  # type: ignore[arg-type]

    def number(value: object) -> str:
        return fmt.count(value, lang)  # type: ignore[arg-type]

    return {
        "window": number(cfg.groups_window_days),
        "spend": money(row.get("spend_w")),
        "promo": money(row.get("promo_spend_w")),
        "aov": money(row.get("aov_w")),
        "avg": money(averages.get("aov_p")),
        "orders": number(row.get("orders_w")),
        "recency": number(row.get("recency_days")),
        "frequency": number(row.get("frequency")),
        "high_spend_share": fmt.percent(cfg.high_spend_share, lang, digits=0),
        "high_ticket_factor": f"{cfg.high_ticket_factor:g}",
        "loyal_share": fmt.percent(cfg.loyal_share, lang, digits=0),
        "loyal_min_orders": number(cfg.loyal_min_orders),
        "loyal_max_recency_days": number(cfg.loyal_max_recency_days),
        "loyal_max_gap_days": number(cfg.loyal_max_gap_days),
        "promo_frequent_share": fmt.percent(cfg.promo_frequent_share, lang, digits=0),
        "promo_chaser_share": fmt.percent(cfg.promo_chaser_share, lang, digits=0),
        "promo_chaser_min_promo_share": fmt.percent(cfg.promo_chaser_min_promo_share, lang, digits=0),
        "silent_recent_days": number(cfg.silent_recent_days),
        "silent_ratio": fmt.percent(cfg.silent_ratio, lang, digits=0),
        "silent_min_tenure_days": number(cfg.silent_min_tenure_days),
        "sleeping_days": number(cfg.sleeping_days),
        "new_days": number(cfg.lifecycle_new_days),
        "churned_days": number(cfg.lifecycle_churned_days),
        "at_risk_days": number(cfg.lifecycle_at_risk_days),
        "loyal_purchases": number(cfg.lifecycle_loyal_purchases),
        "loyal_window_days": number(cfg.lifecycle_loyal_window_days),
        "lookback": number(cfg.rfm_lookback_days),
        "k": number(cfg.rfm_bins),
        "r": number(row.get("r_score")),
        "f": number(row.get("f_score")),
        "m": number(row.get("m_score")),
    }


def membership_reasons(
    row: dict[str, object], cfg: TierRules, averages: dict[str, float | None], lang: str, currency: str = "CNY"
) -> list[tuple[str, str, str]]:
    """Why a customer (one tier-table row) is where they are: (scheme, segment key, the rule in words with the
    thresholds in force and their own values) for the tier, each member group, the lifecycle, the RFM segment
    and the eight-class segment. Rows without a segment in a scheme are left out."""
    from segcore.catalog import text

    values = _rule_values(row, cfg, averages, lang, currency)
    out: list[tuple[str, str, str]] = []
    tier = row.get("tier")
    groups = [g for g in GROUP_KEYS if row.get(g) in (True,)]
    if isinstance(tier, str):
        if tier in GROUP_KEYS:
            why = text("seg.why.tier_first", lang, group=text(f"tier.{tier}", lang))
        else:
            why = text(f"seg.why.tier_{tier}", lang)
        out.append(("tier", tier, why))
    out += [("groups", g, text(f"seg.why.{g}", lang, **values)) for g in groups]
    lifecycle = row.get("lifecycle")
    if isinstance(lifecycle, str):
        out.append(("lifecycle", lifecycle, text(f"seg.why.life_{lifecycle}", lang, **values)))
    for scheme, column in (("rfm", "rfm_segment"), ("cn8", "cn8_segment")):
        segment = row.get(column)
        if isinstance(segment, str):
            out.append((scheme, segment, text(f"seg.why.{scheme}", lang, **values)))
    return out
