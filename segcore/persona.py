"""Personas (客户画像): who is in a segment, against the whole customer base, attribute by attribute.

The base is every customer of the tier table as of D: the rows of the target candidate table (segcore.targets),
so a persona's counts are the counts a target list built from the same segment and value starts from. Per
attribute, each customer has one value (or none: unknown):

- gender, birth_month, zodiac, constellation (星座), store, category (the category of most spend): as the target
  fields gender, birthday_month, zodiac, star_sign, store and top_category define them;
- age_band (years at D: <20, 20-29, ..., 60+), tenure_band (days since joining: <6m = under 183, 6-12m, 1-2y,
  2-3y, 3-5y = under 1826, 5y+), promo_share_band (promo spend / spend in the last 365 days: <1%, 1-25%, 25-50%,
  50-75%, 75%+): fixed bands, each from its low end (included) to the next band's (excluded);
- points_band, spend_band (monetary) and every number column of the files: five bands cut at the base's 20th, 40th,
  60th and 80th percentiles, each cut rounded to two significant digits (equal cuts merge; a column of whole
  numbers gets whole cuts), written "<a", "a-b" (a <= x < b) and ">=b"; a column of at most FEW_VALUES whole
  numbers (a level, a count of referrals) is described value by value;
- a date column of the files: its year; a text column: its value.

An attribute no customer of the base has a value for is left out. The shares of an attribute add up to 1 in the
segment and in the base, the unknown value (empty) being a row of its own. index = segment share / base share x
100, left empty where the segment's count of the value is below the minimum count (MIN_COUNT by default).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

import duckdb
import pandas as pd

from segcore.catalog import text
from segcore.errors import InputError
from segcore.keys import CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS, SCHEME_COLUMNS, SCHEMES, TIER_KEYS
from segcore.sql import quote_ident
from segcore.targets import STAR_SIGNS, ZODIAC, Rule

__all__ = [
    "ATTRIBUTES",
    "MIN_COUNT",
    "PERSONA_COLUMNS",
    "Attribute",
    "PersonaCube",
    "attribute_label",
    "coverage",
    "handover",
    "highlights",
    "persona",
    "persona_cube",
    "scheme_key",
    "segment_keys",
    "summary",
    "value_label",
]

MIN_COUNT = 30
FEW_VALUES = 12  # a number column of at most this many whole values is described value by value, not in bands
PERSONA_COLUMNS = ("attribute", "value", "segment_count", "segment_share", "base_count", "base_share", "index")
SEGMENT_KEYS = {
    "tier": TIER_KEYS,
    "groups": GROUP_KEYS,
    "lifecycle": LIFECYCLES,
    "rfm": RFM_SEGMENTS,
    "cn8": CN8_SEGMENTS,
}
_SCHEME_ALIASES = {"rfm_segment": "rfm", "cn8_segment": "cn8", "group": "groups"}

Band = tuple[float | None, float | None, str]  # low (included), high (excluded), value

AGE_BANDS: tuple[Band, ...] = (
    (None, 20, "<20"),
    (20, 30, "20-29"),
    (30, 40, "30-39"),
    (40, 50, "40-49"),
    (50, 60, "50-59"),
    (60, None, "60+"),
)
TENURE_BANDS: tuple[Band, ...] = (
    (None, 183, "<6m"),
    (183, 365, "6-12m"),
    (365, 730, "1-2y"),
    (730, 1095, "2-3y"),
    (1095, 1826, "3-5y"),
    (1826, None, "5y+"),
)
PROMO_BANDS: tuple[Band, ...] = (
    (None, 0.01, "<1%"),
    (0.01, 0.25, "1-25%"),
    (0.25, 0.5, "25-50%"),
    (0.5, 0.75, "50-75%"),
    (0.75, None, "75%+"),
)


@dataclass(frozen=True)
class Attribute:
    """An attribute of a persona: its name (CLI), candidate column, how values are made, and its bands."""

    name: str
    column: str  # the target candidate column (and the target field a hand-over filters on)
    kind: str  # value | band | quantile | year
    bands: tuple[Band, ...] = ()
    plain: bool = False  # an extra column of the files: its name is its label
    money: bool = False


ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("gender", "gender", "value"),
    Attribute("age_band", "age", "band", AGE_BANDS),
    Attribute("birth_month", "birthday_month", "value"),
    Attribute("zodiac", "zodiac", "value"),
    Attribute("constellation", "star_sign", "value"),
    Attribute("store", "store", "value"),
    Attribute("tenure_band", "tenure_days", "band", TENURE_BANDS),
    Attribute("points_band", "points", "quantile"),
    Attribute("category", "top_category", "value"),
    Attribute("spend_band", "monetary", "quantile", money=True),
    Attribute("promo_share_band", "promo_share", "band", PROMO_BANDS),
)
_QUANTILES = (0.2, 0.4, 0.6, 0.8)


@dataclass(frozen=True)
class PersonaCube:
    """Counts of every value of every attribute: in the base, and in each segment of a scheme."""

    scheme: str
    attributes: tuple[Attribute, ...]
    base: pd.DataFrame  # attribute, value, base_count
    segments: pd.DataFrame  # segment, attribute, value, segment_count
    sizes: dict[str, int] = field(default_factory=dict)  # segment -> customers
    base_size: int = 0


def scheme_key(scheme: str) -> str:
    """A scheme as SCHEMES names it (rfm_segment and cn8_segment are read as rfm and cn8); InputError if unknown."""
    key = _SCHEME_ALIASES.get(scheme, scheme)
    if key not in SCHEMES:
        raise InputError("unknown_scheme", scheme=scheme, choices=", ".join(SCHEMES))
    return key


def segment_keys(scheme: str) -> tuple[str, ...]:
    """The segment keys of a scheme, in reading order."""
    return SEGMENT_KEYS[scheme_key(scheme)]


def _round2(x: float) -> float:
    """x rounded to two significant digits."""
    if x == 0 or not math.isfinite(x):
        return 0.0
    digits = 1 - math.floor(math.log10(abs(x)))
    return round(x, digits)


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def quantile_bands(cuts: Sequence[float], *, whole: bool = False) -> tuple[Band, ...]:
    """Bands from percentile cuts: each cut rounded to two significant digits (`whole`: then to a whole number, for
    a column of whole numbers), equal ones merged."""
    finite = [_round2(float(c)) for c in cuts if c is not None and math.isfinite(float(c))]
    edges = sorted({float(round(c)) if whole else c for c in finite})
    if not edges:
        return ()
    bands: list[Band] = [(None, edges[0], f"<{_number_text(edges[0])}")]
    bands += [(a, b, f"{_number_text(a)}-{_number_text(b)}") for a, b in pairwise(edges)]
    bands.append((edges[-1], None, f">={_number_text(edges[-1])}"))
    return tuple(bands)


def _band_sql(column: str, bands: Sequence[Band]) -> str:
    whens = []
    for low, high, value in bands:
        conditions = [
            f"{column} >= {float(low)!r}" if low is not None else "",
            f"{column} < {float(high)!r}" if high is not None else "",
        ]
        whens.append(f"when {' and '.join(c for c in conditions if c) or 'true'} then '{value}'")
    return f"case when {column} is null then null {' '.join(whens)} end"


def _value_sql(attribute: Attribute) -> str:
    column = quote_ident(attribute.column)
    if attribute.kind in ("band", "quantile"):
        return _band_sql(f"cast({column} as double)", attribute.bands)
    if attribute.kind == "year":
        return f"cast(year({column}) as varchar)"
    if attribute.kind == "integer":
        return f"cast(cast({column} as bigint) as varchar)"
    return f"nullif(trim(cast({column} as varchar)), '')"


_CUTS_SQL = "select {columns} from {table}"


def _with_cuts(con: duckdb.DuckDBPyConnection, table: str, attributes: Sequence[Attribute]) -> list[Attribute]:
    """The attributes, with the quantile ones given their bands from the base's percentiles; a column of at most
    FEW_VALUES whole numbers (a count, a level) is described value by value instead."""
    numeric = [a for a in attributes if a.kind == "quantile"]
    if not numeric:
        return list(attributes)
    parts = []
    for a in numeric:
        x = f"cast({quote_ident(a.column)} as double)"
        parts += [
            f"quantile_cont({x}, {list(_QUANTILES)})",
            f"coalesce(bool_and({x} = round({x})), false)",
            f"count(distinct {x})",
        ]
    row = list(con.execute(_CUTS_SQL.format(columns=", ".join(parts), table=quote_ident(table))).fetchall()[0])
    described: dict[str, Attribute] = {}
    for n, a in enumerate(numeric):
        cuts, whole, distinct = row[3 * n : 3 * n + 3]
        if whole and distinct <= FEW_VALUES and not a.money:
            described[a.name] = Attribute(a.name, a.column, "integer", (), a.plain, a.money)
        else:
            described[a.name] = Attribute(
                a.name, a.column, a.kind, quantile_bands(cuts or [], whole=bool(whole)), a.plain, a.money
            )
    return [described.get(a.name, a) for a in attributes]


def _attributes(con: duckdb.DuckDBPyConnection, table: str, extras: Sequence[Any]) -> list[Attribute]:
    present = {r[0] for r in con.execute(f"describe {quote_ident(table)}").fetchall()}
    built_in = [a for a in ATTRIBUTES if a.column in present]
    extra = [
        Attribute(x.name, x.column, {"number": "quantile", "date": "year", "text": "value"}[x.kind], plain=True)
        for x in extras
        if x.column in present
    ]
    return _with_cuts(con, table, [*built_in, *extra])


_CUBE_SQL = """
with vals as (
    select {segment} as segment, {values}
    from {table}
),
long as (
    select * from vals unpivot include nulls (value for attribute in ({names}))
),
final as (
    select segment, attribute, value, count(*) as n
    from long
    group by all
)
select * from final
"""


def persona_cube(con: duckdb.DuckDBPyConnection, table: str, scheme: str, extras: Sequence[Any] = ()) -> PersonaCube:
    """The counts of every attribute value in the base (the rows of `table`, a target candidate table) and in each
    segment of `scheme`; `extras`: the dataset's extra attributes (segcore.attributes) to describe as well."""
    scheme = scheme_key(scheme)
    attributes = _attributes(con, table, extras)
    column = quote_ident(SCHEME_COLUMNS[scheme])
    segment = f"unnest(case when len({column}) = 0 then [null] else {column} end)" if scheme == "groups" else column
    names = [f"a{i}" for i in range(len(attributes))]
    values = ", ".join(f"{_value_sql(a)} as {n}" for a, n in zip(attributes, names, strict=True))
    sql = _CUBE_SQL.format(segment=segment, values=values, table=quote_ident(table), names=", ".join(names))
    by_name = dict(zip(names, (a.name for a in attributes), strict=True))
    counts = _counts(con, sql, by_name)
    if scheme == "groups":  # a customer is in several groups, or none: the base counts each customer once
        base_sql = _CUBE_SQL.format(
            segment="cast(null as varchar)", values=values, table=quote_ident(table), names=", ".join(names)
        )
        base = _counts(con, base_sql, by_name)
    else:
        base = counts
    summed = base.groupby(["attribute", "value"], dropna=False)["n"].sum()
    base = summed.rename("base_count").reset_index()
    base_size = int(con.execute(f"select count(*) from {quote_ident(table)}").fetchall()[0][0])
    seg = counts[counts["segment"].notna()]
    first = seg[seg["attribute"] == attributes[0].name] if attributes else seg
    sizes = {str(k): int(v) for k, v in first.groupby("segment")["n"].sum().items()}
    known = set(base.loc[base["value"].notna(), "attribute"])
    kept = tuple(a for a in attributes if a.name in known)
    segments = seg.rename(columns={"n": "segment_count"})[["segment", "attribute", "value", "segment_count"]]
    return PersonaCube(scheme, kept, base, segments.reset_index(drop=True), sizes, base_size)


