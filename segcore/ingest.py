"""Load sales and members files into a dataset of the workspace, with a quality report for every load.

A load is one transaction: the raw file is staged as text, parsed once into canonical columns with a reject
reason per line, then kept lines, rejected lines and the load record are written together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from segcore.errors import InputError
from segcore.mapping import check_mapping, guess_mapping, missing_required
from segcore.sources import SourceInfo, content_hash, staged_source
from segcore.sql import NO_EXTENSIONS, install_parsers, quote_ident

__all__ = ["KINDS", "REJECT_REASONS", "FilePreview", "LoadReport", "load_file", "preview_file"]

KINDS = ("sales", "members")
REJECT_REASONS = ("missing_customer_id", "bad_date", "bad_amount", "future_date", "duplicate_member")
Progress = Callable[[float, str], None]
_RAW = "seg_raw"
_PARSED = "seg_parsed"


@dataclass(frozen=True)
class FilePreview:
    """A first look at a file before loading: format, guessed mapping, what is missing, a few rows."""

    info: SourceInfo
    mapping: dict[str, str]
    missing: list[str]
    sample: pd.DataFrame
    rows: int


@dataclass(frozen=True)
class LoadReport:
    """The quality report of one load: counts, reasons, ranges. `status` is 'loaded' or 'duplicate'."""

    status: str
    kind: str
    dataset_id: str
    load_id: str
    file_name: str
    info: SourceInfo
    mapping: dict[str, str]
    rows_read: int = 0
    rows_kept: int = 0
    rows_rejected: int = 0
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    duplicate_lines: int = 0
    refund_lines: int = 0
    customers: int = 0
    date_min: datetime | None = None
    date_max: datetime | None = None
    amount_total: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict of the report."""
        out = asdict(self)
        out["date_min"] = self.date_min.isoformat() if self.date_min else None
        out["date_max"] = self.date_max.isoformat() if self.date_max else None
        return out


def _check_size(path: Path, max_bytes: int | None) -> None:
    if max_bytes is not None and path.stat().st_size > max_bytes:
        raise InputError("too_large", size_mb=round(path.stat().st_size / 2**20, 1), limit_mb=round(max_bytes / 2**20))


def preview_file(path: Path, kind: str, *, sheet: str | None = None, max_bytes: int | None = None) -> FilePreview:
    """Read a file into a scratch DuckDB and return its headers, guessed mapping and first rows."""
    if kind not in KINDS:
        raise InputError("unknown_kind", kind=kind)
    if not path.is_file():
        raise InputError("no_such_file", path=str(path))
    _check_size(path, max_bytes)
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        with staged_source(con, path, _RAW, sheet=sheet) as info:
            rows = int(_scalar(con, f"select count(*) from {_RAW}"))
            sample = _query(con, f"select * exclude (line_no) from {_RAW} order by line_no limit 5").df()
    finally:
        con.close()
    mapping = guess_mapping(info.headers, kind)
    return FilePreview(info, mapping, missing_required(mapping, kind), sample, rows)


def _col(mapping: Mapping[str, str], canonical: str) -> str:
    return quote_ident(mapping[canonical]) if canonical in mapping else "null"


def _sales_select(mapping: Mapping[str, str]) -> str:
    c = lambda name: _col(mapping, name)  # noqa: E731
    if "amount" in mapping:
        amount = f"seg_money({c('amount')})"
    else:
        amount = f"cast(round(seg_number({c('quantity')}) * seg_number({c('unit_price')}), 2) as decimal(18, 2))"
    # NULL only for a flag that is present but not understood (counted in the report, stored as not promo)
    promo = f"seg_flag({c('is_promo')})" if "is_promo" in mapping else "cast(null as boolean)"
    return f"""
    select line_no,
           seg_id({c("customer_id")}) as customer_id,
           seg_text({c("order_id")}) as order_id,
           seg_ts({c("order_date")}) as order_date,
           {amount} as amount,
           {promo} as is_promo,
           cast(seg_number({c("quantity")}) as double) as quantity,
           cast(seg_number({c("unit_price")}) as double) as unit_price,
           seg_text({c("store")}) as store,
           seg_text({c("category")}) as category,
           seg_text({c("product")}) as product,
           seg_text({c("channel")}) as channel
    from {_RAW}
    """


