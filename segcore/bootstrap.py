"""First start: when the workspace has no dataset, build the demo store, load it as dataset 'demo' and record
its past campaign (with its holdout) so the lift page has something to show.

The demo is all or nothing. It is built in a private in-memory database (the same `load_file` and
`import_demo_campaign` as always) and copied into the workspace in one transaction, so a build that stops half
way (the first browser tab closed, the server stopped) leaves nothing behind and the next start builds it again.
A half-built demo left by an earlier version (sales without members or without its campaign) is rebuilt.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from segcore.access import owner
from segcore.ingest import load_file
from segcore.sql import quote_ident, transaction
from segcore.workspace import Workspace, delete_dataset_rows

__all__ = ["DEMO_DATASET", "demo_needed", "ensure_demo_dataset"]

DEMO_DATASET = "demo"

# The tables a demo build writes, in an order that keeps every reference valid.
_DEMO_TABLES = (
    "datasets",
    "loads",
    "sales",
    "customer_keys",
    "order_days",
    "members",
    "extra_columns",
    "extra_values",
    "rejects",
    "campaigns",
    "campaign_members",
)

_NEEDED_SQL = """
with demo as (
    select (select count(*) from sales where dataset_id = $dataset_id) as lines,
           (select count(*) from members where dataset_id = $dataset_id) as members,
           (select count(*) from campaigns where dataset_id = $dataset_id and source = 'demo') as campaigns,
           (select bool_or(is_demo) from datasets where dataset_id = $dataset_id) as is_demo,
           (select count(*) from datasets) as datasets
)
select datasets = 0 or (is_demo and (lines = 0 or members = 0 or campaigns = 0)) from demo
"""

_BUILD_LOCK = threading.Lock()  # one build at a time per process: a second tab waits, then finds the demo there


def demo_needed(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the workspace has no dataset at all, or holds a demo missing its sales, members or campaign."""
    row = con.execute(_NEEDED_SQL, {"dataset_id": DEMO_DATASET}).fetchone()
    return bool(row and row[0])


def _build_in_memory(
    folder: Path, loaded_at: datetime, step: Callable[[float, str], None]
) -> duckdb.DuckDBPyConnection:
    from segcore.campaigns import import_demo_campaign
    from segcore.demo import write_demo_store
    from segcore.schema import create_campaign_tables, create_tables
    from segcore.sql import NO_EXTENSIONS

    step(0.05, "demo_generating")
    files = write_demo_store(folder)
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        create_tables(con)
        create_campaign_tables(con)
        for fraction, path, kind in ((0.5, files.sales, "sales"), (0.85, files.members, "members")):
            step(fraction, f"demo_loading_{kind}")
            load_file(con, DEMO_DATASET, path, kind, loaded_at=loaded_at, is_demo=True, access=owner("segcore"))
        step(0.95, "demo_campaign")
        import_demo_campaign(con, DEMO_DATASET, folder)
    except BaseException:
        con.close()
        raise
    return con


def _copy_in_one_transaction(built: duckdb.DuckDBPyConnection, cursor: duckdb.DuckDBPyConnection) -> bool:
    """Replace a partial demo by the built one, all in one transaction; False when the demo is no longer needed."""
    frames = {table: built.sql(f"select * from {quote_ident(table)}").to_arrow_table() for table in _DEMO_TABLES}
    with transaction(cursor):
        if not demo_needed(cursor):  # another session or program got there first: nothing written, nothing to keep
            return False
        delete_dataset_rows(cursor, DEMO_DATASET)
        for table in _DEMO_TABLES:
            cursor.register("_demo_rows", frames[table])
            try:
                cursor.execute(f"insert into {quote_ident(table)} by name select * from _demo_rows")
            finally:
                cursor.unregister("_demo_rows")
    return True


def ensure_demo_dataset(
    workspace: Workspace, folder: Path, loaded_at: datetime, progress: Callable[[float, str], None] | None = None
) -> bool:
    """Load the demo store if the workspace is empty (or its demo is half-built); True when it was loaded now."""
    with workspace.reader() as con:
        if not demo_needed(con):
            return False
    step = progress or (lambda fraction, stage: None)
    with _BUILD_LOCK:
        with workspace.reader() as con:
            if not demo_needed(con):
                return False
        built = _build_in_memory(folder, loaded_at, step)
        try:
            with workspace.writer() as cursor:
                loaded = _copy_in_one_transaction(built, cursor)
        finally:
            built.close()
    step(1.0, "done")
    return loaded
