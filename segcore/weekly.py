"""The weekly review: KPIs with 8-week histories, tier movements, alerts, campaigns and actions for one week.

A week runs Monday to Sunday; every figure is "as of" the week's Sunday S (shared/spec/tiers.md: lines dated on or
before S, orders dated by their earliest line, a purchase is an order of value > 0 as of S). The week before ends
on S - 7. Choices where the issue and the spec are silent:

KPIs (each with its value at S, at S - 7, the change and the values at the 8 Sundays S - 49 .. S):

- `active`: customers with a purchase within the last `cfg.lifecycle_at_risk_days` days (180 by default), i.e.
  dated d with S - 180 < d <= S: the customers whose lifecycle is not at_risk or churned.
- `revenue`: net sum of the lines dated in the week (refunds included, each line on its own date).
- `purchases`: orders of value > 0 as of S dated in the week (an order refunded in full by S is not one).
- `new`: customers whose first purchase (as of S) is dated in the week.
- `vips`: customers in the `high_spend` group as of S.
- `came_back`: in the `silent` or `sleeping` group as of S - 7 (the groups, not the headline tier: a VIP who has
  gone silent counts) and with a purchase dated in the week (as of S).
- `lost_to_sleeping`: in the `sleeping` group as of S and not as of S - 7 (absent counts as not sleeping).

Movements: the headline tier as of S - 7 against S for every customer in either table; `none` for a customer
absent from a table or with no tier (no purchase and not a member). The words and the Sankey leave out stayers.

Alerts (each a frame: customer_id, name, phone, tier as of S, last_purchase, spend_w; most spend first):

- `went_silent`: in `high_spend` or `high_ticket` as of S - 7, in `silent` as of S and not as of S - 7.
- `vip_quiet`: in `high_spend` as of S with no purchase within the last 60 days (recency_days >= 60).
- `no_second_purchase`: first purchase dated S - 36 .. S - 30, so that its day-30 mark (first purchase + 30 days)
  fell in the week, and exactly one purchase as of S: no second purchase within 30 days, nor since (a customer who
  came back on day 31 to 36 needs no nudge any more). Counted with `frequency` (purchases within the RFM lookback,
  730 days by default, so every purchase since a first purchase 36 days ago).
- `slipping`: in the top 20% by CLV as of S, with P(alive) at or above 0.5 as of S - 7 and below it as of S, both
  scored with the model fit as of S (segcore.forecast.slipping).

Names and phones come from the members file (one row per customer: the first load's); phones are NOT masked
here, the report masks them (`segcore.export.mask_phone`).

Campaigns: those of the dataset with start <= S and end > S - 28 (running at S, or ended in the last 4 weeks),
newest start first, measured as of S with `segcore.measure.measure_campaign`; interim results say so.

Cost: one SQL query for the count/revenue histories (orders valued as of each Sunday, set-based) and one pass of
the tier engine's many-dates case for the tier tables at the Sundays S - 56 .. S (9 in all), shared by the tier
KPIs, the movements and the alerts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from segcore import fmt
from segcore.catalog import text
from segcore.engine.history import snapshot_tables
from segcore.engine.order_views import ORDERS_AT_DATES_CTES
from segcore.engine.orders import order_days_ctes
from segcore.errors import InputError
from segcore.forecast.slipping import Slipping, slipping
from segcore.stored_views import load_view, prepared_key, save_view
from segcore.tier_rules import DEFAULT_RULES, TierRules

__all__ = [
    "ALERT_KEYS",
    "HISTORY_WEEKS",
    "KPI_KEYS",
    "NEW_CUSTOMER_DAYS",
    "RECENT_CAMPAIGN_DAYS",
    "SECTIONS",
    "VIP_QUIET_DAYS",
    "CampaignLine",
    "Kpi",
    "WeeklyNumbers",
    "WeeklyReview",
    "actions",
    "alerts",
    "iso_week",
    "iso_week_label",
    "last_complete_week",
    "numbers_key",
    "recent_campaigns",
    "review_sundays",
    "save_numbers",
    "state_label",
    "store_name",
    "stored_numbers",
    "sunday_tables",
    "tier_counts",
    "tier_movements",
    "top_movements",
    "weekly_kpis",
    "weekly_numbers",
    "weekly_review",
]

HISTORY_WEEKS = 8
VIP_QUIET_DAYS = 60
NEW_CUSTOMER_DAYS = 30
RECENT_CAMPAIGN_DAYS = 28
KPI_KEYS = ("active", "revenue", "purchases", "new", "vips", "came_back", "lost_to_sleeping")
ALERT_KEYS = ("went_silent", "vip_quiet", "no_second_purchase", "slipping")
SECTIONS = ("kpis", "movements", "alerts", "campaigns", "actions")  # the page's and the report's parts, in order
ALERT_COLUMNS = ["customer_id", "name", "phone", "tier", "last_purchase", "spend_w"]
_LOWER_IS_BETTER = {"lost_to_sleeping"}
_MONEY_KPIS = {"revenue"}
_SQL_KPIS = {"active", "revenue", "purchases", "new"}  # from _HISTORY_CTES; the others from the tier tables


# --- weeks ------------------------------------------------------------------------------------------------------


def last_complete_week(as_of: date) -> tuple[date, date]:
    """(monday, sunday) of the last Monday-Sunday week that ends on or before `as_of` (its own week on a Sunday)."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    sunday = as_of - timedelta(days=(as_of.weekday() + 1) % 7)
    return sunday - timedelta(days=6), sunday


