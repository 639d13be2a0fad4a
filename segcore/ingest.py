"""Load sales and members files into a dataset of the workspace, with a quality report for every load.

A load is one transaction, whatever the number of its files: each raw file is staged as text, parsed once into
canonical columns with a reject reason per line, then the kept lines, rejected lines and load records of all the
files are written together or not at all.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from segcore.access import Access
from segcore.attributes import extra_headers, stage_extras
from segcore.currency import CURRENCIES, guess_currency, has_currency, set_dataset_currency
from segcore.engine.orders import build_order_days
from segcore.errors import InputError
from segcore.mapping import check_mapping, guess_mapping, missing_required
from segcore.sources import SourceInfo, content_hash, staged_source, text_expr
from segcore.sql import (
    EU_ONLY_SQL,
    FALSE_FLAGS,
    NO_EXTENSIONS,
    TRUE_FLAGS,
    US_ONLY_SQL,
    install_parsers,
    quote_ident,
)

__all__ = [
    "KINDS",
    "REJECT_REASONS",
    "FilePreview",
    "FileSpec",
    "LoadReport",
    "load_file",
    "load_files",
    "preview_file",
]

KINDS = ("sales", "members")
REJECT_REASONS = (
    "extra_fields",
    "missing_customer_id",
    "mangled_id",
    "bad_date",
    "implausible_date",
    "ambiguous_amount",
    "bad_amount",
    "future_date",
    "duplicate_member",
)
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
    currency: str | None = None  # guessed from the file; None when nothing in it says


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
    # Up to 3 examples per reject reason and warning: 'row N: value as in the file' (or a column name)
    examples: dict[str, list[str]] = field(default_factory=dict)
    # Numeric columns not read in the usual 1,234.50 convention: 'eu' (1.234,50) or 'mixed'
    number_formats: dict[str, str] = field(default_factory=dict)
    duplicate_lines: int = 0
    refund_lines: int = 0
    customers: int = 0
    date_min: datetime | None = None
    date_max: datetime | None = None
    amount_total: float = 0.0
    currency_guess: str | None = None
    # extra columns (not in the mapping) kept as attributes: header -> number | date | text
    extra_columns: dict[str, str] = field(default_factory=dict)

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
            sample = _query(con, f"select * exclude (line_no) from {_RAW} where line_no <= 5 order by line_no").df()
            currency = _currency_guess(con, info)
    finally:
        con.close()
    mapping = guess_mapping(info.headers, kind)
    return FilePreview(info, mapping, missing_required(mapping, kind), sample, rows, currency)


def _currency_guess(con: duckdb.DuckDBPyConnection, info: SourceInfo) -> str | None:
    # line_no is 1, 2, ... : a filter, not a sort of every line (10M Parquet lines: 2.9 s)
    rows = _query(con, f"select * exclude (line_no) from {_RAW} where line_no <= 200 order by line_no").fetchall()
    return guess_currency(info.headers, rows)


def _col(mapping: Mapping[str, str], canonical: str) -> str:
    return quote_ident(mapping[canonical]) if canonical in mapping else "null"


_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
_DATE_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S")
_DECIMAL_TYPE = re.compile(r"DECIMAL\((\d+),(\d+)\)")


@dataclass(frozen=True)
class _Columns:
    """The mapped columns of the typed relation `<raw>_typed`: their DuckDB types, their text, their typed value.

    Every parser takes the text (`text`), as the file meant it; a typed column (a Parquet DATE, DECIMAL, ...) is
    used directly only where that gives exactly the value the text would, with the text parser for the other lines.
    """

    mapping: Mapping[str, str]
    types: Mapping[str, str]  # source column -> DuckDB type in `<raw>_typed`
    fast: bool = True  # False: every value through the text parsers (the reference the tests compare with)

    def typ(self, canonical: str) -> str:
        return self.types.get(self.mapping[canonical], "VARCHAR") if canonical in self.mapping else "NULL"

    def fast_typ(self, canonical: str) -> str:
        """The column's type where a fast form may be used ('TEXT_ONLY' when not)."""
        return self.typ(canonical) if self.fast else "TEXT_ONLY"

    def typed(self, canonical: str) -> str:
        return _col(self.mapping, canonical)

    def text(self, canonical: str) -> str:
        if canonical not in self.mapping:
            return "null"
        return text_expr(quote_ident(self.mapping[canonical]), self.typ(canonical))

    def scale(self, canonical: str) -> int | None:
        """The scale of a DECIMAL column (None for another type)."""
        found = _DECIMAL_TYPE.fullmatch(self.typ(canonical).replace(" ", ""))
        return int(found.group(2)) if found else None


# Tests set this to False to read every value through the text parsers, and compare.
FAST_PATHS = True


def _columns(con: duckdb.DuckDBPyConnection, mapping: Mapping[str, str]) -> _Columns:
    rows = con.execute(f"describe {_RAW}_typed").fetchall()
    return _Columns(mapping, {str(name): str(kind) for name, kind, *_ in rows}, FAST_PATHS)


@dataclass(frozen=True)
class _Reading:
    """How a file's columns are read, found from the file itself before parsing (number_conventions)."""

    numbers: dict[str, str]  # canonical numeric column -> 'us' | 'eu' | 'none' | 'mixed'
    serials: dict[str, bool]  # canonical date column -> whether bare 5-digit numbers are Excel serial days

    def conv(self, canonical: str) -> str:
        return self.numbers.get(canonical, "none")

    def serial(self, canonical: str) -> str:
        return "true" if self.serials.get(canonical) else "false"


