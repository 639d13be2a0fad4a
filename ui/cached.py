"""Cached calls into segcore for the pages: each cache has a ttl and max_entries and keys on the data version."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import duckdb
import pandas as pd
import pyarrow as pa
import streamlit as st

from segcore import engine, migration, outcomes, overview, segments, targets
from segcore import weekly as weekly_core
from segcore.campaigns import list_campaigns
from segcore.measure import CampaignResult, measure_campaign
from segcore.sql import NO_EXTENSIONS, quote_ident
from segcore.targets import Exclusion, Rule, TargetList
from segcore.tier_rules import TierRules, load_rules
from segcore.weekly import WeeklyReview
from ui import state

__all__ = [
    "baseline_rate",
    "campaigns",
    "customer_purchases",
    "distinct_values",
    "filter_candidates",
    "has_promo",
    "measure",
    "migration_between",
    "migration_key",
    "migration_movers",
    "migration_net_flow",
    "migration_sizes",
    "migration_summary",
    "monthly_revenue",
    "movers_details",
    "store_summary",
    "target_list",
    "tier_history",
    "tier_rules",
    "tier_table",
    "weekly_review",
]


@st.cache_data(ttl=3600, max_entries=32)
def _store_summary(dataset_id: str, as_of: date, version: int) -> dict[str, object]:
    with state.workspace().reader() as con:
        return overview.store_summary(con, dataset_id, as_of)


@st.cache_data(ttl=3600, max_entries=32)
def _monthly_revenue(dataset_id: str, as_of: date, version: int) -> pd.DataFrame:
    with state.workspace().reader() as con:
        return overview.monthly_revenue(con, dataset_id, as_of)


def store_summary(dataset_id: str, as_of: date) -> dict[str, object]:
    """Headline figures of a dataset (cached until the data changes)."""
    return _store_summary(dataset_id, as_of, state.data_version())


def monthly_revenue(dataset_id: str, as_of: date) -> pd.DataFrame:
    """Revenue by month over the last two years (cached until the data changes)."""
    return _monthly_revenue(dataset_id, as_of, state.data_version())


@st.cache_data(ttl=3600, max_entries=4)
def _tier_rules(version: int) -> TierRules:
    with state.workspace().reader() as con:
        return load_rules(con)


def tier_rules() -> TierRules:
    """The workspace's tier rules (the spec's defaults until the user changes them)."""
    return _tier_rules(state.data_version())


@st.cache_data(ttl=3600, max_entries=24, show_spinner=False)
def _tier_table(dataset_id: str, as_of: date, cfg: TierRules, version: int) -> pd.DataFrame:
    with state.workspace().reader() as con:
        return engine.tier_table(con, dataset_id, as_of, cfg)


def tier_table(dataset_id: str, as_of: date, cfg: TierRules | None = None) -> pd.DataFrame:
    """Every customer's tiers as of a date (cached per dataset, date and rules)."""
    return _tier_table(dataset_id, as_of, cfg or tier_rules(), state.data_version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _has_promo(dataset_id: str, version: int) -> bool:
    with state.workspace().reader() as con:
        return engine.has_promo(con, dataset_id)


def has_promo(dataset_id: str) -> bool:
    """Whether the dataset has promotion flags (else the promo groups are unavailable)."""
    return _has_promo(dataset_id, state.data_version())


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _tier_history(dataset_id: str, customer_id: str, as_of: date, cfg: TierRules, version: int) -> pd.DataFrame:
    with state.workspace().writer() as con:  # everyone's month-end states are kept for the next card
        return segments.tier_history(con, dataset_id, [customer_id], as_of, cfg, keep=True)


def tier_history(dataset_id: str, customer_id: str, as_of: date) -> pd.DataFrame:
    """One customer's tier at each of the last 12 month-ends."""
    return _tier_history(dataset_id, customer_id, as_of, tier_rules(), state.data_version())


def customer_purchases(dataset_id: str, customer_id: str, as_of: date) -> pd.DataFrame:
    """One customer's lines in the last 12 months (not cached: small and always fresh)."""
    with state.workspace().reader() as con:
        return segments.customer_purchases(con, dataset_id, customer_id, as_of)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _campaigns(dataset_id: str, version: int) -> pd.DataFrame:
    with state.workspace().reader() as con:
        return list_campaigns(con, dataset_id)


def campaigns(dataset_id: str) -> pd.DataFrame:
    """The dataset's campaigns (cached until the next write)."""
    return _campaigns(dataset_id, state.data_version())


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _measure(campaign_id: str, as_of: date, winsorize_at: float | None, cfg: TierRules, version: int) -> CampaignResult:
    with state.workspace().reader() as con:
        return measure_campaign(con, campaign_id, as_of, cfg, winsorize_at)


def measure(campaign_id: str, as_of: date, winsorize_at: float | None) -> CampaignResult:
    """A campaign's lift as of a date (cached)."""
    return _measure(campaign_id, as_of, winsorize_at, tier_rules(), state.data_version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _distinct_values(dataset_id: str, column: str, version: int) -> list[str]:
    with state.workspace().reader() as con:
        return overview.distinct_values(con, dataset_id, column)


def distinct_values(dataset_id: str, column: str) -> list[str]:
    """Stores or categories of a dataset, for filter choices."""
    return _distinct_values(dataset_id, column, state.data_version())


@st.cache_resource(ttl=600, max_entries=2, show_spinner=False)
def _target_candidates(dataset_id: str, as_of: date, cfg: TierRules, version: int) -> pa.Table:
    # the expensive part of a list (the tier table and every candidate column), built once per dataset, date and
    # rules; cache_resource: the Arrow table is shared, not copied (filter_candidates only reads it)
    with state.workspace().reader() as con:  # temp tables are private to this cursor
        table = targets.candidates(con, dataset_id, as_of, cfg)
        return con.sql(f"select * from {quote_ident(table)} order by customer_id").to_arrow_table()


def filter_candidates(
    con: duckdb.DuckDBPyConnection,
    candidates: pa.Table,
    dataset_id: str,
    as_of: date,
    rules: Sequence[Rule] = (),
    exclusions: Sequence[Exclusion] = (),
    channel: str = "sms",
) -> TargetList:
    """build_list over an already built candidate table (segcore.targets.candidates as Arrow): the rules, then each
    exclusion in order; `con` (the workspace) answers the exclusions' questions (contacts, consent, promo data).

    The same steps as segcore.targets.build_list after its `candidates(...)` call (a test holds them equal): to be
    replaced by a build_list that takes the candidate table, once segcore.targets offers one."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    targets._check_channel(channel)
    typed_rules = tuple(targets.normalize_rule(r) for r in rules)
    checked = [targets._check_exclusion(e) for e in exclusions]
    where, params = targets.rules_to_sql(typed_rules, targets.FIELDS, as_of=as_of)
    mem = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        mem.register(targets.CANDIDATES, candidates)
        match = targets._MATCH_SQL.format(table=quote_ident(targets.CANDIDATES), where=where)
        rows = mem.execute(match, params).df()
        matched = len(rows)
        removed: list[tuple[Exclusion, int]] = []
        warnings: list[str] = []
        id_lists: list[targets.IdListCount] = []
        for exclusion in checked:
            if exclusion.kind == "promo_chaser":
                if not engine.has_promo(con, dataset_id):
                    warnings.append("target.warn.no_promo_data")
                drop = rows["groups"].map(lambda g: "promo_chaser" in list(g))
            elif exclusion.kind == "contacted_within_days":
                drop = rows["customer_id"].isin(targets._recent_contacts(con, dataset_id, as_of, exclusion.value))
            elif exclusion.kind == "manual":
                drop = targets._on_id_list(rows, exclusion)
                everyone = mem.execute(f"select customer_id, phone from {quote_ident(targets.CANDIDATES)}").df()
                id_lists.append(
                    targets.IdListCount(len(exclusion.value), int(targets._on_id_list(everyone, exclusion).sum()))
                )
            else:
                if channel in targets._CONSENT_CHANNELS and not targets.consent_recorded(con, dataset_id, channel):
                    warnings.append(f"target.warn.no_consent.{channel}")
                drop = ~targets.reachable(rows, channel)
            removed.append((exclusion, int(drop.sum())))
            rows = rows[~drop.astype(bool)].reset_index(drop=True)
    finally:
        mem.close()
    return TargetList(
        dataset_id, as_of, channel, typed_rules, matched, tuple(removed), rows, tuple(warnings), tuple(id_lists)
    )


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _target_list(
    dataset_id: str,
    as_of: date,
    rules: tuple[Rule, ...],
    exclusions: tuple[Exclusion, ...],
    channel: str,
    cfg: TierRules,
    version: int,
) -> TargetList:
    candidates = _target_candidates(dataset_id, as_of, cfg, version)  # the same for every filter and exclusion
    with state.workspace().reader() as con:
        return filter_candidates(con, candidates, dataset_id, as_of, rules, exclusions, channel)


def target_list(
    dataset_id: str, as_of: date, rules: tuple[Rule, ...], exclusions: tuple[Exclusion, ...], channel: str
) -> TargetList:
    """The list for these filters and exclusions (cached per choice; the candidate table behind every choice is
    built once per dataset, date and rules, so a filter change only filters)."""
    return _target_list(dataset_id, as_of, rules, exclusions, channel, tier_rules(), state.data_version())


@st.cache_data(ttl=600, max_entries=16, show_spinner=False)
def _baseline_rate(dataset_id: str, as_of: date, ids: tuple[str, ...], days: int, version: int) -> float | None:
    with state.workspace().reader() as con:
        return outcomes.baseline_rate(con, dataset_id, pd.Series(ids, dtype=str), as_of, days)


def baseline_rate(dataset_id: str, as_of: date, ids: tuple[str, ...], days: int) -> float | None:
    """The listed customers' response rate in the last period of the campaign's length."""
    return _baseline_rate(dataset_id, as_of, ids, days, state.data_version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _migration_key(dataset_id: str, dates: tuple[date, ...], cfg: TierRules, version: int) -> str:
    with state.workspace().writer() as con:  # the states are kept in the workspace and reused
        return migration.cache_key(con, dataset_id, list(dates), cfg, "tier")


def migration_key(dataset_id: str, dates: tuple[date, ...]) -> str:
    """The key of every customer's tier at each snapshot date in the workspace (one set-based pass the first time;
    reused until data or rules change). The states stay in DuckDB: the migration_* reads below take this key, which
    changes with everything the states depend on, so their caches need no data version."""
    return _migration_key(dataset_id, dates, tier_rules(), state.data_version())


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def migration_between(dataset_id: str, key: str, start: date, end: date) -> pd.DataFrame:
    """Customers per (from_state, to_state) between two snapshot dates of the cached states `key`."""
    with state.workspace().reader() as con:
        return migration.transitions_between_from_cache(con, dataset_id, key, start, end)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def migration_summary(dataset_id: str, key: str, start: date, end: date, cfg: TierRules) -> dict[str, int]:
    """Moved up, down, stayed and VIPs gone silent between two snapshot dates of the cached states `key`."""
    with state.workspace().reader() as con:
        return migration.summary_counts_from_cache(con, dataset_id, key, start, end, cfg)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def migration_sizes(dataset_id: str, key: str) -> pd.DataFrame:
    """Customers per (snapshot_date, tier) of the cached states `key`, `none` left out."""
    with state.workspace().reader() as con:
        return migration.state_sizes_from_cache(con, dataset_id, key)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def migration_net_flow(dataset_id: str, key: str, dates: tuple[date, ...], cfg: TierRules) -> pd.DataFrame:
    """Inflow, outflow and net per (to_date, tier) between consecutive snapshots of the cached states `key` (of
    these dates and rules): net_flow_from_cache's answer, from the engine's packed transition count over the cache
    (3x faster than a join of consecutive snapshots; only the transition counts leave DuckDB)."""
    with state.workspace().reader() as con:
        return migration.net_flow(migration.cached_transitions(con, dataset_id, list(dates), cfg, "tier"))


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def migration_movers(
    dataset_id: str, key: str, start: date, end: date, source: str, target: str, limit: int | None
) -> migration.Movers:
    """The first `limit` customers (None: all) in `source` at start and `target` at end, and how many there are."""
    with state.workspace().reader() as con:
        return migration.movers_from_cache(con, dataset_id, key, start, end, source, target, limit)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _movers_details(
    dataset_id: str, ids: tuple[str, ...], start: date, end: date, cfg: TierRules, version: int
) -> pd.DataFrame:
    picked = pd.Index(ids, name="customer_id")
    with state.workspace().reader() as con:
        before = engine.tier_table(con, dataset_id, start, cfg).set_index("customer_id")
        after = engine.tier_table(con, dataset_id, end, cfg).set_index("customer_id")
    return pd.DataFrame({
        "last_purchase": after["last_purchase"].reindex(picked),
        "spend_before": before["spend_w"].reindex(picked).fillna(0),
        "spend_after": after["spend_w"].reindex(picked).fillna(0),
    }).reset_index()  # fmt: skip


def movers_details(dataset_id: str, ids: tuple[str, ...], start: date, end: date) -> pd.DataFrame:
    """Last purchase (as of end) and spend in the groups window before and after, for some customers (only their
    rows are kept in the cache)."""
    return _movers_details(dataset_id, ids, start, end, tier_rules(), state.data_version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _weekly_review(dataset_id: str, week_end: date, lang: str, cfg: TierRules, version: int) -> WeeklyReview:
    with state.workspace().reader() as con:
        return weekly_core.weekly_review(con, dataset_id, week_end, cfg, lang)


def weekly_review(dataset_id: str, week_end: date, lang: str) -> WeeklyReview:
    """Everything the weekly review shows, for one week and language (cached)."""
    return _weekly_review(dataset_id, week_end, lang, tier_rules(), state.data_version())


# issue 12, block A
# (end of block A)


# issue 12, block B
@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _customer_profile(dataset_id: str, customer_id: str, as_of: date, version: int) -> dict[str, object]:
    with state.workspace().reader() as con:
        return segments.customer_profile(con, dataset_id, customer_id, as_of)


def customer_profile(dataset_id: str, customer_id: str, as_of: date) -> dict[str, object]:
    """One customer's profile fields, lifetime and 12-month spend (cached until the data changes)."""
    return _customer_profile(dataset_id, customer_id, as_of, state.data_version())


def store_averages(dataset_id: str, as_of: date) -> dict[str, float | None]:
    """The store-wide figures the group rules compare with, from the (cached) tier table."""
    return segments.store_averages(tier_table(dataset_id, as_of))


def rules_preview(dataset_id: str, as_of: date, before: TierRules, after: TierRules) -> pd.DataFrame:
    """Who would change tier between two rule sets as of a date: the from -> to table of the two (cached) tier
    tables, both from the one engine."""
    from segcore.tier_rules import tier_moves

    order = [*after.tier_order, "regular", "potential"]
    return tier_moves(tier_table(dataset_id, as_of, before), tier_table(dataset_id, as_of, after), order)


# (end of block B)


# issue 12, block C
# (end of block C)


# issue 12, block D
# (end of block D)


# issue 12, block E
# (end of block E)


# issue 12, block F
# (end of block F)
