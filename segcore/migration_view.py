"""The Migration page's default view (weekly snapshots, four weeks ago against the last Sunday, the headline's cell),
computed by `segcore.prepared.prepare` after a load and kept in the workspace (segcore.stored_views).

At 1M customers its parts took 8-9 s on a first visit: the transitions between the two dates, the sizes and the net
flow over 52M states, the headline cell's movers and their details from two tier tables. They are stored under a
key made from the states' own key (segcore.engine.history: dates, scheme, rules, the dataset's loads, the engine
version), so a view is read only for the states it was computed from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from segcore import migration
from segcore.stored_views import PREPARED_VERSION, load_view, save_view
from segcore.tier_rules import TierRules

__all__ = [
    "MOVERS_SHOWN",
    "MigrationView",
    "compute_view",
    "default_cell",
    "default_period",
    "movers_details",
    "save_migration_view",
    "stored_migration_view",
    "view_key",
]

MOVERS_SHOWN = 5000  # rows of the movers table (and its download); the caption counts them all


@dataclass(frozen=True)
class MigrationView:
    start: date
    end: date
    moves: pd.DataFrame  # transitions between start and end
    sizes: pd.DataFrame  # customers per (snapshot_date, state)
    net_flow: pd.DataFrame  # inflow, outflow and net per (to_date, state)
    cell: tuple[str, str]  # the movers panel's first cell
    movers: migration.Movers  # its first MOVERS_SHOWN customers and how many there are
    details: pd.DataFrame  # their last purchase and spend before and after

    def has_period(self, start: date, end: date) -> bool:
        return (start, end) == (self.start, self.end)


def default_period(dates: list[date], every: str) -> tuple[date, date]:
    """The two snapshot dates the page opens on: four weeks before the last Sunday (or the month before the last
    month-end), and the last."""
    return (dates[-5] if every == "week" and len(dates) >= 5 else dates[-2]), dates[-1]


def default_cell(moves: pd.DataFrame) -> tuple[str, str]:
    """The matrix cell the movers panel opens on: the headline's pair when anyone made that move, else the largest
    move (else the first row)."""
    pair = migration.HEADLINE_PAIR
    if len(moves[(moves["from_state"] == pair[0]) & (moves["to_state"] == pair[1])]):
        return pair
    moved = moves[moves["from_state"] != moves["to_state"]].sort_values("customers", ascending=False)
    row = moved.iloc[0] if len(moved) else moves.iloc[0]
    return str(row["from_state"]), str(row["to_state"])


def movers_details(before: pd.DataFrame, after: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    """Last purchase (as of the end) and spend in the groups window before and after, for some customers, from the
    tier tables at the two dates."""
    picked = pd.Index(ids, name="customer_id")
    old, new = before.set_index("customer_id"), after.set_index("customer_id")
    return pd.DataFrame({
        "last_purchase": new["last_purchase"].reindex(picked),
        "spend_before": old["spend_w"].reindex(picked).fillna(0),
        "spend_after": new["spend_w"].reindex(picked).fillna(0),
    }).reset_index()  # fmt: skip


def compute_view(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    dates: list[date],
    cfg: TierRules,
    tier_table: Callable[[date], pd.DataFrame],
) -> MigrationView:
    """The default view of the weekly snapshots `dates` (their states cached first if needed); `tier_table(day)`
    gives the tier table at a date (the prepared one)."""
    key = migration.cache_key(con, dataset_id, dates, cfg, "tier")
    start, end = default_period(dates, "week")
    moves = migration.transitions_between_from_cache(con, dataset_id, key, start, end)
    cell = default_cell(moves)
    movers = migration.movers_from_cache(con, dataset_id, key, start, end, *cell, MOVERS_SHOWN)
    return MigrationView(
        start=start,
        end=end,
        moves=moves,
        sizes=migration.state_sizes_from_cache(con, dataset_id, key),
        net_flow=migration.net_flow(migration.cached_transitions(con, dataset_id, dates, cfg, "tier")),
        cell=cell,
        movers=movers,
        details=movers_details(tier_table(start), tier_table(end), movers.ids),
    )


def view_key(states_key: str) -> str:
    """The key of the view of the states `states_key` (prepare lists it among the dataset's prepared keys)."""
    recipe = {"version": PREPARED_VERSION, "what": "migration", "states": states_key}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:32]


def save_migration_view(con: duckdb.DuckDBPyConnection, dataset_id: str, states_key: str, view: MigrationView) -> str:
    """Keep the view of the states `states_key` in the workspace (inside the caller's transaction); its key."""
    frames = {"moves": view.moves, "sizes": view.sizes, "net_flow": view.net_flow, "details": view.details}
    document = {
        "start": view.start,
        "end": view.end,
        "cell": list(view.cell),
        "movers": {"ids": view.movers.ids, "total": view.movers.total},
    }
    key = view_key(states_key)
    save_view(con, dataset_id, key, view.end, frames, document)
    return key


def stored_migration_view(con: duckdb.DuckDBPyConnection, dataset_id: str, states_key: str) -> MigrationView | None:
    """The view prepare stored for the states `states_key`, or None."""
    view = load_view(con, dataset_id, view_key(states_key))
    if view is None:
        return None
    doc = view.document
    return MigrationView(
        start=date.fromisoformat(doc["start"]),
        end=date.fromisoformat(doc["end"]),
        moves=view.frame("moves"),
        sizes=view.frame("sizes"),
        net_flow=view.frame("net_flow"),
        cell=(doc["cell"][0], doc["cell"][1]),
        movers=migration.Movers(list(doc["movers"]["ids"]), int(doc["movers"]["total"])),
        details=view.frame("details"),
    )