_NUMERIC = {"sales": ("amount", "quantity", "unit_price"), "members": ("points",)}
_DATES = {"sales": ("order_date",), "members": ("birthday", "join_date")}
# Only a value with a '.' or ',' can be evidence of a convention; EU evidence needs a ',' or two '.'s (1.234.567):
# these cheap tests skip the regex for the other values and never change a count.
_US_GUARD = "(contains({c}, '.') or contains({c}, ','))"
_EU_GUARD = "(contains({c}, ',') or {c} like '%.%.%')"
# A serial day is digits and at most one '.': a value with '-', '/' or ':' (an ISO date) is never one.
_SERIAL_GUARD = "not (contains({c}, '-') or contains({c}, '/') or contains({c}, ':'))"


def _typed_evidence(cols: _Columns, canonical: str) -> tuple[int, int] | None:
    """The convention evidence of a typed number column known from its type alone, as (us, eu) flags; None when
    its text must be scanned. An integer's text ('88') is evidence of nothing; a DECIMAL's text always has its
    scale's digits after the dot ('88.50'), evidence of 'us' for a scale other than 3."""
    typ, scale = cols.fast_typ(canonical), cols.scale(canonical)
    if typ == "TEXT_ONLY":
        return None
    if typ in _INTEGER_TYPES or scale == 0:
        return 0, 0
    if scale is not None and scale != 3:
        return -1, 0  # us when the column has a value: counted by the scan below
    return None


def number_conventions(con: duckdb.DuckDBPyConnection, kind: str, cols: _Columns) -> _Reading:
    """Per mapped column: its number convention and whether it is mostly Excel serial dates.

    Each count only needs to be known as zero or not (and the serial count against the filled count), so each is
    an early-stopping probe for one matching line, over the text of the column."""
    mapping = cols.mapping
    if not cols.fast:
        return _text_conventions(con, kind, cols)

    def found(condition: str) -> bool:
        return bool(_query(con, f"select 1 from {_RAW}_typed where {condition} limit 1").fetchall())

    numbers: dict[str, str] = {}
    for canonical in (c for c in _NUMERIC[kind] if c in mapping):
        text = cols.text(canonical)
        known = _typed_evidence(cols, canonical)
        if known is not None:
            us = bool(known[0]) and found(f"{cols.typed(canonical)} is not null")
            eu = bool(known[1])
        else:
            us = found(f"{_US_GUARD.replace('{c}', text)} and {US_ONLY_SQL.replace('{c}', text)}")
            eu = found(f"{_EU_GUARD.replace('{c}', text)} and {EU_ONLY_SQL.replace('{c}', text)}")
        numbers[canonical] = "mixed" if us and eu else "us" if us else "eu" if eu else "none"
    serials: dict[str, bool] = {}
    for canonical in (c for c in _DATES[kind] if c in mapping):
        if cols.fast_typ(canonical) in _DATE_TYPES:  # its text is 2024-03-05...: never a serial day
            serials[canonical] = False
            continue
        text = cols.text(canonical)
        serial_sql = f"{_SERIAL_GUARD.replace('{c}', text)} and seg_serial({text})"
        serials[canonical] = found(serial_sql) and _serials_dominate(con, serial_sql, text)
    return _Reading(numbers, serials)


def _text_conventions(con: duckdb.DuckDBPyConnection, kind: str, cols: _Columns) -> _Reading:
    """number_conventions as one scan counting every value's evidence (the reference for the probes)."""
    parts: list[str] = []
    numeric = [c for c in _NUMERIC[kind] if c in cols.mapping]
    dates = [c for c in _DATES[kind] if c in cols.mapping]
    for canonical in numeric:
        text = cols.text(canonical)
        parts.append(f"count(*) filter (where {US_ONLY_SQL.replace('{c}', text)})")
        parts.append(f"count(*) filter (where {EU_ONLY_SQL.replace('{c}', text)})")
    for canonical in dates:
        text = cols.text(canonical)
        parts += [f"count(*) filter (where seg_serial({text}))", f"count(seg_text({text}))"]
    if not parts:
        return _Reading({}, {})
    counts = list(_query(con, f"select {', '.join(parts)} from {_RAW}_typed").fetchall()[0])
    numbers: dict[str, str] = {}
    for canonical in numeric:
        us, eu = counts.pop(0), counts.pop(0)
        numbers[canonical] = "mixed" if us and eu else "us" if us else "eu" if eu else "none"
    serials = {}
    for canonical in dates:
        serial, filled = counts.pop(0), counts.pop(0)
        serials[canonical] = serial * 2 > filled
    return _Reading(numbers, serials)


def _serials_dominate(con: duckdb.DuckDBPyConnection, serial_sql: str, text: str) -> bool:
    serial, filled = _query(
        con, f"select count(*) filter (where {serial_sql}), count(seg_text({text})) from {_RAW}_typed"
    ).fetchall()[0]
    return bool(serial * 2 > filled)