_SALES_PARSE_SQL = """
create or replace temp table {parsed} as
with parsed as ({select}),
final as (
    select * replace (case when $has_promo then coalesce(is_promo, false) end as is_promo),
           $has_promo and is_promo is null as promo_unrecognised,
           case when customer_id is null then 'missing_customer_id'
                when order_date is null then 'bad_date'
                when amount is null then 'bad_amount'
                when cast(order_date as date) > $today then 'future_date'
           end as reject_reason
    from parsed
)
select * from final
"""


def _members_select(mapping: Mapping[str, str], headers: tuple[str, ...]) -> str:
    c = lambda name: _col(mapping, name)  # noqa: E731
    extra = [h for h in headers if h not in mapping.values()]
    extra_json = (
        "to_json(struct_pack(" + ", ".join(f"{quote_ident(h)} := {quote_ident(h)}" for h in extra) + "))"
        if extra
        else "cast(null as json)"
    )
    return f"""
    select line_no,
           seg_id({c("customer_id")}) as customer_id,
           seg_text({c("name")}) as name,
           seg_id({c("phone")}) as phone,
           case when lower(trim({c("gender")})) in ('男', 'm', 'male', '先生') then 'M'
                when lower(trim({c("gender")})) in ('女', 'f', 'female', '女士') then 'F'
                else seg_text({c("gender")}) end as gender,
           cast(seg_ts({c("birthday")}) as date) as birthday,
           cast(seg_ts({c("join_date")}) as date) as join_date,
           seg_text({c("store")}) as store,
           cast(seg_number({c("points")}) as double) as points,
           {"seg_flag(" + c("wechat") + ")" if "wechat" in mapping else "cast(null as boolean)"} as wechat,
           {"seg_flag(" + c("sms") + ")" if "sms" in mapping else "cast(null as boolean)"} as sms,
           {"seg_flag(" + c("email") + ")" if "email" in mapping else "cast(null as boolean)"} as email,
           {extra_json} as extra,
           seg_text({c("birthday")}) is not null and seg_ts({c("birthday")}) is null as bad_birthday,
           seg_text({c("join_date")}) is not null and seg_ts({c("join_date")}) is null as bad_join_date
    from {_RAW}
    """


_MEMBERS_PARSE_SQL = """
create or replace temp table {parsed} as
with parsed as ({select}),
ranked as (
    select *, row_number() over (partition by customer_id order by line_no) as copy_no
    from parsed
),
final as (
    select * exclude (copy_no),
           case when customer_id is null then 'missing_customer_id'
                when copy_no > 1 then 'duplicate_member'
           end as reject_reason
    from ranked
)
select * from final
"""


_SALES_STATS_SQL = f"""
with kept as (select * from {_PARSED} where reject_reason is null),
line_keys as (
    -- a 64-bit hash per line: a collision among a million lines has odds of about 1 in 30 million
    select count(*) - count(distinct hash(customer_id, order_id, order_date, amount, is_promo, quantity, unit_price,
                                          store, category, product, channel)) as duplicate_lines
    from kept
)
select (select count(*) from {_PARSED}) as rows_read,
       count(*) as rows_kept,
       count(*) filter (where amount < 0) as refund_lines,
       count(distinct customer_id) as customers,
       min(order_date) as date_min,
       max(order_date) as date_max,
       coalesce(sum(amount), 0) as amount_total,
       (select duplicate_lines from line_keys) as duplicate_lines,
       count(*) filter (where promo_unrecognised) as promo_unrecognised
from kept
"""

