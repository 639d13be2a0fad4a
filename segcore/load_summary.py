"""One upload of many files: the files grouped by their headers (one mapping per group), the totals of the whole
load, and every rejected line of the load in one table."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from segcore.access import Access
from segcore.catalog import text
from segcore.currency import DEFAULT_CURRENCY
from segcore.export_log import Exported
from segcore.ingest import LoadReport

__all__ = [
    "FileGroup",
    "LoadSummary",
    "amount_derived",
    "group_by_headers",
    "load_rejects",
    "propose_currency",
    "rejects_csv",
    "summarize_load",
]


@dataclass(frozen=True)
class FileGroup:
    """Files of one kind with exactly the same headers: they share one mapping."""

    kind: str
    headers: tuple[str, ...]
    files: tuple[int, ...]  # positions in the list given, in upload order


def group_by_headers(files: Sequence[tuple[str, Sequence[str]]]) -> list[FileGroup]:
    """(kind, headers) per file -> groups of files with the same kind and the same headers in the same order,
    in the order of each group's first file."""
    positions: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for index, (kind, headers) in enumerate(files):
        positions.setdefault((kind, tuple(headers)), []).append(index)
    return [FileGroup(kind, headers, tuple(found)) for (kind, headers), found in positions.items()]


def amount_derived(mapping: Mapping[str, str]) -> bool:
    """Whether a sales mapping has no amount column, so the amount is computed as quantity x unit price."""
    return "amount" not in mapping and {"quantity", "unit_price"} <= mapping.keys()


def propose_currency(guesses: Sequence[str | None], current: str | None) -> tuple[str, str]:
    """The currency to prefill at upload and why: the files' most frequent guess ('guessed'), else the target
    dataset's current currency ('current'), else yuan ('default')."""
    found = Counter(g for g in guesses if g)
    if found:
        return found.most_common(1)[0][0], "guessed"
    if current:
        return current, "current"
    return DEFAULT_CURRENCY, "default"


@dataclass(frozen=True)
class LoadSummary:
    """The totals of one load (one upload, all its files)."""

    dataset_id: str
    currency: str
    files: int  # every file given
    files_loaded: int  # new files written
    files_duplicate: int  # files the dataset already had: skipped
    rows_read: int
    rows_kept: int
    rows_rejected: int
    rejects_by_reason: dict[str, int] = field(default_factory=dict)  # most frequent first
    customers: int = 0  # distinct customer ids with at least one kept sales line in this load's files
    members: int | None = None  # member lines kept; None when no members file was loaded
    date_min: datetime | None = None
    date_max: datetime | None = None
    amount_total: float = 0.0  # net: refunds subtract
    refund_lines: int = 0
    derived_files: int = 0  # sales files whose amount is quantity x unit price


_LOAD_SALES_SQL = """
with lines as (
    select customer_id, order_date, amount
    from sales
    where dataset_id = $dataset_id and list_contains($load_ids, load_id)
),
final as (
    select count(distinct customer_id) as customers, min(order_date) as date_min, max(order_date) as date_max,
           coalesce(sum(amount), 0) as amount_total
    from lines
)
select * from final
"""


def summarize_load(con: duckdb.DuckDBPyConnection, reports: Sequence[LoadReport], currency: str) -> LoadSummary:
    """The totals of the loaded files of `reports` (one dataset), read back from the workspace: lines read, kept and
    rejected by reason, distinct customers, date range and net amount."""
    loaded = [r for r in reports if r.status == "loaded"]
    sales = [r for r in loaded if r.kind == "sales"]
    members = [r for r in loaded if r.kind == "members"]
    reasons: Counter[str] = Counter()
    for report in loaded:
        reasons.update(report.rejects_by_reason)
    dataset_id = reports[0].dataset_id if reports else ""
    customers, date_min, date_max, amount = 0, None, None, 0.0
    if sales:
        row = con.execute(
            _LOAD_SALES_SQL, {"dataset_id": dataset_id, "load_ids": [r.load_id for r in sales]}
        ).fetchall()[0]
        customers, date_min, date_max, amount = int(row[0]), row[1], row[2], float(row[3])
    return LoadSummary(
        dataset_id=dataset_id,
        currency=currency,
        files=len(reports),
        files_loaded=len(loaded),
        files_duplicate=sum(r.status == "duplicate" for r in reports),
        rows_read=sum(r.rows_read for r in loaded),
        rows_kept=sum(r.rows_kept for r in loaded),
        rows_rejected=sum(r.rows_rejected for r in loaded),
        rejects_by_reason=dict(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        customers=customers,
        members=sum(r.rows_kept for r in members) if members else None,
        date_min=date_min,
        date_max=date_max,
        amount_total=amount,
        refund_lines=sum(r.refund_lines for r in sales),
        derived_files=sum(amount_derived(r.mapping) for r in sales),
    )


_LOAD_REJECTS_SQL = """
with picked as (
    select l.file_name, r.line_no, r.reason, cast(r.raw as varchar) as raw
    from rejects r
    join loads l using (dataset_id, load_id)
    where r.dataset_id = $dataset_id and list_contains($load_ids, r.load_id)
)
select * from picked order by file_name, line_no
"""


def load_rejects(con: duckdb.DuckDBPyConnection, dataset_id: str, load_ids: Sequence[str]) -> pd.DataFrame:
    """Every rejected line of these loads: file_name, line_no, reason (a code), then the line's values as the
    file had them (columns of all files, blank where a file lacks one)."""
    raw = con.execute(_LOAD_REJECTS_SQL, {"dataset_id": dataset_id, "load_ids": list(load_ids)}).df()
    values = pd.DataFrame([json.loads(s) for s in raw["raw"]]) if len(raw) else pd.DataFrame()
    values = values.drop(columns=["line_no"], errors="ignore")
    return pd.concat([raw.drop(columns=["raw"]), values], axis=1)


def rejects_csv(rejected: pd.DataFrame, lang: str) -> bytes:
    """The rejected lines as one CSV (UTF-8 with BOM, for Excel): file, line and reason named in `lang`."""
    out = rejected.copy()
    out["reason"] = [text(f"reason.{r}", lang) for r in out["reason"]]
    out = out.rename(
        columns={
            "file_name": text("rejects.file", lang),
            "line_no": text("rejects.line", lang),
            "reason": text("rejects.reason", lang),
        }
    )
    return out.to_csv(index=False).encode("utf-8-sig")


def rejects_export(
    con: duckdb.DuckDBPyConnection, dataset_id: str, load_ids: Sequence[str], lang: str, *, access: Access
) -> tuple[bytes, Exported]:
    """Every rejected line of these loads as a CSV and its export-log entry. The lines are as the file had them,
    phones unmasked, so only a user who may unmask gets them (InputError("not_allowed") otherwise)."""
    access.require("unmask")
    rejected = load_rejects(con, dataset_id, load_ids)
    exported = Exported("rejected_lines", dataset_id, None, f"rejected-{dataset_id}.csv", len(rejected),
                        phones="full", names="full")  # fmt: skip
    return rejects_csv(rejected, lang), exported