def _number_exprs(cols: _Columns, reading: _Reading, canonical: str) -> tuple[str, str]:
    """SQL for a number column's exact value (DECIMAL(18, 4), NULL when unreadable) and whether it is ambiguous,
    identical to seg_number_as / seg_num_ambiguous on its text; a cheaper form first where it gives the same."""
    text, conv = cols.text(canonical), reading.conv(canonical)
    exact = f"seg_number_as({text}, {_literal(conv)})"
    ambiguous = f"coalesce(seg_num_ambiguous({text}, {_literal(conv)}), false)"
    typ, scale, x = cols.fast_typ(canonical), cols.scale(canonical), cols.typed(canonical)
    ok: str | None = None
    if typ in _INTEGER_TYPES or scale == 0:
        ok = f"abs({x}) < 1e14"  # '88' reads 88 in every convention
    elif scale is not None and scale <= 4 and conv == "us":
        ok = f"abs({x}) < 1e14"  # '88.50' is try_cast('88.50' as decimal(18, 4))
    elif typ == "DOUBLE" and conv in ("us", "none"):
        # whole numbers read the same in every convention; with 'us', any value with at most 4 decimals (its
        # shortest text has them, and the double rounds to the same decimal: checked on millions of values)
        ok = f"abs({x}) < 1e11 and {x} = {'round' if conv == 'us' else 'trunc'}({x}{', 4' if conv == 'us' else ''})"
    elif typ == "VARCHAR" and conv == "us":
        # seg_num_us starts with try_cast(trim(s) as decimal(18, 4)): without trim it is the same where it reads
        return f"coalesce(try_cast({x} as decimal(18, 4)), {exact})", "false"
    if ok is None:
        return exact, ambiguous
    return (
        f"case when {ok} then cast({x} as decimal(18, 4)) else {exact} end",
        f"case when {ok} then false else {ambiguous} end",
    )


def _timestamp_expr(cols: _Columns, reading: _Reading, canonical: str) -> str:
    """SQL for a date column's TIMESTAMP (NULL when unreadable), identical to seg_ts_as on its text."""
    text, serials, x = cols.text(canonical), reading.serial(canonical), cols.typed(canonical)
    parsed = f"seg_ts_as({text}, {serials})"
    if cols.fast_typ(canonical) in _DATE_TYPES:
        # the text of a year 1-9999 value is ISO, which the text parser reads back to the same instant
        return f"case when isfinite({x}) and year({x}) between 1 and 9999 then cast({x} as timestamp) else {parsed} end"
    if cols.fast_typ(canonical) == "VARCHAR":
        # seg_ts_as starts with try_cast(trim(s) as timestamp): without trim it is the same where it reads
        return f"coalesce(try_cast({x} as timestamp), {parsed})"
    return parsed


def _flag_expr(cols: _Columns, canonical: str) -> str:
    """SQL for a yes/no column, identical to seg_flag on its text (NULL: present but not understood)."""
    x = cols.typed(canonical)
    if cols.fast_typ(canonical) == "BOOLEAN":
        return f"coalesce({x}, false)"  # 'true' / 'false' / empty
    if cols.fast_typ(canonical) == "VARCHAR":
        # seg_flag written as CASE ... WHEN constants, the flags exactly as listed first (lower(trim(s)) is s for
        # them): seg_flag's two list_contains become two joins over every line, lower(trim(s)) on each
        words = _flag_whens()
        return (
            f"case {x} {words} else case when {x} is null then false "
            f"else case lower(trim({x})) {words} when '' then false end end end"
        )
    return f"seg_flag({cols.text(canonical)})"


def _flag_whens() -> str:
    yes = " ".join(f"when {_literal(v)} then true" for v in TRUE_FLAGS)
    return yes + " " + " ".join(f"when {_literal(v)} then false" for v in FALSE_FLAGS)


def _sci_expr(cols: _Columns, canonical: str) -> str:
    """coalesce(seg_sci(text), false), skipped for a value without an e (scientific notation needs one)."""
    text = cols.text(canonical)
    if not cols.fast:
        return f"coalesce(seg_sci({text}), false)"
    # a CASE, not `... and seg_sci()`: the regex runs only on the lines with an e (1M lines: 0.19 -> 0.07 s)
    has_e = f"contains({text}, 'e') or contains({text}, 'E')"
    return f"case when {has_e} then coalesce(seg_sci({text}), false) else false end"


def _issue_join(mapping: Mapping[str, str], kind: str) -> str:
    """Per line: extra fields, and lossy numbers in the id (and phone) columns, from `<raw>_issues`."""
    id_col = mapping.get("customer_id", "")
    phone_col = mapping.get("phone", "") if kind == "members" else ""
    return f"""
    left join (
        select line_no,
               bool_or(issue = 'extra_fields') as extra_fields,
               bool_or(issue = 'lossy_number' and col = {_literal(id_col)}) as lossy_id,
               bool_or(issue = 'lossy_number' and col = {_literal(phone_col)}) as lossy_phone
        from {_RAW}_issues
        group by line_no
    ) issues using (line_no)
    """


def _literal(value: str) -> str:
    # A header name as a SQL string literal (the select is generated once per file; quoting as in quote_ident).
    return "'" + value.replace("'", "''") + "'"


