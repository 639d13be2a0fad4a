"""Small SQL helpers shared by every module: identifier quoting and the value parsers as DuckDB macros."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

__all__ = [
    "DATE_FORMATS",
    "EU_ONLY_SQL",
    "NO_EXTENSIONS",
    "NUMBER_CONVENTIONS",
    "US_ONLY_SQL",
    "has_table",
    "install_parsers",
    "quote_ident",
    "transaction",
]

# DuckDB must never try to download an extension: these machines have no internet.
NO_EXTENSIONS: dict[str, str | bool | int | float | list[str]] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M:%S",
    "%Y年%m月%d日",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d",
    "%Y.%m.%d %H:%M:%S",
    "%Y.%m.%d",
)

TRUE_FLAGS = ("是", "y", "yes", "1", "true", "t", "促销", "on", "√", "1.0")
FALSE_FLAGS = ("否", "n", "no", "0", "false", "f", "off", "非促销", "×", "0.0", "-")


def quote_ident(name: str) -> str:
    """Quote a column or table name for DuckDB; the only way a variable identifier enters SQL."""
    return '"' + name.replace('"', '""') + '"'


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the connection's database has the (not temporary) table `name`: a workspace made before a table
    existed lacks it when opened read-only (only a writer adds tables)."""
    row = con.execute(
        "select count(*) from duckdb_tables() where table_name = $name and not temporary", {"name": name}
    ).fetchone()
    return bool(row and row[0])


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction on `con`: commit when it ends, roll back (and re-raise) on any exception."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _string_list(values: tuple[str, ...]) -> str:
    # Constants of this module, never user input.
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


# Numbers: a column is read in one convention, found per column by number_conventions() in ingest.py:
#   'us'    dot decimal, comma thousands (1,234.50)   -- the Chinese and English convention
#   'eu'    comma decimal, dot thousands (1.234,50)
#   'none'  no value tells: 1,234 is read as 1234 (thousands), 1.234 is ambiguous (NULL, rejected by the caller)
#   'mixed' both kinds seen: a value readable both ways with different results is ambiguous
_US_NUMBER = r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?"
_EU_NUMBER = r"[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?"
_SCI_NUMBER = r"[+-]?\d+(\.\d+)?[eE][+-]?\d+"
_COMMA_THOUSANDS = r"[+-]?\d{1,3}(,\d{3})+"
NUMBER_CONVENTIONS = ("us", "eu", "none", "mixed")

_PARSERS_SQL = f"""
create or replace temp macro seg_text(s) as nullif(trim(s), '');
create or replace temp macro seg_sci(s) as regexp_full_match(trim(s), '{_SCI_NUMBER}');
create or replace temp macro seg_id(s) as
    case when contains(s, '.') then nullif(regexp_replace(trim(s), '^(\\d+)\\.0+$', '\\1'), '')
         else nullif(trim(s), '') end;
create or replace temp macro seg_serial(s) as regexp_full_match(trim(s), '[1-9]\\d{{4}}(\\.\\d+)?');
create or replace temp macro seg_ts_as(s, serials) as
    coalesce(
        try_cast(trim(s) as timestamp),
        case when seg_serial(s)
             then case when serials then timestamp '1899-12-30'
                       + to_microseconds(cast(round(cast(trim(s) as double) * 86400e6) as bigint)) end
             else try_strptime(trim(s), {_string_list(DATE_FORMATS)}) end);
create or replace temp macro seg_ts(s) as seg_ts_as(s, true);
create or replace temp macro seg_num_clean(s) as
    regexp_replace(replace(trim(s), '，', ','), '[¥￥$€£元\\s]|RMB|CNY', '', 'g');
create or replace temp macro seg_num_us(s) as
    coalesce(try_cast(trim(s) as decimal(18, 4)),  -- fast path: a plain 88.50 needs no regex
    case when regexp_full_match(seg_num_clean(s), '{_US_NUMBER}')
         then try_cast(replace(seg_num_clean(s), ',', '') as decimal(18, 4))
         when regexp_full_match(seg_num_clean(s), '{_SCI_NUMBER}')
         then try_cast(try_cast(seg_num_clean(s) as double) as decimal(18, 4)) end);
create or replace temp macro seg_num_eu(s) as
    case when regexp_full_match(seg_num_clean(s), '{_EU_NUMBER}')
         then try_cast(replace(replace(seg_num_clean(s), '.', ''), ',', '.') as decimal(18, 4)) end;
create or replace temp macro seg_num_ambiguous(s, conv) as
    conv in ('none', 'mixed') and seg_num_us(s) <> seg_num_eu(s)
    and not (conv = 'none' and regexp_full_match(seg_num_clean(s), '{_COMMA_THOUSANDS}'));
create or replace temp macro seg_number_as(s, conv) as
    case when conv = 'us' then seg_num_us(s)
         when conv = 'eu' then seg_num_eu(s)
         when coalesce(seg_num_ambiguous(s, conv), false) then null
         else coalesce(seg_num_us(s), seg_num_eu(s)) end;
create or replace temp macro seg_number(s) as seg_number_as(s, 'none');
create or replace temp macro seg_money_as(s, conv) as cast(round(seg_number_as(s, conv), 2) as decimal(18, 2));
create or replace temp macro seg_money(s) as seg_money_as(s, 'none');
create or replace temp macro seg_flag(s) as
    case when list_contains({_string_list(TRUE_FLAGS)}, lower(trim(s))) then true
         when s is null or trim(s) = '' or list_contains({_string_list(FALSE_FLAGS)}, lower(trim(s))) then false
         end;
"""

# Per-column evidence for number_conventions(): a value only one convention can read (one regex pass each, on the
# raw text; a value of the other convention that slips through is read as NULL and rejected, never misread).
_US_EVIDENCE = r"\.\d{1,2}\D*$|\.\d{4,}\D*$|\d{4}\.\d{3}\D*$|,\d{3}[.,]\d"
_EU_EVIDENCE = r",\d{1,2}\D*$|,\d{4,}\D*$|\d{4},\d{3}\D*$|\.\d{3}[.,]\d"
US_ONLY_SQL = f"regexp_matches({{c}}, '{_US_EVIDENCE}')"
EU_ONLY_SQL = f"regexp_matches({{c}}, '{_EU_EVIDENCE}')"


def install_parsers(con: duckdb.DuckDBPyConnection) -> None:
    """Define the value parsers (dates, money, flags, ids) as temp macros on this connection."""
    con.execute(_PARSERS_SQL)
