"""The workspace: one DuckDB file holding datasets, mappings, quality reports, campaigns and settings.

The file is open only while it is in use, so other programs (the CLI in a cron job, a second app) can use it in
between. DuckDB lets one process write a file or several processes read it. Inside a process every user of a file
shares one connection, opened by the first and closed by the last (`session()` keeps it open for a whole script
run); each reader and writer gets its own cursor on it. Opening a file another program holds is retried for a
while (`on_wait` is told once), then refused with InputError("workspace_busy"), never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from segcore.access import Access
from segcore.errors import InputError
from segcore.schema import create_campaign_tables, create_tables
from segcore.sql import NO_EXTENSIONS, has_table, quote_ident, transaction

__all__ = [
    "NO_EXTENSIONS",
    "PATIENCE_SECONDS",
    "Workspace",
    "default_patience",
    "default_workspace_path",
    "delete_dataset_rows",
]

PATIENCE_SECONDS = 25.0  # how long an open waits for another program to let go of the file, by default


def default_patience() -> float:
    """`$SEGCORE_WAIT_SECONDS` when it is a number >= 0, else PATIENCE_SECONDS."""
    try:
        seconds = float(os.environ.get("SEGCORE_WAIT_SECONDS", PATIENCE_SECONDS))
    except ValueError:
        return PATIENCE_SECONDS
    return seconds if seconds >= 0 else PATIENCE_SECONDS


# DuckDB's own memory for a workspace file (its default is 80% of the machine). At 10M lines the preparation after a
# load peaked at 3.7 GB with the default and 2.8 GB with this, in the same time; bigger queries spill to disk.
MEMORY_LIMIT = "2GB"
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


def memory_limit() -> str:
    """`$SEGCORE_MEMORY_LIMIT` when it is an amount such as 4GB or 512MB, else MEMORY_LIMIT."""
    wanted = os.environ.get("SEGCORE_MEMORY_LIMIT", "").strip()
    return wanted if _MEMORY.fullmatch(wanted) else MEMORY_LIMIT


def default_workspace_path() -> Path:
    """`$SEGCORE_WORKSPACE`, else ./workspace/segcore.duckdb."""
    return Path(os.environ.get("SEGCORE_WORKSPACE") or Path("workspace") / "segcore.duckdb")


_DATASETS_SQL = """
with sales_summary as (
    select dataset_id, count(*) as lines, count(distinct customer_id) as customers,
           min(order_date) as first_date, max(order_date) as last_date
    from sales
    group by dataset_id
),
member_summary as (
    select dataset_id, count(*) as members from members group by dataset_id
),
load_summary as (
    select dataset_id, count(*) as files, sum(rows_rejected) as rejected, max(loaded_at) as last_load
    from loads
    group by dataset_id
),
tier_summary as (
    {tier_summary}
),
final as (
    select d.dataset_id, d.is_demo, d.created_at,
           coalesce(s.lines, 0) as lines, coalesce(s.customers, 0) as customers,
           coalesce(m.members, 0) as members, s.first_date, s.last_date,
           coalesce(l.files, 0) as files, coalesce(l.rejected, 0) as rejected, l.last_load,
           coalesce(t.tier_tables, 0) as tier_tables, t.first_as_of as tiers_first_as_of,
           t.last_as_of as tiers_last_as_of, coalesce(t.tier_customers, 0) as tier_customers
    from datasets d
    left join sales_summary s using (dataset_id)
    left join member_summary m using (dataset_id)
    left join load_summary l using (dataset_id)
    left join tier_summary t using (dataset_id)
)
select * from final order by is_demo, created_at, dataset_id
"""
# tier tables loaded from elsewhere (segcore.tier_imports): how many, their as-of dates, the latest one's customers
_TIER_SUMMARY = """select dataset_id, count(*) as tier_tables, min(as_of) as first_as_of, max(as_of) as last_as_of,
           arg_max(customers, as_of) as tier_customers
    from imported_tier_files
    group by dataset_id"""
# a workspace written before tier tables could be loaded, opened read-only (only a writer adds tables)
_NO_TIER_SUMMARY = """select null::varchar as dataset_id, 0 as tier_tables, null::date as first_as_of,
           null::date as last_as_of, null::bigint as tier_customers
    where false"""

_DATA_STAMP_SQL = """
select (select count(*) from datasets),
       (select count(*) from loads),
       (select max(loaded_at) from loads),
       (select string_agg(name, '|' order by dataset_id) from datasets),
       (select string_agg(key || '=' || value, '|' order by key) from settings
        where key like 'currency/%' or key = 'default_dataset')