def _sales_select(cols: _Columns, reading: _Reading) -> str:
    c = cols.text
    mapping = cols.mapping
    quantity, quantity_ambiguous = _number_exprs(cols, reading, "quantity")
    unit_price, unit_price_ambiguous = _number_exprs(cols, reading, "unit_price")
    if "amount" in mapping:
        exact, ambiguous = _number_exprs(cols, reading, "amount")
        amount = "cast(round(amount_exact, 2) as decimal(18, 2))"  # seg_money_as
        rounded = "coalesce(amount_exact <> round(amount_exact, 2), false)"
    else:
        exact, ambiguous = "null", f"{quantity_ambiguous} or {unit_price_ambiguous}"
        rounded = "false"  # quantity x unit price is rounded to the cent by definition
        amount = "cast(round(quantity_exact * unit_price_exact, 2) as decimal(18, 2))"
    # NULL only for a flag that is present but not understood (counted in the report, stored as not promo)
    promo = _flag_expr(cols, "is_promo") if "is_promo" in mapping else "cast(null as boolean)"
    serials = reading.serial("order_date")
    serial_warning = f"coalesce(seg_serial({c('order_date')}), false)" if serials == "true" else "false"
    return f"""
    select * exclude (amount_exact, quantity_exact, unit_price_exact)
             replace ({amount} as amount,
                      cast(quantity_exact as double) as quantity,
                      cast(unit_price_exact as double) as unit_price),
           {rounded} as w_amount_rounded
    from (
        select line_no,
               seg_id({c("customer_id")}) as customer_id,
               seg_text({c("order_id")}) as order_id,
               {_timestamp_expr(cols, reading, "order_date")} as order_date,
               null as amount,
               {promo} as is_promo,
               null as quantity,
               null as unit_price,
               seg_text({c("store")}) as store,
               seg_text({c("category")}) as category,
               seg_text({c("product")}) as product,
               seg_text({c("channel")}) as channel,
               coalesce(issues.extra_fields, false) as extra_fields,
               {_sci_expr(cols, "customer_id")} or coalesce(issues.lossy_id, false) as mangled_id,
               {ambiguous} as amount_ambiguous,
               {serial_warning} as w_excel_serial_dates,
               {exact} as amount_exact,
               {quantity} as quantity_exact,
               {unit_price} as unit_price_exact
        from {_RAW}_typed
        {_issue_join(mapping, "sales")}
    )
    """


_SALES_PARSE_SQL = """
create or replace temp table {parsed} as
with parsed as ({select}),
final as (
    select * exclude (extra_fields, mangled_id, amount_ambiguous)
             replace (case when $has_promo then coalesce(is_promo, false) end as is_promo),
           $has_promo and is_promo is null as w_promo_unrecognised,
           case when extra_fields then 'extra_fields'
                when customer_id is null then 'missing_customer_id'
                when mangled_id then 'mangled_id'
                when order_date is null then 'bad_date'
                when order_date < $earliest then 'implausible_date'
                when amount_ambiguous then 'ambiguous_amount'
                when amount is null then 'bad_amount'
                when cast(order_date as date) > $today then 'future_date'
           end as reject_reason
    from parsed
)
select * from final
"""


def _members_select(cols: _Columns, headers: tuple[str, ...], reading: _Reading) -> str:
    c = cols.text
    mapping = cols.mapping
    extra = [h for h in headers if h not in mapping.values()]
    extra_json = (
        "to_json(struct_pack("
        + ", ".join(f"{quote_ident(h)} := {text_expr(quote_ident(h), cols.types.get(h, 'VARCHAR'))}" for h in extra)
        + "))"
        if extra
        else "cast(null as json)"
    )
    birthday = f"cast({_timestamp_expr(cols, reading, 'birthday')} as date)"
    join_date = f"cast({_timestamp_expr(cols, reading, 'join_date')} as date)"
    points, points_ambiguous = _number_exprs(cols, reading, "points")
    phone_bad = f"({_sci_expr(cols, 'phone')} or coalesce(issues.lossy_phone, false))"
    serial_warnings = [
        f"coalesce(seg_serial({c(name)}), false)"
        for name in ("birthday", "join_date")
        if reading.serial(name) == "true"
    ]
    flags = {name: _flag_expr(cols, name) if name in mapping else "cast(null as boolean)" for name in FLAG_COLUMNS}
    return f"""
    select line_no,
           seg_id({c("customer_id")}) as customer_id,
           seg_text({c("name")}) as name,
           case when {phone_bad} then null else seg_id({c("phone")}) end as phone,
           case when lower(trim({c("gender")})) in ('男', 'm', 'male', '先生') then 'M'
                when lower(trim({c("gender")})) in ('女', 'f', 'female', '女士') then 'F'
                else seg_text({c("gender")}) end as gender,
           {birthday} as birthday,
           {join_date} as join_date,
           seg_text({c("store")}) as store,
           cast({points} as double) as points,
           {flags["wechat"]} as wechat,
           {flags["sms"]} as sms,
           {flags["email"]} as email,
           {extra_json} as extra,
           seg_text({c("birthday")}) is not null and {birthday} is null as w_bad_birthday,
           seg_text({c("join_date")}) is not null and {join_date} is null as w_bad_join_date,
           {phone_bad} as w_mangled_phone,
           {points_ambiguous} as w_ambiguous_number,
           {" or ".join(serial_warnings) or "false"} as w_excel_serial_dates,
           coalesce(issues.extra_fields, false) as extra_fields,
           {_sci_expr(cols, "customer_id")} or coalesce(issues.lossy_id, false) as mangled_id
    from {_RAW}_typed
    {_issue_join(mapping, "members")}
    """


FLAG_COLUMNS = ("wechat", "sms", "email")


