"""What the pages' first visits need, prepared after a load and kept in the workspace (issue 11, section 4).

For a dataset and its default as-of date (the day of its last sale, the sidebar's default), `prepare` computes and
stores, for the current tier rules:

- the Overview's numbers at the as-of date (segcore.overview.OverviewNumbers: 2 s at 10M lines, on the first page
  a new server shows);
- the tier table at the as-of date and 30 days before (Segments, Targets, Overview's tier reads);
- the tier table at the 9 Sundays of the default weekly review (Weekly review; the Migration page's default
  period starts and ends on two of them: its movers' details);
- the states of the Migration page's default snapshots (a year of Sundays) and of a customer card's 12 month-ends,
  through segcore.engine.history.ensure_cached (the `migration_cache` table);
- the forecast at the default horizon and discount (segcore.forecast: the Forecast page, the customer card and the
  target fields);
- the Migration page's default view (segcore.migration_view: the transitions of its default period, the sizes,
  the net flow and the first movers, 8-9 s at 1M customers);
- the candidate table of the Targets and Personas pages at the as-of date (segcore.stored_candidates, 4.5 s at
  1M customers);
- the numbers of the default weekly review (segcore.weekly.WeeklyNumbers, through segcore.stored_views: its KPIs,
  movements, alerts and slipping customers took 20-35 s at 1M customers).

A tier table is kept coded (`prepared_tiers`, the tier table's own columns) under a key hashing everything it
depends on: dataset, as-of date, the rules (TOML), the dataset's loads (count and last load time, as the states
cache keys them), and the generated rules SQL (any engine change makes a new key). A stale entry is never read:
`stored_tier_table` answers only for the current key, else None (the page computes as before). Each `prepare`
keeps only its own set of tier tables per dataset. Pure Python; time is an argument (the as-of date is the data's).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from segcore.engine.history import ensure_cached
from segcore.engine.one_date import TIER_COLUMNS, decode, has_promo, tier_table_sql
from segcore.engine.orders import order_days_ctes
from segcore.engine.rules import rule_params
from segcore.engine.run import frame, run
from segcore.schema import create_prepared_tables
from segcore.sql import transaction
from segcore.stored_views import PREPARED_VERSION, prepared_key
from segcore.tier_rules import TierRules

__all__ = [
    "MIN_ORDER_DAYS",
    "PREPARED_VERSION",
    "PrepareReport",
    "data_version",
    "default_as_of",
    "is_prepared",
    "migration_dates",
    "month_end_dates",
    "prepare",
    "prepare_plan",
    "stored_tier_table",
    "tiers_key",
    "weekly_sundays",
    "worth_preparing",
]

MIN_ORDER_DAYS = 200_000  # the app prepares a dataset in the background from this many order days (DECISIONS)


Progress = Callable[[float, str], None]  # (fraction done 0..1, stage key of the catalog: prepare.stage.*)

_DATA_VERSION_SQL = """
select count(*), max(loaded_at)
from loads
where dataset_id = $dataset_id
"""

_DEFAULT_AS_OF_SQL = """
select max(order_date)
from sales
where dataset_id = $dataset_id
"""


def default_as_of(con: duckdb.DuckDBPyConnection, dataset_id: str) -> date | None:
    """The day of the dataset's last sale (the sidebar's default as-of date); None without sales."""
    row = con.execute(_DEFAULT_AS_OF_SQL, {"dataset_id": dataset_id}).fetchall()
    value = row[0][0] if row else None
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value


def worth_preparing(con: duckdb.DuckDBPyConnection, dataset_id: str) -> bool:
    """Whether the app should prepare this dataset in the background: MIN_ORDER_DAYS order days or more (a small
    store's pages compute in well under a second)."""
    row = con.execute(
        "select count(*) from (select 1 from order_days where dataset_id = $dataset_id limit $n)",
        {"dataset_id": dataset_id, "n": MIN_ORDER_DAYS},
    ).fetchall()
    return bool(row and row[0][0] >= MIN_ORDER_DAYS)


# --- the default view's dates ----------------------------------------------------------------------------------


def weekly_sundays(as_of: date) -> list[date]:
    """The Sundays the default weekly review reads (the last complete week's and the 8 before), oldest first."""
    from segcore.weekly import last_complete_week, review_sundays

    return review_sundays(last_complete_week(as_of)[1])


def migration_dates(as_of: date) -> list[date]:
    """The Migration page's default snapshots: the Sundays of the year up to as_of (ui.migration_views)."""
    from segcore.migration import year_of_snapshots

    return year_of_snapshots(as_of, "week")


def month_end_dates(as_of: date) -> list[date]:
    """A customer card's snapshots: the last 12 month-ends' dates (segcore.segments.tier_history)."""
    from segcore.segments import CARD_MONTHS, month_ends

    return month_ends(as_of, CARD_MONTHS)


def prepare_plan(as_of: date) -> dict[str, list[date]]:
    """The dates prepare stores for a default as-of date: tier tables, and the two sets of states."""
    from segcore.segments import COMPARE_DAYS

    tables = [as_of - timedelta(days=COMPARE_DAYS), as_of, *weekly_sundays(as_of)]
    return {
        "tiers": sorted(set(tables)),
        "migration": migration_dates(as_of),
        "month_ends": month_end_dates(as_of),
    }


# --- keys --------------------------------------------------------------------------------------------------------


def data_version(con: duckdb.DuckDBPyConnection, dataset_id: str) -> list[str]:
    """The dataset's loads as [count, last load time]: any new load changes it (part of every stored key)."""
    loads, last_load = con.execute(_DATA_VERSION_SQL, {"dataset_id": dataset_id}).fetchall()[0]
    return [str(loads), str(last_load)]


def tiers_key(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules, *, data: list[str] | None = None
) -> str:
    """The key of a prepared tier table: a hash of the dataset, as-of date, rules, the dataset's loads and the rules
    SQL (so a change of any of them never reads an old entry)."""
    data = data if data is not None else data_version(con, dataset_id)
    return prepared_key("tiers", dataset_id, {"as_of": _day(as_of)}, cfg, data)


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


# --- reading -----------------------------------------------------------------------------------------------------

_READ_SQL = """
select {columns}
from prepared_tiers
where dataset_id = $dataset_id
  and key = $key
order by customer_id
"""

_HAS_KEY_SQL = """
select count(*)
from prepared_keys
where dataset_id = $dataset_id
  and key = $key
"""


def _has_key(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str) -> bool:
    try:
        row = con.execute(_HAS_KEY_SQL, {"dataset_id": dataset_id, "key": key}).fetchall()
    except duckdb.CatalogException:  # a workspace made before the prepared tables, opened read-only
        return False
    return bool(row and row[0][0])


def stored_tier_table(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules
) -> pd.DataFrame | None:
    """engine.tier_table(con, dataset_id, as_of, cfg) read from the prepared tables when it is stored for the
    current data and rules; None otherwise (never an older entry)."""
    key = tiers_key(con, dataset_id, as_of, cfg)
    if not _has_key(con, dataset_id, key):
        return None
    columns = ", ".join(TIER_COLUMNS)
    return decode(frame(con.execute(_READ_SQL.format(columns=columns), {"dataset_id": dataset_id, "key": key})), cfg)


def is_prepared(con: duckdb.DuckDBPyConnection, dataset_id: str, cfg: TierRules, as_of: date | None = None) -> bool:
    """Whether everything prepare stores for this dataset (at its default as-of date, or `as_of`) is current."""
    as_of = as_of or default_as_of(con, dataset_id)
    if as_of is None:
        return True  # nothing to prepare: no sales
    plan = prepare_plan(as_of)
    data = data_version(con, dataset_id)
    if not all(_has_key(con, dataset_id, tiers_key(con, dataset_id, d, cfg, data=data)) for d in plan["tiers"]):
        return False
    from segcore.migration_view import view_key
    from segcore.overview import overview_key
    from segcore.stored_candidates import candidates_key
    from segcore.weekly import numbers_key

    if not _has_key(con, dataset_id, numbers_key(con, dataset_id, weekly_sundays(as_of)[-1], cfg)):
        return False
    if not _has_key(con, dataset_id, candidates_key(con, dataset_id, as_of, cfg)):
        return False
    if not _has_key(con, dataset_id, overview_key(con, dataset_id, as_of)):
        return False
    if not all(_states_cached(con, dataset_id, plan[name], cfg) for name in ("migration", "month_ends")):
        return False
    states_key = _states_key(con, dataset_id, plan["migration"], cfg)
    return states_key is not None and _has_key(con, dataset_id, view_key(states_key))


def _states_key(con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierRules) -> str | None:
    """The key ensure_cached gives these states (None if the engine's key function is not there)."""
    from segcore.engine import history

    try:
        return history._cache_key(con, dataset_id, days, cfg, "tier")
    except (AttributeError, TypeError):
        return None


def _states_cached(con: duckdb.DuckDBPyConnection, dataset_id: str, days: list[date], cfg: TierRules) -> bool:
    """Whether ensure_cached would find these states without computing them (if the key is unknown, False: prepare
    then asks ensure_cached, which is quick when the states are stored)."""
    key = _states_key(con, dataset_id, days, cfg)
    if key is None:
        return False
    row = con.execute(
        "select count(*) from migration_cache_keys where dataset_id = $dataset_id and key = $key",
        {"dataset_id": dataset_id, "key": key},
    ).fetchall()
    return bool(row and row[0][0])


# --- preparing ---------------------------------------------------------------------------------------------------

_DROP_SQL = "delete from {table} where dataset_id = $dataset_id and key = $key"
_DROP_OTHERS_SQL = "delete from {table} where dataset_id = $dataset_id and not list_contains($keep, key)"


def _drop_key(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str) -> None:
    for table in ("prepared_tiers", "prepared_keys"):
        con.execute(_DROP_SQL.format(table=table), {"dataset_id": dataset_id, "key": key})


def _store_tier_table(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, cfg: TierRules, key: str) -> None:
    """Compute the tier table as of one date in DuckDB and store it coded under `key` (one transaction)."""
    params = {**rule_params(cfg), "dataset_id": dataset_id, "as_of": as_of, "has_promo": has_promo(con, dataset_id)}
    sql = tier_table_sql(order_days_ctes(con, dataset_id), cfg)
    with transaction(con):
        _drop_key(con, dataset_id, key)
        run(
            con,
            "insert into prepared_tiers by name select $dataset_id as dataset_id, $key as key, * from (" + sql + ")",
            {**params, "key": key},
        )
        _add_key(con, dataset_id, key, as_of)


def _store_forecast(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date) -> bool:
    """Store the forecast at the default horizon and discount (the Forecast page's and the target fields'); True
    when it was already current."""
    from segcore import forecast

    settings = (forecast.DEFAULT_HORIZON_DAYS, forecast.DEFAULT_DISCOUNT)
    if forecast.load_forecast(con, dataset_id, as_of, *settings) is not None:
        return True
    forecast.save_forecast(con, dataset_id, forecast.forecast(con, dataset_id, as_of, *settings))
    return False


class _RecentTables(Mapping[date, pd.DataFrame]):
    """Tier tables of some dates, read when asked for; only the last two read are kept. The weekly review reads them
    a week pair at a time, oldest first: its 9 tables held at once took 2.3 GB at 1M customers."""

    def __init__(self, days: list[date], read: Callable[[date], pd.DataFrame]) -> None:
        self._days, self._read = list(days), read
        self._kept: dict[date, pd.DataFrame] = {}

    def __getitem__(self, day: date) -> pd.DataFrame:
        if day not in self._days:
            raise KeyError(day)
        if day not in self._kept:
            if len(self._kept) == 2:
                del self._kept[next(iter(self._kept))]  # the one read first
            self._kept[day] = self._read(day)
        return self._kept[day]

    def __iter__(self) -> Iterator[date]:
        return iter(self._days)

    def __len__(self) -> int:
        return len(self._days)


def _tier_table(con: duckdb.DuckDBPyConnection, dataset_id: str, day: date, cfg: TierRules) -> pd.DataFrame:
    """The tier table as of a day: the prepared one, else computed."""
    from segcore.engine import tier_table

    stored = stored_tier_table(con, dataset_id, day, cfg)
    return stored if stored is not None else tier_table(con, dataset_id, day, cfg)


def _store_weekly(con: duckdb.DuckDBPyConnection, dataset_id: str, week_end: date, cfg: TierRules) -> None:
    """Store the numbers of the default weekly review (its 9 tier tables read from the prepared ones)."""
    from segcore import weekly

    days = weekly.review_sundays(week_end)
    tables = _RecentTables(days, lambda day: _tier_table(con, dataset_id, day, cfg))
    numbers = weekly.weekly_numbers(con, dataset_id, week_end, cfg, tables)
    with transaction(con):
        weekly.save_numbers(con, dataset_id, week_end, cfg, numbers)


def _store_migration_view(
    con: duckdb.DuckDBPyConnection, dataset_id: str, dates: list[date], cfg: TierRules
) -> tuple[str, bool]:
    """Store the Migration page's default view of these weekly snapshots (segcore.migration_view); its key, and
    True when it was already current."""
    from segcore import migration_view

    states_key = ensure_cached(con, dataset_id, dates, cfg, "tier")
    key = migration_view.view_key(states_key)
    if _has_key(con, dataset_id, key):
        return key, True
    view = migration_view.compute_view(con, dataset_id, dates, cfg, lambda day: _tier_table(con, dataset_id, day, cfg))
    with transaction(con):
        migration_view.save_migration_view(con, dataset_id, states_key, view)
    return key, False


def _add_key(con: duckdb.DuckDBPyConnection, dataset_id: str, key: str, as_of: date) -> None:
    con.execute(
        "insert into prepared_keys values ($dataset_id, $key, $as_of, now())",
        {"dataset_id": dataset_id, "key": key, "as_of": as_of},
    )


def _forget_others(con: duckdb.DuckDBPyConnection, dataset_id: str, keep: list[str]) -> None:
    """Drop the dataset's prepared tier tables that are not in this set (older data, rules or dates)."""
    params = {"dataset_id": dataset_id, "keep": keep}
    with transaction(con):
        for table in ("prepared_tiers", "prepared_views", "prepared_keys"):
            con.execute(_DROP_OTHERS_SQL.format(table=table), params)


@dataclass
class PrepareReport:
    """What one prepare did: the as-of date, which steps computed (the others were current) and their seconds."""

    dataset_id: str
    as_of: date | None
    computed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset_id": self.dataset_id,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "computed": self.computed,
            "skipped": self.skipped,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
        }