"""

# The dataset a new session opens on (the meeting screen's), once the owner chooses one; else the demo.
DEFAULT_DATASET_KEY = "default_dataset"

_DATASET_TABLES = (
    "campaigns",
    "imported_tiers",
    "imported_tier_files",
    "prepared_tiers",
    "prepared_keys",
    "forecast_runs",
    "forecast_scores",
    "migration_cache",
    "migration_cache_keys",
    "order_days",
    "customer_keys",
    "extra_values",
    "extra_columns",
    "sales",
    "members",
    "rejects",
    "loads",
    "datasets",
)
_DELETE_CAMPAIGN_MEMBERS_SQL = """
delete from campaign_members
where campaign_id in (select campaign_id from campaigns where dataset_id = $dataset_id)
"""


def delete_dataset_rows(con: duckdb.DuckDBPyConnection, dataset_id: str) -> None:
    """Delete every row of a dataset (campaigns, cached states, sales, members, loads, rejects) inside the
    caller's transaction."""
    con.execute(_DELETE_CAMPAIGN_MEMBERS_SQL, {"dataset_id": dataset_id})
    con.execute(
        "delete from settings where key = $currency or (key = $default and value = $dataset_id)",
        {"currency": f"currency/{dataset_id}", "default": DEFAULT_DATASET_KEY, "dataset_id": dataset_id},
    )
    for table in _DATASET_TABLES:
        con.execute(f"delete from {quote_ident(table)} where dataset_id = $dataset_id", {"dataset_id": dataset_id})


_DUCKDB_MAGIC = b"DUCK"  # bytes 8..11 of every DuckDB database file
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".parquet", ".json")


class _Busy(Exception):
    """Another program holds the file (or this process holds it read-only and a writer wants it)."""


@dataclass
class _Shared:
    con: duckdb.DuckDBPyConnection
    read_only: bool
    users: int = 0


# One open connection per file per process, shared by every Workspace object and thread that uses the file.
# Opening and closing go through one lock: DuckDB keeps one database instance per file and process, and a new
# instance must not be created while the last one is still shutting down.
_OPEN: dict[str, _Shared] = {}
_OPEN_LOCK = threading.Lock()
_WRITE_LOCKS: dict[str, threading.RLock] = {}