def _counts(con: duckdb.DuckDBPyConnection, sql: str, by_name: dict[str, str]) -> pd.DataFrame:
    if not by_name:
        return pd.DataFrame({"segment": [], "attribute": [], "value": [], "n": []})
    counts = con.execute(sql).df()
    counts["attribute"] = counts["attribute"].map(by_name)
    return counts


def persona(cube: PersonaCube, segment: str, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """One row per attribute and value (the unknown value empty): PERSONA_COLUMNS, attributes in ATTRIBUTES order
    then the files' columns, values in band, month or zodiac order (else by base count, then name), unknown last."""
    if segment not in SEGMENT_KEYS[cube.scheme]:
        raise InputError("unknown_segment", segment=segment, choices=", ".join(SEGMENT_KEYS[cube.scheme]))
    size = cube.sizes.get(segment, 0)
    rows = cube.segments[cube.segments["segment"] == segment][["attribute", "value", "segment_count"]]
    merged = cube.base.merge(rows, on=["attribute", "value"], how="left")
    merged["segment_count"] = merged["segment_count"].fillna(0).astype("int64")
    merged["base_count"] = merged["base_count"].astype("int64")
    merged["segment_share"] = merged["segment_count"] / size if size else 0.0
    merged["base_share"] = merged["base_count"] / cube.base_size if cube.base_size else 0.0
    index = merged["segment_share"] / merged["base_share"] * 100
    merged["index"] = index.where(merged["segment_count"] >= min_count)
    ordered = [_ordered(merged[merged["attribute"] == a.name], a) for a in cube.attributes]
    out = pd.concat(ordered, ignore_index=True) if ordered else merged.iloc[0:0]
    out["value"] = out["value"].astype(object).where(out["value"].notna(), None)
    return out[list(PERSONA_COLUMNS)].reset_index(drop=True)


# values read in their own order (months, the zodiac's cycle, the star signs from Aries), the unknown last
_NATURAL_ORDER: dict[str, tuple[str, ...]] = {
    "birth_month": tuple(str(m) for m in range(1, 13)),
    "zodiac": ZODIAC,
    "constellation": STAR_SIGNS,
}


def _ordered(rows: pd.DataFrame, attribute: Attribute) -> pd.DataFrame:
    if attribute.bands:
        rank = {b[2]: i for i, b in enumerate(attribute.bands)}
        key = rows["value"].map(lambda v: rank.get(v, len(rank)) if isinstance(v, str) else len(rank) + 1)
        return rows.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k")
    if attribute.kind == "integer":
        key = rows["value"].map(lambda v: int(v) if isinstance(v, str) else math.inf)
        return rows.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k")
    natural = _NATURAL_ORDER.get(attribute.name)
    if natural is not None:
        key = rows["value"].map(lambda v: natural.index(v) if v in natural else len(natural))
        return rows.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k")
    unknown = rows["value"].isna()
    known = rows[~unknown].sort_values(["base_count", "value"], ascending=[False, True], kind="stable")
    return pd.concat([known, rows[unknown]])


def coverage(frame: pd.DataFrame) -> dict[str, float]:
    """Per attribute: the share of the segment whose value is known."""
    known = frame[frame["value"].notna()].groupby("attribute", sort=False)["segment_share"].sum()
    return {str(a): float(known.get(a, 0.0)) for a in dict.fromkeys(frame["attribute"])}


def highlights(frame: pd.DataFrame, min_count: int = MIN_COUNT, top: int = 3) -> pd.DataFrame:
    """The values that set the segment apart most: per attribute known for at least half of the segment, its value
    with index >= 120 (and at least min_count customers) whose share is furthest above the base's; the `top` such
    attributes, by that gap."""
    covered = {a for a, share in coverage(frame).items() if share >= 0.5}
    rows = frame[
        frame["attribute"].isin(covered)
        & frame["value"].notna()
        & (frame["segment_count"] >= min_count)
        & (frame["index"] >= 120)
    ]
    rows = rows.assign(gap=rows["segment_share"] - rows["base_share"])
    best = rows.sort_values(["gap", "attribute", "value"], ascending=[False, True, True], kind="stable")
    return best.drop_duplicates("attribute").head(top).drop(columns="gap").reset_index(drop=True)


# --- words ----------------------------------------------------------------------------------------------------


def attribute_label(attribute: Attribute, lang: str) -> str:
    """The attribute's name for people."""
    return attribute.name if attribute.plain else text(f"persona.attr.{attribute.name}", lang)


def _number_words(x: float | None, attribute: Attribute, lang: str, currency: str) -> str:
    from segcore import fmt

    number = float(x or 0)
    if attribute.money:
        return fmt.money(number, lang, currency=currency)
    return f"{number:,.0f}" if number.is_integer() else f"{number:,g}"


def value_label(attribute: Attribute, value: str | None, lang: str, currency: str = "CNY") -> str:
    """A value of the attribute for people: 女, 30–39 岁, ¥1,000–¥5,000, 未知 ..."""
    if value is None:
        return text("persona.unknown", lang)
    name = attribute.name
    if name == "gender" and value in ("M", "F"):
        return text(f"target.gender.{value}", lang)
    if name == "zodiac":
        return text(f"target.zodiac.{value}", lang)
    if name == "constellation":
        return text(f"target.star.{value}", lang)
    if name == "birth_month":
        return (
            text("persona.month", lang, month=int(value)) if lang == "zh" else date(2000, int(value), 1).strftime("%B")
        )
    if name in ("age_band", "tenure_band", "promo_share_band"):
        return text(f"persona.band.{name}.{value}", lang)
    if attribute.kind == "quantile":
        return _quantile_words(value, attribute, lang, currency)
    return value


def _quantile_words(value: str, attribute: Attribute, lang: str, currency: str) -> str:
    band = next((b for b in attribute.bands if b[2] == value), None)
    if band is None:
        return value
    low, high, _ = band
    if low is None and high is not None:
        return text("persona.below", lang, x=_number_words(high, attribute, lang, currency))
    if high is None and low is not None:
        return text("persona.at_least", lang, x=_number_words(low, attribute, lang, currency))
    return _number_words(low, attribute, lang, currency) + "–" + _number_words(high, attribute, lang, currency)


def summary(
    cube: PersonaCube,
    frame: pd.DataFrame,
    segment_name: str,
    lang: str,
    currency: str = "CNY",
    min_count: int = MIN_COUNT,
) -> str:
    """One plain sentence: the segment and the (up to) three values that set it apart, with the base's share."""
    from segcore import fmt

    by_name = {a.name: a for a in cube.attributes}
    parts = []
    for row in highlights(frame, min_count).to_dict("records"):
        attribute = by_name[str(row["attribute"])]
        parts.append(
            text(
                "persona.part",
                lang,
                attribute=attribute_label(attribute, lang),
                value=value_label(attribute, row["value"], lang, currency),
                share=fmt.percent(float(row["segment_share"]), lang, digits=0),
                base=fmt.percent(float(row["base_share"]), lang, digits=0),
            )
        )
    if not parts:
        first = frame[frame["attribute"] == frame["attribute"].iloc[0]] if len(frame) else frame
        size = int(first["segment_count"].sum())
        if size < min_count:  # no value can reach the minimum: nothing could stand out
            return text("persona.too_few", lang, segment=segment_name, n=fmt.count(size, lang), min=min_count)
        return text("persona.nothing_stands_out", lang, segment=segment_name)
    joiner = "，" if lang == "zh" else "; "
    return text("persona.sentence", lang, segment=segment_name, parts=joiner.join(parts))


# --- hand-over to a target list -------------------------------------------------------------------------------


def handover(
    cube: PersonaCube, segment: str, attribute_name: str, value: str | None
) -> tuple[dict[str, list[str]], list[Rule]]:
    """The target list of a segment and one value: the segment as the Targets page's pre-filled picker
    ({scheme column: [segment]}) and the value as rules on the same candidate columns; no rule for the unknown."""
    picker = {SCHEME_COLUMNS[cube.scheme]: [segment]}
    attribute = next((a for a in cube.attributes if a.name == attribute_name), None)
    if attribute is None or value is None or (attribute.name == "gender" and value not in ("M", "F")):
        return picker, []  # the unknown, or a gender the filter has no key for (保密), is not a filter
    column = attribute.column
    if attribute.bands:
        low, high, _ = next(b for b in attribute.bands if b[2] == value)
        rules = [Rule(column, ">=", _rule_number(low))] if low is not None else []
        rules += [Rule(column, "<", _rule_number(high))] if high is not None else []
        return picker, rules
    if attribute.kind == "year":
        year = int(value)
        return picker, [Rule(column, ">=", date(year, 1, 1)), Rule(column, "<", date(year + 1, 1, 1))]
    if attribute.name == "birth_month" or attribute.kind == "integer":
        return picker, [Rule(column, "=", int(value))]
    return picker, [Rule(column, "in", (value,))]


def _rule_number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x
