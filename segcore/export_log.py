"""The record of every export of customer data: who, when, what, how many rows, phones and names masked or not.

China's PIPL expects a store to say who processed its customers' personal data. Every file that leaves the
workspace with customer rows (a campaign list, movers, the weekly report, rejected lines, the CLI's outputs) is
built by `deliver` (the app) or recorded by `record_export` (the CLI), in the same writer: a file whose record
could not be written is never handed out. The log stays when a dataset is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import pandas as pd

from segcore.access import Access
from segcore.catalog import text
from segcore.schema import EXPORT_LOG_DDL
from segcore.workspace import Workspace

__all__ = ["EXPORT_KINDS", "SHOWN", "Exported", "deliver", "export_log", "export_log_csv", "readable_log"]

EXPORT_KINDS = (
    "treatment_list", "control_list", "movers", "weekly_report", "rejected_lines", "export_log", "tiers",
    "migration", "predictions",
)  # fmt: skip
SHOWN = ("masked", "full", "none")  # how phones (or names) left in the file: masked, in full, or not in it


@dataclass(frozen=True)
class Exported:
    """What one export wrote (the user and the time are added when it is recorded)."""

    kind: str
    dataset_id: str | None
    subject: str | None
    file_name: str
    rows: int
    phones: str = "none"
    names: str = "none"

    def __post_init__(self) -> None:
        if self.kind not in EXPORT_KINDS:
            raise ValueError(f"unknown export kind {self.kind!r}")
        if self.phones not in SHOWN or self.names not in SHOWN:
            raise ValueError(f"phones/names must be one of {SHOWN}")


_INSERT_SQL = """
insert into export_log (exported_at, user_name, role, via, dataset_id, kind, subject, file_name, rows, phones, names)
values ($exported_at, $user_name, $role, $via, $dataset_id, $kind, $subject, $file_name, $rows, $phones, $names)
"""


def record_export(con: duckdb.DuckDBPyConnection, access: Access, exported: Exported, at: datetime) -> None:
    """Add one export to the log (the table is made on first use in a workspace written before the log)."""
    con.execute(EXPORT_LOG_DDL)
    values = asdict(exported) | {"exported_at": at, "user_name": access.user, "role": access.role, "via": access.via}
    con.execute(_INSERT_SQL, values)


def deliver(
    workspace: Workspace,
    access: Access,
    at: datetime,
    make: Callable[[duckdb.DuckDBPyConnection], tuple[bytes, Exported]],
) -> bytes:
    """Build an export and record it in one writer: the bytes are returned only once their record is written.
    InputError("not_allowed") for a role that exports nothing, before anything is read."""
    access.require("export")
    with workspace.writer() as con:
        content, exported = make(con)
        record_export(con, access, exported, at)
    return content


_LOG_SQL = """
select exported_at, user_name, role, via, dataset_id, kind, subject, file_name, rows, phones, names
from export_log
order by exported_at desc, file_name
limit $limit
"""


def export_log(con: duckdb.DuckDBPyConnection, access: Access, limit: int = 1_000_000) -> pd.DataFrame:
    """The log, newest first, for a user who may read it (the owner); InputError("not_allowed") otherwise."""
    access.require("read_export_log")
    if not _has_log(con):
        return pd.DataFrame(columns=list(_COLUMNS))
    return con.execute(_LOG_SQL, {"limit": limit}).df()


_COLUMNS = (
    "exported_at", "user_name", "role", "via", "dataset_id", "kind", "subject", "file_name", "rows", "phones",
    "names",
)  # fmt: skip


def readable_log(log: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The log with headers and values in the user's language (times to the second)."""
    shown = log.copy()
    shown["exported_at"] = [f"{value:%Y-%m-%d %H:%M:%S}" for value in pd.to_datetime(shown["exported_at"])]
    for column, prefix in (("role", "role."), ("via", "log.via."), ("kind", "log.kind."), ("phones", "log.shown."),
                           ("names", "log.shown.")):  # fmt: skip
        shown[column] = [text(prefix + str(value), lang) for value in shown[column]]
    return shown.rename(columns={column: text(f"log.col.{column}", lang) for column in shown.columns})


def export_log_csv(con: duckdb.DuckDBPyConnection, access: Access, lang: str) -> tuple[bytes, Exported]:
    """The whole log as a readable CSV (UTF-8 with BOM), as an export of its own (it names the users)."""
    from segcore.export import frame_to_csv

    log = export_log(con, access)
    content = frame_to_csv(readable_log(log, lang))
    return content, Exported("export_log", None, None, "export-log.csv", len(log))


def _has_log(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("select count(*) from information_schema.tables where table_name = 'export_log'").fetchone()
    return bool(row and row[0])
