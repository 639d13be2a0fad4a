"""Each dataset's currency: guessed from the file at upload (signs, codes, a country column, Chinese headers),
confirmed or changed by the owner, kept in the workspace's settings, and shown with every amount."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import duckdb

from segcore.errors import InputError
from segcore.fmt import CURRENCY_SYMBOLS

__all__ = [
    "CURRENCIES",
    "DEFAULT_CURRENCY",
    "dataset_currency",
    "guess_currency",
    "has_currency",
    "set_dataset_currency",
]

DEFAULT_CURRENCY = "CNY"
CURRENCIES = tuple(CURRENCY_SYMBOLS)

# Longest first, so "HK$" is found before "$".
_SIGNS = (
    ("HK$", "HKD"),
    ("NT$", "TWD"),
    ("US$", "USD"),
    ("A$", "AUD"),
    ("S$", "SGD"),
    ("￥", "CNY"),
    ("¥", "CNY"),
    ("元", "CNY"),
    ("RMB", "CNY"),
    ("£", "GBP"),
    ("€", "EUR"),
    ("$", "USD"),
)
_CODES = re.compile(r"\b(" + "|".join(CURRENCIES) + r")\b")
_COUNTRY_HEADERS = {"country", "国家", "国家/地区", "地区", "country/region"}
_COUNTRY_CURRENCY = {
    "united kingdom": "GBP",
    "uk": "GBP",
    "england": "GBP",
    "china": "CNY",
    "中国": "CNY",
    "hong kong": "HKD",
    "香港": "HKD",
    "taiwan": "TWD",
    "台湾": "TWD",
    "usa": "USD",
    "united states": "USD",
    "japan": "JPY",
    "australia": "AUD",
    "singapore": "SGD",
    **{
        name: "EUR"
        for name in (
            "germany",
            "france",
            "eire",
            "ireland",
            "spain",
            "italy",
            "netherlands",
            "belgium",
            "portugal",
            "austria",
            "finland",
            "greece",
        )
    },
}
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _sign_in(texts: Iterable[str]) -> str | None:
    for value in texts:
        for sign, code in _SIGNS:
            if sign in value:
                return code
        found = _CODES.search(value.upper())
        if found:
            return found.group(1)
    return None


def guess_currency(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str | None:
    """The currency a file's amounts are most likely in, or None when nothing in it says.

    In order: a sign or code in a header ("金额(元)", "Price £") or in the cells, the most common country of a
    country column, Chinese headers (yuan)."""
    rows = [tuple(row) for row in rows]
    found = _sign_in(headers) or _sign_in(str(v) for row in rows for v in row if isinstance(v, str))
    if found:
        return found
    country_at = [i for i, h in enumerate(headers) if h.strip().lower() in _COUNTRY_HEADERS]
    if country_at:
        countries = Counter(str(row[country_at[0]]).strip().lower() for row in rows if row[country_at[0]] is not None)
        for name, _ in countries.most_common(1):
            if name in _COUNTRY_CURRENCY:
                return _COUNTRY_CURRENCY[name]
    if any(_CJK.search(h) for h in headers):
        return DEFAULT_CURRENCY
    return None


def _key(dataset_id: str) -> str:
    return f"currency/{dataset_id}"


def dataset_currency(con: duckdb.DuckDBPyConnection, dataset_id: str | None) -> str:
    """The dataset's currency code (CNY when none was set)."""
    if dataset_id is None:
        return DEFAULT_CURRENCY
    row = con.execute("select value from settings where key = $key", {"key": _key(dataset_id)}).fetchall()
    return str(row[0][0]) if row else DEFAULT_CURRENCY


def set_dataset_currency(con: duckdb.DuckDBPyConnection, dataset_id: str, currency: str) -> None:
    """Keep the dataset's currency; an unknown code is refused with the list of known ones."""
    if currency not in CURRENCIES:
        raise InputError("unknown_currency", currency=currency, known=", ".join(CURRENCIES))
    con.execute("insert or replace into settings values ($key, $value)", {"key": _key(dataset_id), "value": currency})


def has_currency(con: duckdb.DuckDBPyConnection, dataset_id: str) -> bool:
    """Whether the owner (or a guess at upload) set the dataset's currency."""
    row = con.execute("select count(*) from settings where key = $key", {"key": _key(dataset_id)}).fetchall()
    return bool(row[0][0])