def _acquire(key: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    with _OPEN_LOCK:
        shared = _OPEN.get(key)
        if shared is None:
            try:
                con = duckdb.connect(key, read_only=read_only, config={**NO_EXTENSIONS, "memory_limit": memory_limit()})
            except duckdb.IOException as exc:
                if "Could not set lock" in str(exc):
                    raise _Busy from exc
                raise InputError("workspace_unreadable", path=key, reason=_first_line(exc)) from exc
            except duckdb.Error as exc:  # a damaged file, or one written by a newer DuckDB
                raise InputError("workspace_unreadable", path=key, reason=_first_line(exc)) from exc
            if not read_only:
                create_tables(con)
                create_campaign_tables(con)
            shared = _OPEN[key] = _Shared(con, read_only)
        elif shared.read_only and not read_only:
            raise _Busy  # a reader of this process holds the file read-only; wait until it is done
        shared.users += 1
        return shared.con


def _release(key: str) -> None:
    with _OPEN_LOCK:
        shared = _OPEN[key]
        shared.users -= 1
        if shared.users == 0:
            del _OPEN[key]
            shared.con.close()


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _check_path(path: Path, read_only: bool) -> None:
    """Refuse a folder, a file that is not a DuckDB database, a new file named like a data file, and (read-only)
    a file that does not exist."""
    if path.is_dir():
        raise InputError("workspace_is_folder", path=str(path))
    if path.exists():
        with path.open("rb") as handle:
            if handle.read(12)[8:12] != _DUCKDB_MAGIC:
                raise InputError("workspace_not_duckdb", path=str(path))
    elif read_only:
        raise InputError("workspace_missing", path=str(path))
    elif path.suffix.lower() in _DATA_SUFFIXES:
        raise InputError("workspace_not_duckdb", path=str(path))


class Workspace:
    """A workspace file: `reader()` cursors for queries, `writer()` for one writer at a time, `session()` to keep
    the file open across many of them. Nothing is held open between uses."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        read_only: bool = False,
        patience: float | None = None,
        on_wait: Callable[[], None] | None = None,
    ) -> None:
        self.path = Path(path or default_workspace_path())
        self.read_only = read_only
        self.patience = default_patience() if patience is None else patience
        self.on_wait = on_wait
        _check_path(self.path, read_only)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._key = str(self.path.resolve())
        self._held = threading.local()  # this thread's session: the shared connection and how deep it is nested
        with _OPEN_LOCK:
            self._write_lock = _WRITE_LOCKS.setdefault(self._key, threading.RLock())

    def _open(self, on_wait: Callable[[], None] | None = None) -> duckdb.DuckDBPyConnection:
        """The shared connection, waiting up to `patience` seconds while another program holds the file."""
        deadline = time.monotonic() + self.patience
        delay, told = 0.05, False
        while True:
            try:
                return _acquire(self._key, self.read_only)
            except _Busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise InputError("workspace_busy", path=str(self.path)) from None
                if not told:
                    told = True
                    tell = on_wait or self.on_wait
                    if tell is not None:
                        tell()
                time.sleep(min(delay, left))
                delay = min(delay * 2, 1.0)

    @contextmanager
    def session(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Keep the file open in this thread while inside (e.g. one Streamlit script run); nests."""
        depth = getattr(self._held, "depth", 0)
        if depth == 0:
            self._held.con = self._open(on_wait)
        self._held.depth = depth + 1
        try:
            yield
        finally:
            self._held.depth -= 1
            if self._held.depth == 0:
                del self._held.con
                _release(self._key)

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        held = getattr(self._held, "con", None)
        con = held if held is not None else self._open()
        try:
            cursor = con.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
        finally:
            if held is None:
                _release(self._key)

    @contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for reading, closed (and the file let go, outside a session) on leaving the `with`."""
        with self._cursor() as cursor:
            yield cursor

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor that holds the workspace's write lock (one writer at a time in this process) while in use."""
        if self.read_only:
            raise ValueError(f"the workspace {self.path} was opened read-only")
        with self._write_lock, self._cursor() as cursor:
            yield cursor

    def data_stamp(self) -> str:
        """A text that changes whenever any program loads or deletes data (the states cache does not change it)."""
        with self.reader() as cursor:
            row = cursor.execute(_DATA_STAMP_SQL).fetchone()
        return repr(row)

    def datasets(self) -> pd.DataFrame:
        """One row per dataset: size, customers, members, date range, files and rejected lines, and the tier
        tables loaded from elsewhere (count, first and last as-of date, customers in the latest)."""
        with self.reader() as cursor:
            tier_summary = _TIER_SUMMARY if has_table(cursor, "imported_tier_files") else _NO_TIER_SUMMARY
            return cursor.execute(_DATASETS_SQL.replace("{tier_summary}", tier_summary)).df()

    def dataset_ids(self) -> list[str]:
        """Dataset names, demo last (in the order of `datasets()`, without counting their lines)."""
        with self.reader() as cursor:
            rows = cursor.execute("select dataset_id from datasets order by is_demo, created_at, dataset_id").fetchall()
        return [str(row[0]) for row in rows]

    def default_dataset(self) -> str | None:
        """The dataset a new session opens on: the one the owner chose, else the demo, else the first."""
        ids = self.dataset_ids()
        with self.reader() as cursor:
            chosen = cursor.execute(
                "select value from settings where key = $key", {"key": DEFAULT_DATASET_KEY}
            ).fetchall()
            demos = [row[0] for row in cursor.execute("select dataset_id from datasets where is_demo").fetchall()]
        for candidate in [chosen[0][0]] if chosen else []:
            if candidate in ids:
                return str(candidate)
        return next((d for d in ids if d in demos), ids[0] if ids else None)

    def set_default_dataset(self, dataset_id: str, *, access: Access) -> None:
        """Make `dataset_id` the one every new session opens on (the owner only)."""
        access.require("change_settings")
        if dataset_id not in self.dataset_ids():
            raise InputError("no_such_dataset", dataset=dataset_id)
        with self.writer() as cursor:
            cursor.execute(
                "insert or replace into settings values ($key, $value)",
                {"key": DEFAULT_DATASET_KEY, "value": dataset_id},
            )

    def currency(self, dataset_id: str | None) -> str:
        """The dataset's currency code (CNY when none was set)."""
        from segcore.currency import dataset_currency

        with self.reader() as cursor:
            return dataset_currency(cursor, dataset_id)

    def set_currency(self, dataset_id: str, currency: str, *, access: Access) -> None:
        """Change the dataset's currency (the owner's choice on the Data page, or `--currency`)."""
        from segcore.currency import set_dataset_currency

        access.require("change_settings")
        with self.writer() as cursor:
            set_dataset_currency(cursor, dataset_id, currency)

    def delete_dataset(self, dataset_id: str, *, access: Access) -> None:
        """Remove a dataset and everything loaded into it, in one transaction; the owner only (the export log
        stays)."""
        access.require("delete_data")
        with self.writer() as cursor, transaction(cursor):
            delete_dataset_rows(cursor, dataset_id)

    def loads(self, dataset_id: str) -> pd.DataFrame:
        """The files loaded into a dataset, newest first."""
        with self.reader() as cursor:
            return cursor.execute(
                "select * from loads where dataset_id = $dataset_id order by loaded_at desc, file_name",
                {"dataset_id": dataset_id},
            ).df()

    def rejects(self, dataset_id: str, load_id: str | None = None) -> pd.DataFrame:
        """Rejected lines of a dataset (or of one load): line number, reason and the original row's values."""
        with self.reader() as cursor:
            raw = cursor.execute(
                """
                select l.file_name, r.line_no, r.reason, cast(r.raw as varchar) as raw
                from rejects r join loads l using (dataset_id, load_id)
                where r.dataset_id = $dataset_id and ($load_id is null or r.load_id = $load_id)
                order by l.file_name, r.line_no
                """,
                {"dataset_id": dataset_id, "load_id": load_id},
            ).df()
        values = pd.json_normalize([json.loads(s) for s in raw["raw"]]) if len(raw) else pd.DataFrame()
        values = values.drop(columns=["line_no"], errors="ignore")
        return pd.concat([raw.drop(columns=["raw"]), values], axis=1)

    def close(self) -> None:
        """Nothing to do: the file is open only while a reader, writer or session uses it (kept for callers)."""