_MEMBERS_PARSE_SQL = """
create or replace temp table {parsed} as
with parsed as ({select}),
checked as (
    -- a year-1 or future birthday, or a join date before $earliest, is a placeholder, not a date: left empty
    select * replace (case when birthday < date '1900-01-01' or birthday > $today then null else birthday end
                          as birthday,
                      case when join_date < $earliest then null else join_date end as join_date),
           birthday < date '1900-01-01' or birthday > $today as w_implausible_birthday,
           join_date < $earliest as w_implausible_join_date,
           join_date > $today as w_future_join_date
    from parsed
),
ranked as (
    select *,
           row_number() over (partition by customer_id, extra_fields or mangled_id order by line_no) as copy_no
    from checked
),
final as (
    select * exclude (copy_no, extra_fields, mangled_id),
           case when extra_fields then 'extra_fields'
                when customer_id is null then 'missing_customer_id'
                when mangled_id then 'mangled_id'
                when copy_no > 1 then 'duplicate_member'
           end as reject_reason
    from ranked
)
select * from final
"""

# Warnings: code -> the raw column whose value is shown as an example (None: the row number only).
_SALES_WARNINGS = {"promo_unrecognised": "is_promo", "excel_serial_dates": "order_date", "amount_rounded": "amount"}
_MEMBER_WARNINGS = {
    "bad_birthday": "birthday",
    "implausible_birthday": "birthday",
    "bad_join_date": "join_date",
    "implausible_join_date": "join_date",
    "future_join_date": "join_date",
    "mangled_phone": "phone",
    "ambiguous_number": "points",
    "excel_serial_dates": "join_date",
}
_REJECT_COLUMNS = {
    "extra_fields": None,
    "missing_customer_id": "customer_id",
    "mangled_id": "customer_id",
    "duplicate_member": "customer_id",
    "bad_date": "order_date",
    "implausible_date": "order_date",
    "future_date": "order_date",
    "ambiguous_amount": "amount",
    "bad_amount": "amount",
}
EXAMPLES = 3

# a 64-bit hash per line: a collision among a million lines has odds of about 1 in 30 million
_DUPLICATES_SQL = """count(*) - count(distinct hash(customer_id, order_id, order_date, amount, is_promo, quantity,
                                                  unit_price, store, category, product, channel))"""
_CUSTOMERS_SQL = "count(distinct customer_id)"
_SALES_STATS_SQL = f"""
with kept as (select * from {{parsed}} where reject_reason is null),
line_keys as (
    select {_DUPLICATES_SQL} as duplicate_lines
    from kept
)
select (select count(*) from {{parsed}}) as rows_read,
       count(*) as rows_kept,
       count(*) filter (where amount < 0) as refund_lines,
       {_CUSTOMERS_SQL} as customers,
       min(order_date) as date_min,
       max(order_date) as date_max,
       coalesce(sum(amount), 0) as amount_total,
       (select duplicate_lines from line_keys) as duplicate_lines,
       {", ".join(f"count(*) filter (where w_{w}) as {w}" for w in _SALES_WARNINGS)}
from kept
"""

_MEMBERS_STATS_SQL = f"""
select (select count(*) from {{parsed}}) as rows_read,
       count(*) as rows_kept,
       {_CUSTOMERS_SQL} as customers,
       {", ".join(f"count(*) filter (where w_{w}) as {w}" for w in _MEMBER_WARNINGS)}
from {{parsed}}
where reject_reason is null
"""

_REJECT_COUNTS_SQL = """
select reject_reason, count(*) as n from {parsed} where reject_reason is not null group by all order by all
"""

_INSERT_SALES_SQL = """
insert into sales
select $dataset_id, $load_id, line_no, customer_id, order_id, order_date, amount, is_promo, quantity, unit_price,
       store, category, product, channel
from {parsed}
where reject_reason is null
"""

# Two statements, run one by one: DuckDB binds parameters only in the last statement of a multi-statement string.
_DELETE_MEMBERS_SQL = """
delete from members
where dataset_id = $dataset_id
  and customer_id in (select customer_id from {parsed} where reject_reason is null)
"""

_DELETE_MEMBER_EXTRAS_SQL = """
delete from extra_values
where dataset_id = $dataset_id
  and source = 'members'
  and customer_id in (select customer_id from {parsed} where reject_reason is null)
"""

_INSERT_EXTRAS_SQL = """
insert into extra_values
select $dataset_id, $load_id, $source, line_no, customer_id, day, name, text, number, date_value
from {extras}
"""

_INSERT_MEMBERS_SQL = """
insert into members
select $dataset_id, $load_id, customer_id, name, phone, gender, birthday, join_date, store, points, wechat, sms,
       email, extra
from {parsed}
where reject_reason is null
"""

_STAGE_REJECTS_SQL = """
create or replace temp table {rejected} as
select p.line_no, p.reject_reason, to_json(r) as raw
from {parsed} p
join {raw} r using (line_no)
where p.reject_reason is not null
"""

_INSERT_REJECTS_SQL = """
insert into rejects select $dataset_id, $load_id, line_no, reject_reason, raw from {rejected}
"""

_INSERT_LOAD_SQL = """
insert into loads values ($load_id, $dataset_id, $kind, $file_name, $mapping, $rows_read, $rows_kept,
                          $rows_rejected, $loaded_at)
"""

# An order before this day is a placeholder (0001-01-01, 1900-01-01), not a sale; a join date too.
EARLIEST_DAY = date(1990, 1, 1)