_MEMBERS_STATS_SQL = f"""
select (select count(*) from {_PARSED}) as rows_read,
       count(*) as rows_kept,
       count(distinct customer_id) as customers,
       count(*) filter (where bad_birthday) as bad_birthday,
       count(*) filter (where bad_join_date) as bad_join_date
from {_PARSED}
where reject_reason is null
"""

_REJECT_COUNTS_SQL = f"""
select reject_reason, count(*) as n from {_PARSED} where reject_reason is not null group by all order by all
"""

_INSERT_SALES_SQL = f"""
insert into sales
select $dataset_id, $load_id, line_no, customer_id, order_id, order_date, amount, is_promo, quantity, unit_price,
       store, category, product, channel
from {_PARSED}
where reject_reason is null
"""

# Two statements, run one by one: DuckDB binds parameters only in the last statement of a multi-statement string.
_DELETE_MEMBERS_SQL = f"""
delete from members
where dataset_id = $dataset_id
  and customer_id in (select customer_id from {_PARSED} where reject_reason is null)
"""

_INSERT_MEMBERS_SQL = f"""
insert into members
select $dataset_id, $load_id, customer_id, name, phone, gender, birthday, join_date, store, points, wechat, sms,
       email, extra
from {_PARSED}
where reject_reason is null
"""

_INSERT_REJECTS_SQL = f"""
insert into rejects
select $dataset_id, $load_id, p.line_no, p.reject_reason, to_json(r)
from {_PARSED} p
join {_RAW} r using (line_no)
where p.reject_reason is not null
"""

_INSERT_LOAD_SQL = """
insert into loads values ($load_id, $dataset_id, $kind, $file_name, $mapping, $rows_read, $rows_kept,
                          $rows_rejected, $loaded_at)
"""


def _already_loaded(con: duckdb.DuckDBPyConnection, dataset_id: str, load_id: str) -> bool:
    # fetchall, not fetchone: an unfinished result would block the caller's next con.sql() (DuckDB 2.0).
    found = con.execute(
        "select count(*) from loads where dataset_id = $dataset_id and load_id = $load_id",
        {"dataset_id": dataset_id, "load_id": load_id},
    ).fetchall()
    return bool(found[0][0])


def _ensure_dataset(con: duckdb.DuckDBPyConnection, dataset_id: str, loaded_at: datetime, is_demo: bool) -> None:
    con.execute(
        "insert into datasets values ($dataset_id, $dataset_id, $created_at, $is_demo) on conflict do nothing",
        {"dataset_id": dataset_id, "created_at": loaded_at, "is_demo": is_demo},
    )


def _parse(
    con: duckdb.DuckDBPyConnection, kind: str, mapping: Mapping[str, str], info: SourceInfo, today: date
) -> None:
    if kind == "sales":
        sql = _SALES_PARSE_SQL.format(parsed=_PARSED, select=_sales_select(mapping))
        _query(con, sql, {"today": today, "has_promo": "is_promo" in mapping})
    else:
        sql = _MEMBERS_PARSE_SQL.format(parsed=_PARSED, select=_members_select(mapping, info.headers))
        _query(con, sql)


def _stats(con: duckdb.DuckDBPyConnection, kind: str) -> dict[str, Any]:
    cursor = con.execute(_SALES_STATS_SQL if kind == "sales" else _MEMBERS_STATS_SQL)
    names = [col[0] for col in cursor.description]
    row = cursor.fetchone()
    assert row is not None
    stats = dict(zip(names, row, strict=True))
    stats["rejects_by_reason"] = {reason: int(n) for reason, n in con.execute(_REJECT_COUNTS_SQL).fetchall()}
    return stats


