"""The workspace: one DuckDB file holding datasets, mappings, quality reports (and later tiers and campaigns).

One process opens the file once. Every reader gets its own cursor; writers take a lock, so several browser
sessions of one Streamlit server share the file safely with one writer at a time.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from segcore.campaigns import create_campaign_tables
from segcore.errors import InputError
from segcore.schema import create_tables
from segcore.sql import NO_EXTENSIONS, quote_ident

__all__ = ["NO_EXTENSIONS", "Workspace", "default_workspace_path"]


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
final as (
    select d.dataset_id, d.is_demo, d.created_at,
           coalesce(s.lines, 0) as lines, coalesce(s.customers, 0) as customers,
           coalesce(m.members, 0) as members, s.first_date, s.last_date,
           coalesce(l.files, 0) as files, coalesce(l.rejected, 0) as rejected, l.last_load
    from datasets d
    left join sales_summary s using (dataset_id)
    left join member_summary m using (dataset_id)
    left join load_summary l using (dataset_id)
)
select * from final order by is_demo, created_at, dataset_id
"""

_DATASET_TABLES = ("campaigns", "sales", "members", "rejects", "loads", "datasets")
_HAS_MIGRATION_CACHE_SQL = "select count(*) from duckdb_tables() where table_name = 'migration_cache'"
_DELETE_CAMPAIGN_MEMBERS_SQL = """
delete from campaign_members
where campaign_id in (select campaign_id from campaigns where dataset_id = $dataset_id)
"""


class Workspace:
    """An open workspace file: `reader()` cursors for queries, `writer()` for one writer at a time."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or default_workspace_path())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(self.path), config=NO_EXTENSIONS)
        except duckdb.IOException as exc:
            raise InputError("workspace_busy", path=str(self.path)) from exc
        create_tables(self._con)
        create_campaign_tables(self._con)
        self._write_lock = threading.Lock()

    def reader(self) -> duckdb.DuckDBPyConnection:
        """A new cursor for reading; close it when done."""
        return self._con.cursor()

    @contextmanager
    def writer(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor that holds the workspace's write lock while in use."""
        with self._write_lock:
            cursor = self._con.cursor()
            try:
                yield cursor
            finally:
                cursor.close()

    def datasets(self) -> pd.DataFrame:
        """One row per dataset: size, customers, members, date range, files and rejected lines."""
        with self.reader() as cursor:
            return cursor.execute(_DATASETS_SQL).df()

    def dataset_ids(self) -> list[str]:
        """Dataset names, demo last."""
        return list(self.datasets()["dataset_id"])

    def delete_dataset(self, dataset_id: str) -> None:
        """Remove a dataset and everything loaded into it, in one transaction."""
        with self.writer() as cursor:
            cursor.execute("begin transaction")
            try:
                cursor.execute(_DELETE_CAMPAIGN_MEMBERS_SQL, {"dataset_id": dataset_id})
                if cursor.execute(_HAS_MIGRATION_CACHE_SQL).fetchone() != (0,):  # created on first use
                    cursor.execute(
                        "delete from migration_cache where dataset_id = $dataset_id", {"dataset_id": dataset_id}
                    )
                for table in _DATASET_TABLES:
                    cursor.execute(
                        f"delete from {quote_ident(table)} where dataset_id = $dataset_id", {"dataset_id": dataset_id}
                    )
                cursor.execute("commit")
            except BaseException:
                cursor.execute("rollback")
                raise

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
        """Close the file."""
        self._con.close()