def _loaded_kind(con: duckdb.DuckDBPyConnection, dataset_id: str, load_id: str) -> str | None:
    # fetchall, not fetchone: an unfinished result would block the caller's next con.sql() (DuckDB 2.0).
    found = con.execute(
        "select min(kind) from loads where dataset_id = $dataset_id and load_id = $load_id",
        {"dataset_id": dataset_id, "load_id": load_id},
    ).fetchall()
    return found[0][0]  # type: ignore[no-any-return]


def _ensure_dataset(con: duckdb.DuckDBPyConnection, dataset_id: str, loaded_at: datetime, is_demo: bool) -> None:
    con.execute(
        "insert into datasets values ($dataset_id, $dataset_id, $created_at, $is_demo) on conflict do nothing",
        {"dataset_id": dataset_id, "created_at": loaded_at, "is_demo": is_demo},
    )


def _parse(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    mapping: Mapping[str, str],
    info: SourceInfo,
    today: date,
    parsed: str,
) -> _Reading:
    cols = _columns(con, mapping)
    reading = number_conventions(con, kind, cols)
    params: dict[str, object] = {"today": today, "earliest": EARLIEST_DAY}
    with _lazy_fallbacks(con):
        if kind == "sales":
            sql = _SALES_PARSE_SQL.format(parsed=parsed, select=_sales_select(cols, reading))
            _query(con, sql, {**params, "has_promo": "is_promo" in mapping})
        else:
            sql = _MEMBERS_PARSE_SQL.format(parsed=parsed, select=_members_select(cols, info.headers, reading))
            _query(con, sql, params)
    return reading


@contextlib.contextmanager
def _lazy_fallbacks(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the parse without DuckDB's common-subexpression optimizer: it hoists a subexpression the text parsers
    use twice (seg_num_clean(s) in seg_num_us, trim(s) in seg_ts_as) out of coalesce / CASE and computes it for
    every line, so the fallback costs as much as the fast path's try_cast saves (1M lines: amount 0.38 -> 0.09 s,
    date 0.38 -> 0.14 s). An optimizer never changes a result."""
    before = str(con.execute("select current_setting('disabled_optimizers')").fetchall()[0][0])
    off = ",".join(sorted({*filter(None, (o.strip() for o in before.split(","))), "common_subexpressions"}))
    con.execute(f"set disabled_optimizers = {_literal(off)}")
    try:
        yield
    finally:
        con.execute(f"set disabled_optimizers = {_literal(before)}")


def _stats(con: duckdb.DuckDBPyConnection, kind: str, parsed: str, distinct: bool) -> dict[str, Any]:
    sql = _SALES_STATS_SQL if kind == "sales" else _MEMBERS_STATS_SQL
    if not distinct:  # the two exact distinct counts (10M lines: ~6 s of CPU) are left out: 0
        sql = sql.replace(_CUSTOMERS_SQL, "0").replace(_DUPLICATES_SQL, "count(*) - count(*)")
    cursor = con.execute(sql.format(parsed=parsed))
    names = [col[0] for col in cursor.description]
    row = cursor.fetchone()
    assert row is not None
    stats = dict(zip(names, row, strict=True))
    counts = con.execute(_REJECT_COUNTS_SQL.format(parsed=parsed)).fetchall()
    stats["rejects_by_reason"] = {reason: int(n) for reason, n in counts}
    return stats


def _examples(
    con: duckdb.DuckDBPyConnection, parsed: str, condition: str, column: str | None, mapping: Mapping[str, str]
) -> list[str]:
    """Up to EXAMPLES rows matching `condition`, as 'row N: raw value' (the value as the file has it)."""
    source = mapping.get(column) if column else None
    value = f"r.{quote_ident(source)}" if source else "null"
    rows = con.execute(
        f"select p.line_no, {value} from {parsed} p join {_RAW} r using (line_no) "
        f"where {condition} order by p.line_no limit {EXAMPLES}"
    ).fetchall()
    return [f"row {n}: {v}" if v is not None else f"row {n}" for n, v in rows]


def _report(
    con: duckdb.DuckDBPyConnection,
    spec: FileSpec,
    load_id: str,
    dataset_id: str,
    info: SourceInfo,
    mapping: Mapping[str, str],
    reading: _Reading,
    parsed: str,
    distinct: bool,
) -> LoadReport:
    stats = _stats(con, spec.kind, parsed, distinct)
    rejects = dict(stats["rejects_by_reason"])
    examples: dict[str, list[str]] = {}
    for reason in rejects:
        examples[reason] = _examples(con, parsed, f"p.reject_reason = '{reason}'", _REJECT_COLUMNS[reason], mapping)
    warning_columns = _SALES_WARNINGS if spec.kind == "sales" else _MEMBER_WARNINGS
    warnings: dict[str, int] = {}
    for code, column in warning_columns.items():
        if stats.get(code):
            warnings[code] = int(stats[code])
            examples[code] = _examples(con, parsed, f"p.w_{code} and p.reject_reason is null", column, mapping)
    if info.duplicate_headers:
        warnings["duplicate_column"] = len(info.duplicate_headers)
        examples["duplicate_column"] = list(info.duplicate_headers)
    if info.lone_cr:
        warnings["lone_cr"] = info.lone_cr
    return LoadReport(
        status="loaded",
        kind=spec.kind,
        dataset_id=dataset_id,
        load_id=load_id,
        file_name=spec.name,
        info=info,
        mapping=dict(mapping),
        rows_read=int(stats["rows_read"]),
        rows_kept=int(stats["rows_kept"]),
        rows_rejected=sum(rejects.values()),
        rejects_by_reason=rejects,
        warnings=warnings,
        examples=examples,
        number_formats={k: v for k, v in reading.numbers.items() if v in ("eu", "mixed")},
        duplicate_lines=int(stats.get("duplicate_lines") or 0),
        refund_lines=int(stats.get("refund_lines") or 0),
        customers=int(stats["customers"]),
        date_min=stats.get("date_min"),
        date_max=stats.get("date_max"),
        amount_total=float(stats.get("amount_total") or 0),
    )


def _write(
    con: duckdb.DuckDBPyConnection, staged: list[_Staged], loaded_at: datetime, is_demo: bool, currency: str | None
) -> None:
    """Write every staged file in one transaction: all of them or none."""
    _write_all(con, staged, loaded_at, is_demo, currency)
    _compact(con, "")


def _write_all(
    con: duckdb.DuckDBPyConnection, staged: list[_Staged], loaded_at: datetime, is_demo: bool, currency: str | None
) -> None:
    con.execute("begin transaction")
    try:
        for item in staged:
            report = item.report
            params = {"dataset_id": report.dataset_id, "load_id": report.load_id}
            _ensure_dataset(con, report.dataset_id, loaded_at, is_demo)
            _keep_currency(con, report, currency)
            if report.kind == "sales":
                con.execute(_INSERT_SALES_SQL.format(parsed=item.parsed), params)
            else:
                con.execute(_DELETE_MEMBERS_SQL.format(parsed=item.parsed), {"dataset_id": report.dataset_id})
                con.execute(_DELETE_MEMBER_EXTRAS_SQL.format(parsed=item.parsed), {"dataset_id": report.dataset_id})
                con.execute(_INSERT_MEMBERS_SQL.format(parsed=item.parsed), params)
            _write_extras(con, item, params)
            if report.rows_rejected:
                con.execute(_INSERT_REJECTS_SQL.format(rejected=item.rejected), params)
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
        for dataset_id in sorted({item.report.dataset_id for item in staged}):
            build_order_days(con, dataset_id)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _write_extras(con: duckdb.DuckDBPyConnection, item: _Staged, params: dict[str, str]) -> None:
    """The load's extra columns (with their kind) and their staged values."""
    kinds = item.report.extra_columns
    if not kinds:
        return
    filled = dict(con.execute(f"select name, count(*) from {item.extras} group by name").fetchall())
    for name, kind in kinds.items():
        con.execute(
            "insert into extra_columns values ($dataset_id, $load_id, $source, $name, $kind, $filled)",
            {**params, "source": item.report.kind, "name": name, "kind": kind, "filled": int(filled.get(name, 0))},
        )
    con.execute(_INSERT_EXTRAS_SQL.format(extras=item.extras), {**params, "source": item.report.kind})