def prepare(
    writer: Callable[[], Any],
    dataset_id: str,
    cfg: TierRules | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> PrepareReport:
    """Compute and store what the pages' default view of `dataset_id` needs (see the module docstring); skips what
    is already stored and current. `writer()` gives a context manager yielding a connection that may write (e.g.
    Workspace.writer: taken once per step, so others can write in between); `cfg` defaults to the workspace's
    rules; `as_of` to the dataset's default. `progress(fraction, stage)` is told before each step and at the end."""
    from segcore import overview, stored_candidates, weekly
    from segcore.tier_rules import load_rules

    tell = progress or (lambda fraction, stage: None)
    with writer() as con:
        create_prepared_tables(con)
        cfg = cfg or load_rules(con)
        as_of = _day(as_of) if as_of else default_as_of(con, dataset_id)
        report = PrepareReport(dataset_id, as_of)
        if as_of is None:
            tell(1.0, "done")
            return report
        plan = prepare_plan(as_of)
        data = data_version(con, dataset_id)
        keys = {d: tiers_key(con, dataset_id, d, cfg, data=data) for d in plan["tiers"]}
    # the default as-of date first (Segments, Targets), then the weeks back; each table in DuckDB alone (one
    # pass for all 9 Sundays would hold them in pandas: 4.2 GiB at 10M lines, and twice the time)
    sundays = set(weekly_sundays(as_of))
    steps: list[tuple[str, date | None]] = [("overview", None)]
    steps += [("tiers", d) for d in sorted(plan["tiers"], reverse=True)]
    steps += [("migration", None), ("migration_view", None), ("month_ends", None), ("forecast", None)]
    steps += [("candidates", None), ("weekly", None)]
    weights = {"tiers": 1.0, "migration": 12.0, "migration_view": 1.0, "month_ends": 4.0, "forecast": 6.0}
    weights |= {"candidates": 2.0, "weekly": 5.0, "overview": 1.0}
    week_end = weekly_sundays(as_of)[-1]
    with writer() as con:
        views = {
            "weekly": weekly.numbers_key(con, dataset_id, week_end, cfg),
            "candidates": stored_candidates.candidates_key(con, dataset_id, as_of, cfg),
            "overview": overview.overview_key(con, dataset_id, as_of),
        }
    total, done = sum(weights[kind] for kind, _ in steps), 0.0
    for kind, day in steps:
        tell(done / total, "sundays" if day in sundays and day != as_of else kind)
        began = time.perf_counter()
        name = f"tiers {day.isoformat()}" if day else kind
        with writer() as con:
            if kind == "tiers":
                assert day is not None
                fresh = _has_key(con, dataset_id, keys[day])
                if not fresh:
                    _store_tier_table(con, dataset_id, day, cfg, keys[day])
            elif kind == "forecast":
                fresh = _store_forecast(con, dataset_id, as_of)
            elif kind == "weekly":
                fresh = _has_key(con, dataset_id, views["weekly"])
                if not fresh:
                    _store_weekly(con, dataset_id, week_end, cfg)
            elif kind == "overview":
                fresh = _has_key(con, dataset_id, views["overview"])
                if not fresh:
                    numbers = overview.overview_numbers(con, dataset_id, as_of)
                    with transaction(con):
                        overview.save_overview(con, dataset_id, as_of, numbers)
            elif kind == "candidates":
                fresh = _has_key(con, dataset_id, views["candidates"])
                if not fresh:
                    table = stored_candidates.candidate_table(
                        con, dataset_id, as_of, cfg, stored_tier_table(con, dataset_id, as_of, cfg)
                    )
                    with transaction(con):
                        stored_candidates.save_candidates(con, dataset_id, as_of, cfg, table)
            elif kind == "migration_view":
                views["migration"], fresh = _store_migration_view(con, dataset_id, plan["migration"], cfg)
            else:
                fresh = _states_cached(con, dataset_id, plan[kind], cfg)
                if not fresh:
                    ensure_cached(con, dataset_id, plan[kind], cfg, "tier")
        (report.skipped if fresh else report.computed).append(name)
        report.seconds[name] = time.perf_counter() - began
        done += weights[kind]
    with writer() as con:
        _forget_others(con, dataset_id, [*keys.values(), *views.values()])
    tell(1.0, "done")
    return report
