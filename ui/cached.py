"""Cached calls into segcore for the pages: each cache has a ttl and max_entries and keys on the data version."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import streamlit as st

from segcore import (
    engine,
    migration,
    migration_view,
    outcomes,
    overview,
    persona,
    prepared,
    segments,
    stored_candidates,
    targets,
    tier_imports,
)
from segcore import forecast as forecast_core
from segcore import weekly as weekly_core
from segcore.access import seen_as
from segcore.attributes import extra_attributes
from segcore.campaigns import list_campaigns
from segcore.engine.run import frame as result_frame
from segcore.errors import InputError
from segcore.forecast import (
    DEFAULT_DISCOUNT,
    DEFAULT_HORIZON_DAYS,
    Forecast,
    check_settings,
    load_forecast,
    save_forecast,
)
from segcore.forecast.views import segment_totals, valuable_slipping
from segcore.measure import CampaignResult, measure_campaign
from segcore.sql import NO_EXTENSIONS, quote_ident
from segcore.targets import Exclusion, Rule, TargetList
from segcore.tier_rules import TierRules, load_rules
from segcore.weekly import WeeklyReview
from ui import state

__all__ = [
    "Candidates",
    "ForecastDetails",
    "baseline_rate",
    "campaigns",
    "candidate_count",
    "customer_forecast",
    "customer_purchases",
    "dataset_fields",
    "distinct_values",
    "extra_values",
    "filter_candidates",
    "forecast",
    "forecast_details",
    "forecast_warnings",
    "has_promo",
    "list_baseline_rate",
    "measure",
    "migration_between",
    "migration_key",
    "migration_movers",
    "migration_net_flow",
    "migration_sizes",
    "monthly_revenue",
    "movers_details",
    "persona_cube",
    "prepare_candidates",
    "store_summary",
    "target_list",
    "tier_history",
    "tier_rules",
    "tier_table",
    "weekly_review",
]


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _stored_overview(dataset_id: str, as_of: date, version: int) -> overview.OverviewNumbers | None:
    # the default date's numbers, once prepared (None otherwise: each is then computed below)
    with state.workspace().reader() as con:
        return overview.stored_overview(con, dataset_id, as_of)


@st.cache_data(ttl=3600, max_entries=32)
def _store_summary(dataset_id: str, as_of: date, version: int) -> dict[str, object]:
    stored = _stored_overview(dataset_id, as_of, version)
    if stored is not None:
        return stored.summary
    with state.workspace().reader() as con:
        return overview.store_summary(con, dataset_id, as_of)


@st.cache_data(ttl=3600, max_entries=32)
def _monthly_revenue(dataset_id: str, as_of: date, version: int) -> pd.DataFrame:
    stored = _stored_overview(dataset_id, as_of, version)
    if stored is not None:
        return stored.months
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


def _tiers(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules) -> pd.DataFrame:
    """engine.tier_table, read from the prepared tables when stored for the current data and rules; for a dataset
    of tier tables loaded from elsewhere (Spark), the loaded table."""
    imported = tier_imports.imported_tier_table(con, dataset_id, as_of)
    if imported is not None:
        return imported
    stored = prepared.stored_tier_table(con, dataset_id, as_of, cfg)
    return stored if stored is not None else engine.tier_table(con, dataset_id, as_of, cfg)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _imported_dates(dataset_id: str, version: int) -> list[date]:
    with state.workspace().reader() as con:
        return tier_imports.imported_dates(con, dataset_id)


def imported_dates(dataset_id: str) -> list[date]:
    """The as-of dates of the tier tables loaded as this dataset's tiers (empty for a dataset with sales)."""
    return _imported_dates(dataset_id, state.data_version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _tier_source(dataset_id: str, as_of: date, version: int) -> tier_imports.TierSource | None:
    with state.workspace().reader() as con:
        return tier_imports.tier_source(con, dataset_id, as_of)


def tier_source(dataset_id: str, as_of: date) -> tier_imports.TierSource | None:
    """Where a loaded tier table came from (None: the tiers are computed here from the dataset's sales)."""
    return _tier_source(dataset_id, as_of, state.data_version())


@st.cache_resource(ttl=3600, max_entries=6, show_spinner=False)
def _tier_table(dataset_id: str, as_of: date, cfg: TierRules, version: int) -> pd.DataFrame:
    # cache_resource: the table is shared, not unpickled on every run (at 1M customers cache_data's copy of the
    # two tables the Segments page reads took most of its warm run); no caller changes it in place
    with state.workspace().reader() as con:
        return _tiers(con, dataset_id, as_of, cfg)


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
def _target_candidates(dataset_id: str, as_of: date, cfg: TierRules, version: int) -> Candidates:
    # the expensive part of a list (the tier table and every candidate column), built once per dataset, date and
    # rules; cache_resource: the prepared table is shared, not copied (filter_candidates only reads it)
    with state.workspace().reader() as con:  # temp tables are private to this cursor
        table = stored_candidates.stored_candidates(con, dataset_id, as_of, cfg)  # the default date, once prepared
        if table is None:
            tiers = prepared.stored_tier_table(con, dataset_id, as_of, cfg)
            table = stored_candidates.candidate_table(con, dataset_id, as_of, cfg, tiers)
        return prepare_candidates(table)


_POSITION = "_candidate_row"  # a candidate's row number in the prepared table


class Candidates:
    """The candidate table (segcore.targets.candidates as Arrow, by customer_id) prepared for filtering: the Arrow
    table with row numbers for the rules' SQL, every row as pandas (converted once: a filter change only picks rows)
    and which rows are promo chasers. Read-only once built."""

    def __init__(self, table: pa.Table) -> None:
        self.arrow = table.append_column(_POSITION, pa.array(range(table.num_rows), type=pa.int64()))
        self.size = table.num_rows
        groups = table.column("groups").combine_chunks()
        hits = pc.list_parent_indices(groups).filter(pc.equal(pc.list_flatten(groups), "promo_chaser"))
        self.promo_chaser = np.zeros(table.num_rows, dtype=bool)
        self.promo_chaser[hits.to_numpy()] = True

    @functools.cached_property
    def frame(self) -> pd.DataFrame:
        """Every row as pandas: the same conversion as build_list's matched rows (DuckDB to pandas, equal to df()),
        made once, when a list first needs rows (the Personas page never does)."""
        mem = duckdb.connect(":memory:", config=NO_EXTENSIONS)
        try:
            mem.register(targets.CANDIDATES, self.arrow)
            name, position = quote_ident(targets.CANDIDATES), quote_ident(_POSITION)
            return result_frame(mem.execute(f"select * exclude ({position}) from {name} order by {position}"))
        finally:
            mem.close()

    @functools.cached_property
    def empty(self) -> dict[str, np.ndarray]:
        """The nullable integer columns, and which of their cells are empty."""
        return {
            str(column): self.frame[column].isna().to_numpy()
            for column in self.frame.columns
            if isinstance(self.frame[column].dtype, pd.api.extensions.ExtensionDtype)
            and hasattr(self.frame[column].dtype, "numpy_dtype")
        }

    def matching(self, where: str, params: dict[str, object]) -> np.ndarray:
        """Row numbers of the candidates matching a rules_to_sql WHERE clause, in customer_id order."""
        mem = duckdb.connect(":memory:", config=NO_EXTENSIONS)
        try:
            mem.register(targets.CANDIDATES, self.arrow)
            sql = targets._MATCH_SQL.format(table=quote_ident(targets.CANDIDATES), where=where)
            found = mem.execute(f"select {quote_ident(_POSITION)} from ({sql})", params).fetchnumpy()[_POSITION]
        finally:
            mem.close()
        return np.asarray(found, dtype=np.int64)

    def rows(self, positions: np.ndarray, matched: np.ndarray) -> pd.DataFrame:
        """These rows as build_list's frame, which is DuckDB's conversion of the `matched` rows (then filtered): an
        integer column with no empty cell among the matched rows is a plain integer column; a new 0..n-1 index."""
        rows = self.frame.take(positions).reset_index(drop=True)
        for column, empty in self.empty.items():
            if not empty[matched].any():
                rows[column] = rows[column].to_numpy(dtype=self.frame[column].dtype.numpy_dtype)
        return rows


def prepare_candidates(table: pa.Table) -> Candidates:
    """The candidate table (Arrow, by customer_id) ready for filter_candidates."""
    return Candidates(table)


def filter_candidates(
    con: duckdb.DuckDBPyConnection,
    candidates: pa.Table | Candidates,
    dataset_id: str,
    as_of: date,
    rules: Sequence[Rule] = (),
    exclusions: Sequence[Exclusion] = (),
    channel: str = "sms",
) -> TargetList:
    """build_list over an already built candidate table (segcore.targets.candidates as Arrow, or prepared): the
    rules, then each exclusion in order; `con` (the workspace) answers the exclusions' questions (contacts, consent,
    promo data).

    The same steps as segcore.targets.build_list after its `candidates(...)` call (a test holds them equal), on row
    numbers: only the list's rows are taken from the prepared frame at the end."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    prepared = candidates if isinstance(candidates, Candidates) else prepare_candidates(candidates)
    targets._check_channel(channel)
    fields = targets.fields_for(con, dataset_id)
    typed_rules = tuple(targets.normalize_rule(r, fields) for r in rules)
    checked = [targets._check_exclusion(e) for e in exclusions]
    where, params = targets.rules_to_sql(typed_rules, fields, as_of=as_of)
    positions = matched_rows = prepared.matching(where, params)
    frame = prepared.frame
    matched = len(positions)
    removed: list[tuple[Exclusion, int]] = []
    warnings: list[str] = []
    id_lists: list[targets.IdListCount] = []
    for exclusion in checked:
        if exclusion.kind == "promo_chaser":
            if not engine.has_promo(con, dataset_id):
                warnings.append("target.warn.no_promo_data")
            drop = prepared.promo_chaser[positions]
        elif exclusion.kind == "contacted_within_days":
            recent = targets._recent_contacts(con, dataset_id, as_of, exclusion.value)
            drop = frame["customer_id"].to_numpy()[positions]
            drop = pd.Series(drop).isin(recent).to_numpy(dtype=bool)
        elif exclusion.kind == "manual":
            listed = targets._on_id_list(frame[["customer_id", "phone"]], exclusion).to_numpy(dtype=bool)
            drop = listed[positions]
            id_lists.append(targets.IdListCount(len(exclusion.value), int(listed.sum())))
        else:
            if channel in targets._CONSENT_CHANNELS and not targets.consent_recorded(con, dataset_id, channel):
                warnings.append(f"target.warn.no_consent.{channel}")
            drop = ~targets.reachable(frame.iloc[positions], channel).to_numpy(dtype=bool)
        removed.append((exclusion, int(drop.sum())))
        positions = positions[~drop]
    return TargetList(
        dataset_id,
        as_of,
        channel,
        typed_rules,
        matched,
        tuple(removed),
        prepared.rows(positions, matched_rows),
        tuple(warnings),
        tuple(id_lists),
    )


@st.cache_resource(ttl=600, max_entries=16, show_spinner=False)
def _target_list(
    dataset_id: str,
    as_of: date,
    rules: tuple[Rule, ...],
    exclusions: tuple[Exclusion, ...],
    channel: str,
    cfg: TierRules,
    version: int,
) -> TargetList:
    # cache_resource: the list is shared, not copied on every rerun (nothing changes a TargetList once built)
    candidates = _target_candidates(dataset_id, as_of, cfg, version)  # the same for every filter and exclusion
    with state.workspace().reader() as con:
        return filter_candidates(con, candidates, dataset_id, as_of, rules, exclusions, channel)


def target_list(
    dataset_id: str, as_of: date, rules: tuple[Rule, ...], exclusions: tuple[Exclusion, ...], channel: str
) -> TargetList:
    """The list for these filters and exclusions (cached per choice; the candidate table behind every choice is
    built and converted once per dataset, date and rules, so a filter change only picks rows)."""
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


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def migration_stored_view(dataset_id: str, key: str) -> migration_view.MigrationView | None:
    """The default view prepare stored for the cached states `key` (None when not prepared): the reads below
    answer from it for its period and cell."""
    with state.workspace().reader() as con:
        return migration_view.stored_migration_view(con, dataset_id, key)


def migration_between(dataset_id: str, key: str, start: date, end: date) -> pd.DataFrame:
    """Customers per (from_state, to_state) between two snapshot dates of the cached states `key`."""
    view = migration_stored_view(dataset_id, key)
    return view.moves if view and view.has_period(start, end) else _migration_between(dataset_id, key, start, end)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _migration_between(dataset_id: str, key: str, start: date, end: date) -> pd.DataFrame:
    with state.workspace().reader() as con:
        return migration.transitions_between_from_cache(con, dataset_id, key, start, end)


def migration_sizes(dataset_id: str, key: str) -> pd.DataFrame:
    """Customers per (snapshot_date, tier) of the cached states `key`, `none` left out."""
    view = migration_stored_view(dataset_id, key)
    return view.sizes if view else _migration_sizes(dataset_id, key)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _migration_sizes(dataset_id: str, key: str) -> pd.DataFrame:
    with state.workspace().reader() as con:
        return migration.state_sizes_from_cache(con, dataset_id, key)


def migration_net_flow(dataset_id: str, key: str, dates: tuple[date, ...], cfg: TierRules) -> pd.DataFrame:
    """Inflow, outflow and net per (to_date, tier) between consecutive snapshots of the cached states `key` (of
    these dates and rules): net_flow_from_cache's answer, from the engine's packed transition count over the cache
    (3x faster than a join of consecutive snapshots; only the transition counts leave DuckDB)."""
    view = migration_stored_view(dataset_id, key)
    return view.net_flow if view else _migration_net_flow(dataset_id, key, dates, cfg)


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _migration_net_flow(dataset_id: str, key: str, dates: tuple[date, ...], cfg: TierRules) -> pd.DataFrame:
    with state.workspace().reader() as con:
        return migration.net_flow(migration.cached_transitions(con, dataset_id, list(dates), cfg, "tier"))


def migration_movers(
    dataset_id: str, key: str, start: date, end: date, source: str, target: str, limit: int | None
) -> migration.Movers:
    """The first `limit` customers (None: all) in `source` at start and `target` at end, and how many there are."""
    view = migration_stored_view(dataset_id, key)
    if view and view.has_period(start, end) and view.cell == (source, target) and limit == migration_view.MOVERS_SHOWN:
        return view.movers
    return _migration_movers(dataset_id, key, start, end, source, target, limit)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _migration_movers(
    dataset_id: str, key: str, start: date, end: date, source: str, target: str, limit: int | None
) -> migration.Movers:
    with state.workspace().reader() as con:
        return migration.movers_from_cache(con, dataset_id, key, start, end, source, target, limit)


@st.cache_data(ttl=3600, max_entries=16, show_spinner=False)
def _movers_details(
    dataset_id: str, ids: tuple[str, ...], start: date, end: date, cfg: TierRules, version: int
) -> pd.DataFrame:
    with state.workspace().reader() as con:
        before, after = _tiers(con, dataset_id, start, cfg), _tiers(con, dataset_id, end, cfg)
    return migration_view.movers_details(before, after, list(ids))


def movers_details(
    dataset_id: str, ids: tuple[str, ...], start: date, end: date, key: str | None = None
) -> pd.DataFrame:
    """Last purchase (as of end) and spend in the groups window before and after, for some customers (only their
    rows are kept in the cache); from the stored view of the states `key` when it holds these customers."""
    view = migration_stored_view(dataset_id, key) if key else None
    if view and view.has_period(start, end) and tuple(view.movers.ids) == ids:
        return view.details
    return _movers_details(dataset_id, ids, start, end, tier_rules(), state.data_version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _weekly_review(
    dataset_id: str, week_end: date, lang: str, currency: str, cfg: TierRules, version: int
) -> WeeklyReview:
    with state.workspace().reader() as con:
        numbers = weekly_core.stored_numbers(con, dataset_id, week_end, cfg)  # the default week, once prepared
        days = [] if numbers else weekly_core.review_sundays(week_end)
        stored = {day: prepared.stored_tier_table(con, dataset_id, day, cfg) for day in days}
        tables = {day: table for day, table in stored.items() if table is not None}  # the rest are computed
        return weekly_core.weekly_review(
            con, dataset_id, week_end, cfg, lang, currency=currency, tables=tables, numbers=numbers
        )


def weekly_review(dataset_id: str, week_end: date, lang: str, currency: str) -> WeeklyReview:
    """Everything the weekly review shows, for one week, language and currency (cached)."""
    return _weekly_review(dataset_id, week_end, lang, currency, tier_rules(), state.data_version())


# issue 12, block A
@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _customer_counts(dataset_id: str, as_of: date, version: int) -> dict[str, int]:
    stored = _stored_overview(dataset_id, as_of, version)
    if stored is not None:
        return stored.counts
    summary = _store_summary(dataset_id, as_of, version)  # cached: the Overview has just read it
    with state.workspace().reader() as con:
        return overview.customer_counts(con, dataset_id, as_of, summary)


def customer_counts(dataset_id: str, as_of: date) -> dict[str, int]:
    """Every count of customers by its definition (bought, active, members, in_tiers, in_sales; cached until the
    data changes)."""
    return _customer_counts(dataset_id, as_of, state.data_version())


# (end of block A)


# issue 12, block B
@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _customer_profile(dataset_id: str, customer_id: str, as_of: date, role: str, version: int) -> dict[str, object]:
    with state.workspace().reader() as con:
        return segments.customer_profile(con, dataset_id, customer_id, as_of, access=seen_as(role))


def customer_profile(dataset_id: str, customer_id: str, as_of: date, role: str) -> dict[str, object]:
    """One customer's profile fields, lifetime and 12-month spend, with the phone and name as `role` may see them
    (cached per role until the data changes: one role's card is never served to another)."""
    return _customer_profile(dataset_id, customer_id, as_of, role, state.data_version())


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
@st.cache_resource(ttl=600, max_entries=8, show_spinner=False)
def _responders(dataset_id: str, as_of: date, days: int, cfg: TierRules, version: int) -> frozenset[str]:
    everyone = _target_candidates(dataset_id, as_of, cfg, version).frame["customer_id"].astype(str)
    listed = pd.DataFrame({"customer_id": everyone, "group": "treatment", "tier": None})
    with state.workspace().reader() as con:
        found = outcomes.campaign_outcomes(con, dataset_id, listed, as_of - timedelta(days=days - 1), as_of)
    return frozenset(found.loc[found["responded"].astype(bool), "customer_id"].astype(str))


def candidate_count(dataset_id: str, as_of: date) -> int:
    """Everyone a list can hold as of a date: customers who bought by then, and members (the candidate table)."""
    return _target_candidates(dataset_id, as_of, tier_rules(), state.data_version()).size


def list_baseline_rate(dataset_id: str, as_of: date, customer_ids: pd.Series, days: int) -> float | None:
    """outcomes.baseline_rate of a list (share of its customers with a purchase in the `days` up to as_of), from
    every customer's answer computed once per dataset, date and length: a filter change only counts."""
    if len(customer_ids) == 0:
        return None
    responders = _responders(dataset_id, as_of, days, tier_rules(), state.data_version())
    return float(customer_ids.astype(str).isin(responders).mean())


# (end of block C)


# issue 12, block D
# (end of block D)


# issue 12, block E
# (end of block E)


# issue 12, block F
# (end of block F)


# issue 16, personas
@st.cache_resource(ttl=600, max_entries=6, show_spinner=False)
def _persona_cube(dataset_id: str, as_of: date, scheme: str, cfg: TierRules, version: int) -> persona.PersonaCube:
    # counted once per dataset, date, rules and scheme over the Targets page's candidate table (the same rows, so a
    # hand-over's list matches the bar it came from); cache_resource: nothing changes a cube once built
    candidates = _target_candidates(dataset_id, as_of, cfg, version)
    with state.workspace().reader() as con:
        extras = extra_attributes(con, dataset_id, {*targets.FIELDS, *targets.CANDIDATE_COLUMNS})
    mem = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        mem.register(targets.CANDIDATES, candidates.arrow)
        return persona.persona_cube(mem, targets.CANDIDATES, scheme, extras)
    finally:
        mem.close()


def persona_cube(dataset_id: str, as_of: date, scheme: str) -> persona.PersonaCube:
    """The counts behind every persona of a scheme as of a date (cached until the data or the rules change): a
    segment's persona is then segcore.persona.persona(cube, segment), a few hundred rows."""
    return _persona_cube(dataset_id, as_of, scheme, tier_rules(), state.data_version())


@st.cache_data(ttl=3600, max_entries=8, show_spinner=False)
def _dataset_fields(dataset_id: str, version: int) -> dict[str, targets.Field]:
    with state.workspace().reader() as con:
        return targets.fields_for(con, dataset_id)


def dataset_fields(dataset_id: str) -> dict[str, targets.Field]:
    """The list fields of a dataset: FIELDS and one per extra column of its files (plain=True)."""
    return _dataset_fields(dataset_id, state.data_version())


EXTRA_CHOICES = 200  # the most values a text column of the files offers as filter choices


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def _extra_values(dataset_id: str, as_of: date, column: str, cfg: TierRules, version: int) -> tuple[list[str], int]:
    frame = _target_candidates(dataset_id, as_of, cfg, version).frame
    if column not in frame:
        return [], 0
    counts = frame[column].dropna().astype(str).value_counts()
    counts = counts[counts.index.str.strip() != ""]
    common = counts.sort_index().sort_values(ascending=False, kind="stable").head(EXTRA_CHOICES)
    return sorted(common.index), len(counts)


def extra_values(dataset_id: str, as_of: date, column: str) -> tuple[list[str], int]:
    """The values of a text column of the files among the candidates as of a date (the EXTRA_CHOICES most common,
    sorted) and how many distinct values it has."""
    return _extra_values(dataset_id, as_of, column, tier_rules(), state.data_version())


# (end of issue 16)


# issue 13, forecast
class _NotStored(Exception):
    """No stored forecast for these settings (raised so that st.cache_resource keeps no answer)."""


@st.cache_resource(ttl=3600, max_entries=6, show_spinner=False)
def _stored_forecast(dataset_id: str, as_of: date, horizon_days: int, discount: float, version: int) -> Forecast:
    # cache_resource: the scores are shared, not copied on every run; nothing changes a Forecast once built
    with state.workspace().reader() as con:
        found = load_forecast(con, dataset_id, as_of, horizon_days, discount)
    if found is None:
        raise _NotStored
    return found


def forecast(
    dataset_id: str,
    as_of: date,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    discount: float = DEFAULT_DISCOUNT,
    progress: Callable[[float, str], None] | None = None,
) -> Forecast:
    """The dataset's forecast as of a date (segcore.forecast): the stored one when there is one (cached until the
    data changes); else computed, telling `progress` (fraction, catalog key of the stage) how far it is, and
    stored in the workspace for every page and session. InputError for bad settings or a date before any
    purchase."""
    check_settings(horizon_days, discount)
    version = state.data_version()
    try:
        return _stored_forecast(dataset_id, as_of, horizon_days, discount, version)
    except _NotStored:
        pass
    with state.workspace().reader() as con:
        result = forecast_core.forecast(con, dataset_id, as_of, horizon_days, discount, progress=progress)
    with state.workspace().writer() as con:
        save_forecast(con, dataset_id, result)
    return _stored_forecast(dataset_id, as_of, horizon_days, discount, version)


def forecast_warnings(dataset_id: str, as_of: date) -> list[dict[str, object]]:
    """The warnings of the forecast behind the list fields (default horizon and discount); none without one."""
    try:
        return forecast(dataset_id, as_of).warnings
    except InputError:  # nobody bought by then: nothing is forecast, nothing to warn about
        return []


def customer_forecast(dataset_id: str, customer_id: str, as_of: date) -> dict[str, float] | None:
    """One customer's p_alive, expected_purchases and clv (default horizon and discount); None for a customer the
    forecast does not score (no purchase on or before the date)."""
    try:
        scores = forecast(dataset_id, as_of).scores
    except InputError:
        return None
    rows = scores[scores["customer_id"] == customer_id]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {c: float(row[c]) for c in ("p_alive", "expected_purchases", "clv")}


SLIPPING_COLUMNS = ("customer_id", "name", "phone", "tier", "last_purchase", "p_alive", "expected_purchases", "clv")


@dataclass(frozen=True)
class ForecastDetails:
    """What the Forecast page shows besides the forecast itself: segment_totals by tier and by member group, and
    the valuable customers slipping away (valuable_slipping: the CLV line, and the customers with their name, phone
    as in the members file (mask before showing), tier and last purchase: SLIPPING_COLUMNS)."""

    by_tier: pd.DataFrame
    by_group: pd.DataFrame
    clv_line: float | None
    slipping: pd.DataFrame


@st.cache_data(ttl=3600, max_entries=12, show_spinner=False)
def _forecast_details(
    dataset_id: str, as_of: date, horizon_days: int, discount: float, cfg: TierRules, version: int
) -> ForecastDetails:
    scores = _stored_forecast(dataset_id, as_of, horizon_days, discount, version).scores
    table = _tier_table(dataset_id, as_of, cfg, version)
    by_tier, by_group = (segment_totals(scores, table, s, segments.segment_order(s, cfg)) for s in ("tier", "groups"))
    line, rows = valuable_slipping(scores)
    people = _target_candidates(dataset_id, as_of, cfg, version).frame  # names, phones, tiers as a list has them
    people = people[people["customer_id"].isin(rows["customer_id"])][["customer_id", "name", "phone", "tier"]]
    last = table[table["customer_id"].isin(rows["customer_id"])][["customer_id", "last_purchase"]]
    shown = rows.merge(people, on="customer_id", how="left").merge(last, on="customer_id", how="left")
    return ForecastDetails(by_tier, by_group, line, shown.loc[:, list(SLIPPING_COLUMNS)])


def forecast_details(dataset_id: str, as_of: date, horizon_days: int, discount: float) -> ForecastDetails:
    """The segment totals and the slipping customers of the forecast for these settings (call forecast(...) first),
    with the tier table as of the same date (cached until the data or the rules change)."""
    version = state.data_version()  # read once: each read asks the workspace
    return _forecast_details(dataset_id, as_of, horizon_days, discount, _tier_rules(version), version)


# (end of issue 13)