def _keep_currency(con: duckdb.DuckDBPyConnection, report: LoadReport, currency: str | None) -> None:
    """The currency the owner chose; else, for a dataset without one, the file's guess."""
    if currency is not None:
        set_dataset_currency(con, report.dataset_id, currency)
    elif report.currency_guess and not has_currency(con, report.dataset_id):
        set_dataset_currency(con, report.dataset_id, report.currency_guess)


def _in_memory(con: duckdb.DuckDBPyConnection) -> bool:
    found = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()
    return bool(found) and found[0][0] is None


def _compact(con: duckdb.DuckDBPyConnection, database: str) -> None:
    """In an in-memory workspace (the CLI's), checkpoint `database` ('temp', or '' for the workspace) so its
    tables are stored compressed: until then every value takes its full width (10M sales lines: 1.7 GB, with a
    64-character load_id on each line). A workspace file is checkpointed when it closes."""
    if not _in_memory(con):
        return
    # another transaction running makes it fail: the tables then stay as they are, which is only bigger
    with contextlib.suppress(duckdb.Error):
        con.execute(f"checkpoint {database}".strip())


@dataclass(frozen=True)
class FileSpec:
    """One file of a load: where it is, sales or members, the confirmed mapping (None: guess) and the sheet."""

    path: Path
    kind: str
    mapping: Mapping[str, str] | None = None
    sheet: str | None = None
    file_name: str | None = None

    @property
    def name(self) -> str:
        return self.file_name or self.path.name


@dataclass(frozen=True)
class _Staged:
    report: LoadReport
    parsed: str
    rejected: str
    extras: str


def _check_kind(headers: tuple[str, ...], kind: str, mapping: Mapping[str, str]) -> None:
    """Say so when a members file is given as sales (or the other way round) instead of 'columns missing'."""
    member_only = {"name", "phone", "gender", "birthday", "join_date", "points"}
    if kind == "members":
        # a members file needs only an id, so a sales file would "load": not when it has order dates and amounts
        # and nothing only a members file has
        sales_guess = guess_mapping(headers, "sales")
        if not missing_required(sales_guess, "sales") and not member_only & mapping.keys():
            raise InputError("looks_like_sales", found=", ".join(headers))
        return
    if not missing_required(mapping, kind):
        return
    members_guess = guess_mapping(headers, "members")
    if "customer_id" in members_guess and member_only & members_guess.keys():
        raise InputError("looks_like_members", found=", ".join(headers))


