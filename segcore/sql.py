"""Small SQL helpers shared by every module: identifier quoting and the value parsers as DuckDB macros."""

from __future__ import annotations

import duckdb

__all__ = ["DATE_FORMATS", "NO_EXTENSIONS", "install_parsers", "quote_ident"]

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


def _string_list(values: tuple[str, ...]) -> str:
    # Constants of this module, never user input.
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


_PARSERS_SQL = f"""
create or replace temp macro seg_text(s) as nullif(trim(s), '');
create or replace temp macro seg_id(s) as
    case when contains(s, '.') then nullif(regexp_replace(trim(s), '^(\\d+)\\.0+$', '\\1'), '')
         else nullif(trim(s), '') end;
create or replace temp macro seg_ts(s) as
    coalesce(
        try_cast(trim(s) as timestamp),
        case when regexp_full_match(trim(s), '[1-9]\\d{{4}}(\\.\\d+)?')
             then timestamp '1899-12-30' + to_microseconds(cast(round(cast(trim(s) as double) * 86400e6) as bigint))
             else try_strptime(trim(s), {_string_list(DATE_FORMATS)}) end);
create or replace temp macro seg_number(s) as
    coalesce(try_cast(trim(s) as decimal(18, 4)),
             try_cast(regexp_replace(trim(s), '[¥￥元,，\\s]|RMB|CNY', '', 'g') as decimal(18, 4)));
create or replace temp macro seg_money(s) as cast(round(seg_number(s), 2) as decimal(18, 2));
create or replace temp macro seg_flag(s) as
    case when list_contains({_string_list(TRUE_FLAGS)}, lower(trim(s))) then true
         when s is null or trim(s) = '' or list_contains({_string_list(FALSE_FLAGS)}, lower(trim(s))) then false
         end;
"""


def install_parsers(con: duckdb.DuckDBPyConnection) -> None:
    """Define the value parsers (dates, money, flags, ids) as temp macros on this connection."""
    con.execute(_PARSERS_SQL)