_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})")


def iso_week(value: str) -> tuple[date, date]:
    """(monday, sunday) of an ISO week written YYYY-Www (e.g. 2026-W46); InputError `bad_week` otherwise."""
    match = _ISO_WEEK.fullmatch(value.strip().upper())
    if match is None:
        raise InputError("bad_week", value=value)
    try:
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as exc:
        raise InputError("bad_week", value=value) from exc
    return monday, monday + timedelta(days=6)


def iso_week_label(day: date) -> str:
    """The ISO week of a day as YYYY-Www (the form `iso_week` reads and the URL keeps)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _check_sunday(week_end: date) -> date:
    if isinstance(week_end, datetime):
        week_end = week_end.date()
    if week_end.weekday() != 6:
        raise ValueError(f"week_end must be a Sunday, got {week_end} ({week_end:%A})")
    return week_end


def _sundays(week_end: date, weeks: int) -> list[date]:
    """The `weeks` Sundays ending on week_end, oldest first."""
    return [week_end - timedelta(days=7 * k) for k in range(weeks - 1, -1, -1)]


def review_sundays(week_end: date) -> list[date]:
    """The Sundays a weekly review reads: week_end and the HISTORY_WEEKS before it, oldest first."""
    return _sundays(week_end, HISTORY_WEEKS + 1)


def sunday_tables(
    con: duckdb.DuckDBPyConnection, dataset_id: str, week_end: date, cfg: TierRules = DEFAULT_RULES
) -> dict[date, pd.DataFrame]:
    """The tier table at each of the 9 Sundays week_end - 56 .. week_end (the engine's many-dates case), by Sunday."""
    week_end = _check_sunday(week_end)
    return snapshot_tables(con, dataset_id, _sundays(week_end, HISTORY_WEEKS + 1), cfg)


def _tables_for(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    week_end: date,
    cfg: TierRules,
    tables: Mapping[date, pd.DataFrame] | None,
    weeks: int,
) -> Mapping[date, pd.DataFrame]:
    """The given tables when they cover the `weeks` Sundays up to week_end (as given: a mapping that reads its
    tables when asked stays so), else the missing ones computed."""
    given = tables if tables is not None else {}
    missing = [sunday for sunday in _sundays(week_end, weeks) if sunday not in given]
    if not missing:
        return given
    return {**given, **snapshot_tables(con, dataset_id, missing, cfg)}


# --- KPIs -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    """One KPI of a week: value at the Sunday, at the Sunday before, change, and (Sunday, value) for 8 weeks."""

    key: str
    value: float
    previous: float
    change: float
    history: list[tuple[date, float]]
    kind: str = "count"  # "count" or "money"
    higher_is_better: bool = True

    @property
    def change_ratio(self) -> float | None:
        """Change relative to the previous week (None when the previous value is 0)."""
        return self.change / self.previous if self.previous else None


# Orders valued as of each Sunday come from the engine (segcore.engine.order_views, on segcore.engine.orders'
# order days): an order is dated by its earliest line and its value as of a Sunday is the sum of its lines dated on
# or before it. The week's revenue is the net sum of the order days dated in the week (the lines summed per day).
_HISTORY_CTES = (
    """
as_of_dates as (
    select unnest(cast($sundays as date[])) as as_of
),"""
    + ORDERS_AT_DATES_CTES
    + """,
per_customer as (
    select as_of as sunday,
           customer_id,
           max(age) filter (where is_purchase) as first_purchase_age,
           count(*) filter (where is_purchase and age < 7) as purchases_week,
           bool_or(is_purchase and age < $active_days) as is_active
    from orders_at
    group by all
),
counts as (
    select sunday,
           sum(purchases_week) as purchases,
           count(*) filter (where first_purchase_age < 7) as new_customers,
           count(*) filter (where is_active) as active
    from per_customer
    group by sunday
),
revenue as (
    select d.as_of as sunday, sum(o.amount) as revenue
    from as_of_dates as d
    join order_days as o
        on o.day > d.as_of - 7 and o.day <= d.as_of
    where o.dataset_id = $dataset_id
    group by d.as_of
),
final as (
    select d.as_of as sunday,
           coalesce(c.active, 0) as active,
           cast(coalesce(r.revenue, 0) as double) as revenue,
           cast(coalesce(c.purchases, 0) as bigint) as purchases,
           coalesce(c.new_customers, 0) as new
    from as_of_dates as d
    left join counts as c on c.sunday = d.as_of
    left join revenue as r on r.sunday = d.as_of
)
select * from final
order by sunday
"""
)


def _ids_where(table: pd.DataFrame, flags: pd.Series) -> set[str]:
    """The customer ids of the rows where `flags` holds (NULL = does not). Only those ids are copied: a set_index of
    the 1M-row table per call took 13 of the 31 s of a weekly review at 1M customers (bench/RESULTS.md, "Pages")."""
    return set(table["customer_id"].to_numpy()[flags.fillna(False).to_numpy(dtype=bool)])


def _members(table: pd.DataFrame, column: str) -> set[str]:
    """The customers in a group column (NULL = not in the group)."""
    return _ids_where(table, table[column])


def _bought_in_week(table: pd.DataFrame, sunday: date) -> set[str]:
    """Customers whose last purchase as of `sunday` is dated in the week ending on it."""
    last = pd.to_datetime(table["last_purchase"])
    mask = (last > pd.Timestamp(sunday - timedelta(days=7))) & (last <= pd.Timestamp(sunday))
    return set(table.loc[mask.to_numpy(), "customer_id"])


def _tier_counts(before: pd.DataFrame, after: pd.DataFrame, sunday: date) -> dict[str, int]:
    """The tier-based KPIs of the week ending `sunday`, from the tier tables of the Sunday before and of it."""
    quiet_before = _members(before, "silent") | _members(before, "sleeping")
    return {
        "vips": len(_members(after, "high_spend")),
        "came_back": len(quiet_before & _bought_in_week(after, sunday)),
        "lost_to_sleeping": len(_members(after, "sleeping") - _members(before, "sleeping")),
    }


def weekly_kpis(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    week_end: date,
    cfg: TierRules = DEFAULT_RULES,
    tables: Mapping[date, pd.DataFrame] | None = None,
) -> list[Kpi]:
    """The 7 KPIs (KPI_KEYS order) of the week ending on the Sunday `week_end`, each with its 8-week history.

    `tables` (from `sunday_tables`, same cfg) saves the 9 tier tables; missing Sundays are computed."""
    week_end = _check_sunday(week_end)
    sundays = _sundays(week_end, HISTORY_WEEKS)
    params = {
        "dataset_id": dataset_id,
        "sundays": sundays,
        "active_days": cfg.lifecycle_at_risk_days,
    }
    frames = _tables_for(con, dataset_id, week_end, cfg, tables, HISTORY_WEEKS + 1)
    rows: dict[date, dict[str, Any]] = {
        sunday: _tier_counts(frames[sunday - timedelta(days=7)], frames[sunday], sunday) for sunday in sundays
    }
    for row in con.execute("with " + order_days_ctes(con, dataset_id) + _HISTORY_CTES, params).df().to_dict("records"):
        rows[pd.Timestamp(row["sunday"]).date()].update({str(k): v for k, v in row.items() if k in _SQL_KPIS})
    kpis = []
    for key in KPI_KEYS:
        values = [_number(rows[sunday][key], key) for sunday in sundays]
        kpis.append(
            Kpi(
                key=key,
                value=values[-1],
                previous=values[-2],
                change=_number(values[-1] - values[-2], key),
                history=list(zip(sundays, values, strict=True)),
                kind="money" if key in _MONEY_KPIS else "count",
                higher_is_better=key not in _LOWER_IS_BETTER,
            )
        )
    return kpis


def _number(value: Any, key: str) -> float:
    """Money rounded to the cent, counts as int."""
    return round(float(value), 2) if key in _MONEY_KPIS else int(value)


# --- movements --------------------------------------------------------------------------------------------------


def tier_movements(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """(from_tier, to_tier, customers) between two tier tables, stayers included; 'none' when absent or no tier."""
    old = before[["customer_id", "tier"]].rename(columns={"tier": "from_tier"})
    new = after[["customer_id", "tier"]].rename(columns={"tier": "to_tier"})
    both = old.merge(new, on="customer_id", how="outer")
    both = both.assign(from_tier=both["from_tier"].fillna("none"), to_tier=both["to_tier"].fillna("none"))
    if both.empty:
        return pd.DataFrame({"from_tier": [], "to_tier": [], "customers": []}).astype({"customers": "int64"})
    counts = both.groupby(["from_tier", "to_tier"], as_index=False).size().rename(columns={"size": "customers"})
    counts = counts.sort_values(["customers", "from_tier", "to_tier"], ascending=[False, True, True])
    return counts.reset_index(drop=True).astype({"customers": "int64"})


def state_label(state: str, lang: str) -> str:
    """A tier key (or 'none') in words."""
    return text("weekly.state.none" if state == "none" else f"tier.{state}", lang)


def top_movements(movements: pd.DataFrame, n: int = 5, lang: str = "en") -> list[str]:
    """The n largest tier changes (stayers left out) as sentences, most customers first."""
    moved = movements[movements["from_tier"] != movements["to_tier"]]
    moved = moved.sort_values(["customers", "from_tier", "to_tier"], ascending=[False, True, True]).head(n)
    return [
        text(
            "weekly.moved_one" if int(customers) == 1 else "weekly.moved",
            lang,
            n=fmt.count(int(customers), lang),
            from_tier=state_label(str(from_tier), lang),
            to_tier=state_label(str(to_tier), lang),
        )
        for from_tier, to_tier, customers in moved[["from_tier", "to_tier", "customers"]].itertuples(
            index=False, name=None
        )
    ]


# --- alerts -----------------------------------------------------------------------------------------------------

_CONTACTS_SQL = """
with ranked as (
    select customer_id, name, phone,
           row_number() over (partition by customer_id order by load_id, name, phone) as pick
    from members
    where dataset_id = $dataset_id
),
final as (
    select customer_id, name, phone
    from ranked
    where pick = 1
)
select * from final
order by customer_id
"""


def _alert_frame(table: pd.DataFrame, contacts: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
    """ALERT_COLUMNS for the given customers of a tier table, with their contacts; most spend first."""
    rows = table[table["customer_id"].isin(ids)][["customer_id", "tier", "last_purchase", "spend_w"]]
    frame = rows.merge(contacts, on="customer_id", how="left")
    frame = frame.assign(
        last_purchase=pd.Series(
            [None if pd.isna(d) else pd.Timestamp(d).date() for d in frame["last_purchase"]],
            index=frame.index,
            dtype=object,
        ),
        spend_w=frame["spend_w"].astype(float).round(2),
        name=frame["name"].astype(object).where(frame["name"].notna(), None),
        phone=frame["phone"].astype(object).where(frame["phone"].notna(), None),
    )
    frame = frame.sort_values(["spend_w", "customer_id"], ascending=[False, True])
    return frame[ALERT_COLUMNS].reset_index(drop=True)


def alerts(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    week_end: date,
    cfg: TierRules = DEFAULT_RULES,
    tables: Mapping[date, pd.DataFrame] | None = None,
    slipped: Slipping | None = None,
) -> dict[str, pd.DataFrame]:
    """The four alerts of the week (ALERT_KEYS) as customer frames; see the module docstring for the rules.

    `tables` (from `sunday_tables`, same cfg) saves the tier tables of week_end and the Sunday before; `slipped`
    the forecast's slipping customers of the week (segcore.forecast.slipping)."""
    week_end = _check_sunday(week_end)
    frames = _tables_for(con, dataset_id, week_end, cfg, tables, 2)
    before, after = frames[week_end - timedelta(days=7)], frames[week_end]
    high_value = _members(before, "high_spend") | _members(before, "high_ticket")
    went_silent = (_members(after, "silent") - _members(before, "silent")) & high_value
    quiet = _ids_where(after, after["recency_days"] >= VIP_QUIET_DAYS)
    first = pd.to_datetime(after["first_purchase"])
    mark_this_week = (first >= pd.Timestamp(week_end - timedelta(days=NEW_CUSTOMER_DAYS + 6))) & (
        first <= pd.Timestamp(week_end - timedelta(days=NEW_CUSTOMER_DAYS))
    )
    one_purchase = (after["frequency"] == 1) & mark_this_week
    contacts = con.execute(_CONTACTS_SQL, {"dataset_id": dataset_id}).df()
    return {
        "went_silent": _alert_frame(after, contacts, went_silent),
        "vip_quiet": _alert_frame(after, contacts, _members(after, "high_spend") & quiet),
        "no_second_purchase": _alert_frame(after, contacts, set(after.loc[one_purchase.to_numpy(), "customer_id"])),
        "slipping": _alert_frame(after, contacts, (slipped or slipping(con, dataset_id, week_end)).customer_ids),
    }


# --- actions and campaigns -------------------------------------------------------------------------------------


def tier_counts(tiers: pd.DataFrame) -> dict[str, int]:
    """Customers per tier of a tier table (customers without a tier left out)."""
    return {str(tier): int(n) for tier, n in tiers["tier"].value_counts().items()}


def actions(counts: Mapping[str, int], playbook: pd.DataFrame) -> pd.DataFrame:
    """(tier, customers, action, channel): each playbook tier (its order) with customers in it, from the customers
    per tier (tier_counts)."""
    rows = [
        {
            "tier": row.segment,
            "customers": int(counts.get(str(row.segment), 0)),
            "action": row.action,
            "channel": row.channel,
        }
        for row in playbook.itertuples(index=False)
    ]
    frame = pd.DataFrame(rows, columns=["tier", "customers", "action", "channel"])
    return frame[frame["customers"] > 0].reset_index(drop=True).astype({"customers": "int64"})


class CampaignLine(NamedTuple):
    """A campaign in the weekly review: its name, status key (running / ended), lift headline and id."""

    name: str
    status: str
    headline: str
    campaign_id: str


def _as_date(value: Any) -> date:
    return pd.Timestamp(value).date()


def _did_sentence(did: Any, lang: str, currency: str = "CNY") -> str:
    if did is None or did.diff is None:
        return text("weekly.did", lang, line=text("camp.did_unknown", lang))
    line = text(
        "camp.did_line",
        lang,
        diff=fmt.money(did.diff, lang, cents=True, currency=currency),
        low=fmt.money(did.ci_low, lang, cents=True, currency=currency),
        high=fmt.money(did.ci_high, lang, cents=True, currency=currency),
    )
    return text("weekly.did", lang, line=line)


def recent_campaigns(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    week_end: date,
    cfg: TierRules = DEFAULT_RULES,
    lang: str = "en",
    currency: str = "CNY",
) -> list[CampaignLine]:
    """Campaigns running at week_end or ended in the 4 weeks before, newest start first, with their lift headline."""
    from segcore.campaigns import list_campaigns
    from segcore.lift import headline
    from segcore.measure import campaign_status, measure_campaign

    week_end = _check_sunday(week_end)
    lines = []
    for row in list_campaigns(con, dataset_id).itertuples(index=False):
        start, end = _as_date(row.start), _as_date(row.end)
        if start > week_end or end <= week_end - timedelta(days=RECENT_CAMPAIGN_DAYS):
            continue
        result = measure_campaign(con, str(row.campaign_id), week_end, cfg)
        if result.report is not None:
            sentence = headline(result.report, lang, currency)
        else:
            sentence = _did_sentence(result.did, lang, currency)
        if result.interim:
            sentence = text("weekly.interim", lang, day=fmt.day(result.measured_end, lang), headline=sentence)
        status = campaign_status(start, end, week_end)
        lines.append(CampaignLine(str(row.name), status, sentence, str(row.campaign_id)))
    return lines


# --- the whole review -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyReview:
    """Everything the weekly page and the report show for one week, computed once (same numbers in both)."""

    dataset_id: str
    dataset_name: str
    lang: str
    week_start: date
    week_end: date
    kpis: list[Kpi]
    movements: pd.DataFrame  # from_tier, to_tier, customers (stayers included)
    top_movements: list[str]
    alerts: dict[str, pd.DataFrame]
    campaigns: list[CampaignLine]
    actions: pd.DataFrame  # tier, customers, action, channel
    tier_order: tuple[str, ...]  # the tiers in display order (cfg.tier_order, regular, potential)
    active_days: int
    sleeping_days: int
    currency: str = "CNY"  # the dataset's currency code: every amount of the page and the report carries it
    slipping_clv: float | None = None  # the lowest CLV of the `slipping` alert's high-CLV customers
    forecast_warnings: tuple[dict[str, Any], ...] = ()  # the forecast's warnings, shown with the `slipping` alert

    @property
    def week_label(self) -> str:
        """The week as YYYY-Www."""
        return iso_week_label(self.week_start)

    def kpi(self, key: str) -> Kpi:
        """The KPI with this key."""
        return next(k for k in self.kpis if k.key == key)

    def sections_with_content(self) -> list[str]:
        """The SECTIONS that have something to show this week (presentation mode skips the others; the KPIs always
        show)."""
        has = {
            "kpis": True,
            "movements": bool(self.top_movements),
            "alerts": any(not frame.empty for frame in self.alerts.values()),
            "campaigns": bool(self.campaigns),
            "actions": not self.actions.empty,
        }
        return [section for section in SECTIONS if has[section]]

    @property
    def no_sales(self) -> bool:
        """No sales in the week: no purchase and a net revenue of 0 (no line, or an order refunded in full)."""
        return self.kpi("purchases").value == 0 and self.kpi("revenue").value == 0


def store_name(con: duckdb.DuckDBPyConnection, dataset_id: str, lang: str) -> str:
    """The store as a person reads it: the demo as "Demo store" / "演示门店", else the dataset's name (its id when
    it has none) with underscores as spaces ("online_retail_2011" -> "online retail 2011")."""
    row = con.execute(
        "select name, is_demo from datasets where dataset_id = $dataset_id", {"dataset_id": dataset_id}
    ).fetchone()
    if row and row[1]:
        return text("weekly.demo_store", lang)
    name = str(row[0]) if row and row[0] else dataset_id
    return " ".join(name.replace("_", " ").split()) or dataset_id


@dataclass(frozen=True)
class WeeklyNumbers:
    """The part of a weekly review that takes the time at a large store (the KPIs over 9 tier tables, the movements,
    the alerts and the forecast's slipping customers), in no language: prepare stores it for the default week."""

    kpis: list[Kpi]
    movements: pd.DataFrame
    alerts: dict[str, pd.DataFrame]
    slipped: Slipping
    tier_counts: dict[str, int]  # customers per tier at week_end


def weekly_numbers(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    week_end: date,
    cfg: TierRules = DEFAULT_RULES,
    tables: Mapping[date, pd.DataFrame] | None = None,
) -> WeeklyNumbers:
    """The numbers of the weekly review of the week ending on the Sunday `week_end`; `tables` as for weekly_kpis."""
    week_end = _check_sunday(week_end)
    tables = _tables_for(con, dataset_id, week_end, cfg, tables, HISTORY_WEEKS + 1)  # given (prepared) or computed
    slipped = slipping(con, dataset_id, week_end)
    return WeeklyNumbers(
        kpis=weekly_kpis(con, dataset_id, week_end, cfg, tables),
        movements=tier_movements(tables[week_end - timedelta(days=7)], tables[week_end]),
        alerts=alerts(con, dataset_id, week_end, cfg, tables, slipped),
        slipped=slipped,
        tier_counts=tier_counts(tables[week_end]),
    )


def numbers_key(con: duckdb.DuckDBPyConnection, dataset_id: str, week_end: date, cfg: TierRules) -> str:
    """The key of the stored numbers of this week, for the current data and rules."""
    from segcore.prepared import data_version

    return prepared_key("weekly", dataset_id, {"week_end": week_end}, cfg, data_version(con, dataset_id))


def save_numbers(
    con: duckdb.DuckDBPyConnection, dataset_id: str, week_end: date, cfg: TierRules, numbers: WeeklyNumbers
) -> None:
    """Keep the numbers of this week in the workspace (segcore.stored_views), for the current data and rules."""
    kpis = [
        {**{f: getattr(k, f) for f in ("key", "value", "previous", "change", "kind", "higher_is_better")},
         "history": [[day.isoformat(), value] for day, value in k.history]}
        for k in numbers.kpis
    ]  # fmt: skip
    slipped = numbers.slipped
    document = {
        "kpis": kpis,
        "slipping": {
            "ids": sorted(slipped.customer_ids),
            "clv_threshold": slipped.clv_threshold,
            "warnings": slipped.warnings,
        },
        "tier_counts": numbers.tier_counts,
    }
    frames = {"movements": numbers.movements} | {f"alert:{key}": frame for key, frame in numbers.alerts.items()}
    key = numbers_key(con, dataset_id, week_end, cfg)
    save_view(con, dataset_id, key, week_end, frames, document)


def stored_numbers(
    con: duckdb.DuckDBPyConnection, dataset_id: str, week_end: date, cfg: TierRules
) -> WeeklyNumbers | None:
    """The numbers of this week as prepare stored them for the current data and rules; None when not stored."""
    view = load_view(con, dataset_id, numbers_key(con, dataset_id, _check_sunday(week_end), cfg))
    if view is None:
        return None
    kpis = [
        Kpi(**{k: v for k, v in row.items() if k != "history"},
            history=[(date.fromisoformat(day), value) for day, value in row["history"]])
        for row in view.document["kpis"]
    ]  # fmt: skip
    slipping_part = view.document["slipping"]
    return WeeklyNumbers(
        kpis=kpis,
        movements=view.frame("movements"),
        alerts={key: view.frame(f"alert:{key}") for key in ALERT_KEYS},
        slipped=Slipping(set(slipping_part["ids"]), slipping_part["clv_threshold"], slipping_part["warnings"]),
        tier_counts={str(tier): int(n) for tier, n in view.document["tier_counts"].items()},
    )


def weekly_review(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    week_end: date,
    cfg: TierRules = DEFAULT_RULES,
    lang: str = "en",
    dataset_name: str | None = None,
    currency: str | None = None,
    tables: Mapping[date, pd.DataFrame] | None = None,
    numbers: WeeklyNumbers | None = None,
) -> WeeklyReview:
    """The weekly review of the week ending on the Sunday `week_end`, in `lang` (sentences and playbook actions);
    amounts in `currency` (default: the dataset's), the store named `dataset_name` (default: `store_name`).
    `numbers` (stored_numbers, same data and rules) saves every tier table."""
    from segcore.currency import dataset_currency
    from segcore.playbook import playbook

    week_end = _check_sunday(week_end)
    if numbers is None:
        numbers = weekly_numbers(con, dataset_id, week_end, cfg, tables)
    tier_order = (*cfg.tier_order, "regular", "potential")
    currency = currency or dataset_currency(con, dataset_id)
    slipped = numbers.slipped
    return WeeklyReview(
        dataset_id=dataset_id,
        dataset_name=dataset_name or store_name(con, dataset_id, lang),
        lang=lang,
        week_start=week_end - timedelta(days=6),
        week_end=week_end,
        kpis=numbers.kpis,
        movements=numbers.movements,
        top_movements=top_movements(numbers.movements, 5, lang),
        alerts=numbers.alerts,
        campaigns=recent_campaigns(con, dataset_id, week_end, cfg, lang, currency),
        actions=actions(numbers.tier_counts, playbook(con, "tier", list(tier_order), lang)),
        tier_order=tier_order,
        active_days=cfg.lifecycle_at_risk_days,
        sleeping_days=cfg.sleeping_days,
        currency=currency,
        slipping_clv=slipped.clv_threshold,
        forecast_warnings=tuple(slipped.warnings),
    )