def _stage_file(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    spec: FileSpec,
    load_id: str,
    index: int,
    today: date,
    step: Progress,
    distinct: bool,
) -> _Staged:
    parsed, rejected, extras = f"{_PARSED}_{index}", f"seg_rejected_{index}", f"seg_extras_{index}"
    with staged_source(con, spec.path, _RAW, sheet=spec.sheet) as info:
        if spec.mapping:
            used = dict(spec.mapping)
        else:
            used = guess_mapping(info.headers, spec.kind)
            _check_kind(info.headers, spec.kind, used)
        check_mapping(used, info.headers, spec.kind)
        step(0.3, "parsing")
        reading = _parse(con, spec.kind, used, info, today, parsed)
        _compact(con, "temp")
        if int(_scalar(con, f"select count(*) from {parsed}")) == 0:
            raise InputError("header_only", found=", ".join(info.headers))
        _query(con, _STAGE_REJECTS_SQL.format(rejected=rejected, parsed=parsed, raw=_RAW))
        report = _report(con, spec, load_id, dataset_id, info, used, reading, parsed, distinct)
        if spec.kind == "sales":
            report = replace(report, currency_guess=_currency_guess(con, info))
        step(0.6, "attributes")
        headers = extra_headers(info.headers, used.values())
        kinds = stage_extras(con, f"{_RAW}_typed", parsed, extras, spec.kind, headers, dict(_columns(con, used).types))
        report = replace(report, extra_columns=kinds)
    return _Staged(report, parsed, rejected, extras)


def load_files(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    files: Sequence[FileSpec],
    *,
    loaded_at: datetime,
    max_bytes: int | None = None,
    is_demo: bool = False,
    progress: Progress | None = None,
    currency: str | None = None,
    distinct_counts: bool = True,
    access: Access,
) -> list[LoadReport]:
    """Load several files into `dataset_id` in ONE transaction: every file, or (on any error) none of them.
    `currency` sets the dataset's currency; without it a new dataset takes the one its sales files suggest.
    `distinct_counts=False` (a caller that shows no report, such as the CLI's --sales runs) leaves the reports'
    `customers` and `duplicate_lines` at 0 instead of counting them; everything stored is the same.

    A file already loaded into the dataset (same bytes, same kind) is reported as 'duplicate' and adds nothing.
    An InputError names the failing file in `exc.details['file']` and `exc.file_name`.
    """
    access.require("load_data")
    step = progress or (lambda fraction, stage: None)
    if not files:
        raise InputError("no_files")
    if not dataset_id.strip():
        raise InputError("empty_dataset_name")
    staged: list[_Staged | LoadReport] = []
    seen: dict[str, str] = {}
    if currency is not None and currency not in CURRENCIES:
        raise InputError("unknown_currency", currency=currency, known=", ".join(CURRENCIES))
    install_parsers(con)
    try:
        for index, spec in enumerate(files):
            try:
                staged.append(_prepare(con, dataset_id, spec, index, seen, loaded_at, max_bytes, step, distinct_counts))
            except InputError as exc:
                exc.file_name = spec.name  # type: ignore[attr-defined]
                raise
        ready = [item for item in staged if isinstance(item, _Staged)]
        step(0.7, "writing")
        if ready:
            _write(con, ready, loaded_at, is_demo, currency)
        step(1.0, "done")
        return [item.report if isinstance(item, _Staged) else item for item in staged]
    finally:
        for index in range(len(files)):
            con.execute(f"drop table if exists {_PARSED}_{index}")
            con.execute(f"drop table if exists seg_rejected_{index}")
            con.execute(f"drop table if exists seg_extras_{index}")


def _prepare(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    spec: FileSpec,
    index: int,
    seen: dict[str, str],
    loaded_at: datetime,
    max_bytes: int | None,
    step: Progress,
    distinct: bool = True,
) -> _Staged | LoadReport:
    if spec.kind not in KINDS:
        raise InputError("unknown_kind", kind=spec.kind)
    if not spec.path.is_file():
        raise InputError("no_such_file", path=str(spec.path))
    _check_size(spec.path, max_bytes)
    step(0.05, "hashing")
    load_id = content_hash(spec.path)
    loaded_as = seen.get(load_id) or _loaded_kind(con, dataset_id, load_id)
    if loaded_as is not None and loaded_as != spec.kind:
        raise InputError("loaded_as_other_kind", file=spec.name, loaded_as=loaded_as, given_as=spec.kind)
    if loaded_as is not None:
        return LoadReport(
            "duplicate", spec.kind, dataset_id, load_id, spec.name, SourceInfo("-"), dict(spec.mapping or {})
        )
    seen[load_id] = spec.kind
    step(0.15, "reading")
    return _stage_file(con, dataset_id, spec, load_id, index, loaded_at.date(), step, distinct)


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
    currency: str | None = None,
    access: Access,
) -> LoadReport:
    """Load one file into `dataset_id` in one transaction; the same file twice is reported, not added."""
    spec = FileSpec(path, kind, mapping, sheet, file_name)
    reports = load_files(
        con,
        dataset_id,
        [spec],
        loaded_at=loaded_at,
        max_bytes=max_bytes,
        is_demo=is_demo,
        progress=progress,
        currency=currency,
        access=access,
    )
    return reports[0]


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