def _report(
    kind: str,
    dataset_id: str,
    load_id: str,
    file_name: str,
    info: SourceInfo,
    mapping: Mapping[str, str],
    stats: dict[str, Any],
) -> LoadReport:
    rejects = dict(stats["rejects_by_reason"])
    warning_keys = ("promo_unrecognised", "bad_birthday", "bad_join_date")
    warnings = {key: int(stats[key]) for key in warning_keys if stats.get(key)}
    return LoadReport(
        status="loaded",
        kind=kind,
        dataset_id=dataset_id,
        load_id=load_id,
        file_name=file_name,
        info=info,
        mapping=dict(mapping),
        rows_read=int(stats["rows_read"]),
        rows_kept=int(stats["rows_kept"]),
        rows_rejected=sum(rejects.values()),
        rejects_by_reason=rejects,
        warnings=warnings,
        duplicate_lines=int(stats.get("duplicate_lines") or 0),
        refund_lines=int(stats.get("refund_lines") or 0),
        customers=int(stats["customers"]),
        date_min=stats.get("date_min"),
        date_max=stats.get("date_max"),
        amount_total=float(stats.get("amount_total") or 0),
    )


def _write(con: duckdb.DuckDBPyConnection, report: LoadReport, loaded_at: datetime, is_demo: bool) -> None:
    params = {"dataset_id": report.dataset_id, "load_id": report.load_id}
    con.execute("begin transaction")
    try:
        _ensure_dataset(con, report.dataset_id, loaded_at, is_demo)
        if report.kind == "sales":
            con.execute(_INSERT_SALES_SQL, params)
        else:
            con.execute(_DELETE_MEMBERS_SQL, {"dataset_id": report.dataset_id})
            con.execute(_INSERT_MEMBERS_SQL, params)
        if report.rows_rejected:
            con.execute(_INSERT_REJECTS_SQL, params)
        con.execute(
            _INSERT_LOAD_SQL,
            {
                **params,
                "kind": report.kind,
                "file_name": report.file_name,
                "mapping": json.dumps(report.mapping),
                "rows_read": report.rows_read,
                "rows_kept": report.rows_kept,
                "rows_rejected": report.rows_rejected,
                "loaded_at": loaded_at,
            },
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def load_file(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    path: Path,
    kind: str,
    *,
    loaded_at: datetime,
    mapping: Mapping[str, str] | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
    max_bytes: int | None = None,
    is_demo: bool = False,
    progress: Progress | None = None,
) -> LoadReport:
    """Load one file into `dataset_id` in one transaction; the same file twice is reported, not added."""
    step = progress or (lambda fraction, stage: None)
    if kind not in KINDS:
        raise InputError("unknown_kind", kind=kind)
    if not dataset_id.strip():
        raise InputError("empty_dataset_name")
    if not path.is_file():
        raise InputError("no_such_file", path=str(path))
    _check_size(path, max_bytes)
    step(0.05, "hashing")
    load_id = content_hash(path)
    name = file_name or path.name
    if _already_loaded(con, dataset_id, load_id):
        return LoadReport("duplicate", kind, dataset_id, load_id, name, SourceInfo("-"), dict(mapping or {}))
    step(0.15, "reading")
    install_parsers(con)
    try:
        with staged_source(con, path, _RAW, sheet=sheet) as info:
            used = dict(mapping) if mapping else guess_mapping(info.headers, kind)
            check_mapping(used, info.headers, kind)
            step(0.3, "parsing")
            _parse(con, kind, used, info, loaded_at.date())
            if int(_scalar(con, f"select count(*) from {_PARSED}")) == 0:
                raise InputError("header_only", found=", ".join(info.headers))
            report = _report(kind, dataset_id, load_id, name, info, used, _stats(con, kind))
            step(0.7, "writing")
            _write(con, report, loaded_at, is_demo)
        step(1.0, "done")
        return report
    finally:
        con.execute(f"drop table if exists {_PARSED}")


def _query(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object] | None = None
) -> duckdb.DuckDBPyConnection:
    """Run SQL that reads the user's file; a malformed file becomes a clean InputError."""
    try:
        return con.execute(sql, params or {})
    except duckdb.InvalidInputException as exc:
        raise InputError("bad_csv", reason=str(exc).splitlines()[0][:200]) from exc


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = _query(con, sql).fetchone()
    assert row is not None
    return row[0]
