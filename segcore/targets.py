"""Target lists: filter rules as data, one WHERE clause builder, the candidate table and the exclusions.

A rule is `Rule(field, op, value)`; `rules_to_sql` turns a list of rules into one WHERE clause over the candidate
table (`target_candidates`, one row per customer) with quoted identifiers and `$p0, $p1, ...` bound parameters.
Values never enter the SQL text. Rules combine with AND; `in` (any of several values) is the OR within a field.

Fields (FIELDS; every field is a column of the candidate table with the same name), as of the list's date D:

- tier, lifecycle, rfm_segment, cn8_segment, r_score, f_score, m_score, frequency, monetary, spend_w,
  recency_days: the tier table's columns (shared/spec/tiers.md), exactly.
- groups: the member groups the customer is in (a list). `groups in silent,sleeping` = in any of them,
  `groups not in promo_chaser` = in none of them, `groups = loyal` = in that group.
- gender: 'M' or 'F' from the members file (男/女, male/female are accepted as values and read as M/F).
- birthday_month: 1..12; the values `this` and `next` mean the month of D and the month after it.
- age: whole years at D (a Feb 29 birthday turns a year older on Mar 1 in other years); bands via `between`.
- zodiac (生肖): from the birth year alone, (year - 4) mod 12 -> rat, ox, ..., pig. The Chinese New Year boundary
  is ignored: someone born in January or early February is given the new year's animal.
- star_sign (星座): from month and day with the usual boundaries (aries = Mar 21 - Apr 19, ...).
- join_date, tenure_days: the members file's join date, and D - join_date in days (NULL without a join date).
- store: the members file's home store; for a customer without one, the store of most of their purchases
  (ties: the most recently visited, then the name).
- points: the members file's points.
- last_category: the category of the most recent purchase line that has a category (a positive line of a
  purchase; at the same moment, the larger amount wins, then the category name).
- category_in_last_days: value "X,N": bought category X (a positive line of a purchase, dated by the line) in
  the last N days (D - N < day <= D). The column is a map category -> days since last bought; `!=` negates.
- top_category: the category of most net spend over the positive lines of purchases (ties: the first name).
- promo_purchases: purchases (orders of value > 0) in the group window W with at least one promo line;
  NULL for everyone when the dataset has no promo flags.
- promo_share: promo spend / spend in W (4 decimals); NULL without promo flags or without positive spend.
- every extra column of the dataset's files (segcore.attributes): number, date or text, named by its header
  (`fields_for` lists them with FIELDS).
- wechat, sms, email: opt-ins (missing = no); has_phone: a valid phone number (`VALID_PHONE_SQL`: 5 to 15 digits,
  optionally with +, spaces, dashes or brackets; "1.38E+10" from Excel is not one, and cannot get an SMS).

Exclusions, applied in the order given, each counting the customers it removed:

- promo_chaser: customers in the promo_chaser group (the promo blacklist); `default_exclusions(discount=True)`
  starts with it. Without promo flags in the dataset nobody is in that group, and the list warns about it.
- contacted_within_days (N): customers on any campaign of the same dataset whose start is after D - N (started in
  the last N days, or scheduled later), in either group: contacting another campaign's control spoils it.
- manual: an uploaded do-not-contact list (`read_id_list`: the same reader as sales files, so any encoding,
  delimiter or XLSX). The column is the one headed as a customer id (会员卡号, customer_id, ...), else the one headed
  as a phone (手机号, phone, ...), else the only column of a one-column file (its first line is an id unless it is
  such a header, or has no digit while every id below it has one, e.g. "名单" above phone numbers). Ids compare
  as ingest stores them (trimmed, a trailing `.0` dropped). Values of a phone column or of an unnamed column also
  match a customer whose phone (or phone-like id) has the same digits, a leading +86 or 0086 ignored. A list that
  yields no id is refused; the list records how many of its ids match a customer of the store (as of D), and warns
  when most (more than half) match none.
- unreachable: not reachable on the list's channel: sms = a valid phone and the SMS opt-in, wechat = the WeChat
  opt-in (a member who bound WeChat is reached through that account: no phone needed), phone = a valid phone,
  store = everyone. Without any recorded opt-in for the channel (no members file, or no opt-in column) the
  exclusion removes everyone and the list warns `target.warn.no_consent.<channel>` (what to do: map an opt-in
  column, or use the phone channel); `empty_reason` names the step that emptied a list.

Customers of the list are those of `tier_table` as of D (buyers on or before D and members who had joined).
A members-file row with join_date > D is ignored, as in the tier table.

Where a rule meets a missing value: `=`, `in`, `>=`, `<=`, `<`, `>` and `between` do not match it; `!=` and `not in`
do (a customer whose gender is unknown is "not M"). Text matches exactly (case and spaces count).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from segcore import fmt
from segcore.attributes import add_extra_columns, extra_attributes
from segcore.catalog import text
from segcore.engine import has_promo, tier_table
from segcore.engine.order_views import ORDERS_AT_DATES_CTES, order_key_sql
from segcore.engine.orders import order_days_ctes
from segcore.errors import InputError
from segcore.keys import CHANNELS, CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS, TIER_KEYS
from segcore.mapping import guess_mapping
from segcore.sources import staged_source
from segcore.sql import NO_EXTENSIONS, install_parsers, quote_ident
from segcore.tier_rules import DEFAULT_RULES, TierRules

__all__ = [
    "CANDIDATES",
    "CHANNELS",
    "EXCLUSION_KINDS",
    "FIELDS",
    "OPERATORS",
    "STAR_SIGNS",
    "VALID_PHONE_SQL",
    "ZODIAC",
    "Exclusion",
    "Field",
    "IdListCount",
    "Rule",
    "TargetList",
    "build_list",
    "candidates",
    "consent_recorded",
    "default_exclusions",
    "describe",
    "describe_exclusion",
    "empty_reason",
    "expected_reach",
    "id_key",
    "list_size",
    "list_warnings",
    "normalize_rule",
    "parse_exclusion",
    "parse_rule",
    "phone_key",
    "reachable",
    "read_id_list",
    "rules_from_json",
    "rules_to_json",
    "rules_to_sql",
    "sample_rows",
    "tier_mix",
]

CANDIDATES = "target_candidates"
_TIERS_TABLE = "target_tiers"

OPERATORS = ("=", "!=", "in", "not in", ">=", "<=", "<", ">", "between")
EXCLUSION_KINDS = ("promo_chaser", "contacted_within_days", "manual", "unreachable")

ZODIAC = ("rat", "ox", "tiger", "rabbit", "dragon", "snake", "horse", "goat", "monkey", "rooster", "dog", "pig")
STAR_SIGNS = (
    "aries",
    "taurus",
    "gemini",
    "cancer",
    "leo",
    "virgo",
    "libra",
    "scorpio",
    "sagittarius",
    "capricorn",
    "aquarius",
    "pisces",
)
_ZODIAC_ZH = ("鼠", "牛", "虎", "兔", "龙", "蛇", "马", "羊", "猴", "鸡", "狗", "猪")
_STAR_ZH = ("白羊", "金牛", "双子", "巨蟹", "狮子", "处女", "天秤", "天蝎", "射手", "摩羯", "水瓶", "双鱼")


class Field(NamedTuple):
    """A list field: its value type, the catalog key of its name (`plain`: the name itself, for an extra column of
    the files), its allowed keys and their catalog prefix."""

    type: str  # key | groups | text | number | date | bool | month | category_days
    label: str
    keys: tuple[str, ...] = ()
    key_prefix: str = ""
    plain: bool = False


_TYPE_OPS: dict[str, tuple[str, ...]] = {
    "key": ("=", "!=", "in", "not in"),
    "groups": ("=", "!=", "in", "not in"),
    "text": ("=", "!=", "in", "not in"),
    "number": OPERATORS,
    "month": OPERATORS,
    "date": ("=", "!=", ">=", "<=", "<", ">", "between"),
    "bool": ("=", "!="),
    "category_days": ("=", "!="),
}


def _f(kind: str, name: str, keys: Sequence[str] = (), prefix: str = "") -> Field:
    return Field(kind, f"target.field.{name}", tuple(keys), prefix)


FIELDS: dict[str, Field] = {
    "customer_id": _f("text", "customer_id"),  # a hand-picked set, e.g. the movers of the Migration page
    "tier": _f("key", "tier", TIER_KEYS, "tier."),
    "groups": _f("groups", "groups", GROUP_KEYS, "tier."),
    "lifecycle": _f("key", "lifecycle", LIFECYCLES, "lifecycle."),
    "rfm_segment": _f("key", "rfm_segment", RFM_SEGMENTS, "rfm."),
    "cn8_segment": _f("key", "cn8_segment", CN8_SEGMENTS, "cn8."),
    "r_score": _f("number", "r_score"),
    "f_score": _f("number", "f_score"),
    "m_score": _f("number", "m_score"),
    "frequency": _f("number", "frequency"),
    "monetary": _f("number", "monetary"),
    "spend_w": _f("number", "spend_w"),
    "recency_days": _f("number", "recency_days"),
    "gender": _f("key", "gender", ("M", "F"), "target.gender."),
    "birthday_month": _f("month", "birthday_month"),
    "age": _f("number", "age"),
    "zodiac": _f("key", "zodiac", ZODIAC, "target.zodiac."),
    "star_sign": _f("key", "star_sign", STAR_SIGNS, "target.star."),
    "join_date": _f("date", "join_date"),
    "tenure_days": _f("number", "tenure_days"),
    "store": _f("text", "store"),
    "points": _f("number", "points"),
    "last_category": _f("text", "last_category"),
    "top_category": _f("text", "top_category"),
    "category_in_last_days": _f("category_days", "category_in_last_days"),
    "promo_purchases": _f("number", "promo_purchases"),
    "promo_share": _f("number", "promo_share"),
    "p_alive": _f("number", "p_alive"),
    "expected_purchases": _f("number", "expected_purchases"),
    "clv": _f("number", "clv"),
    "wechat": _f("bool", "wechat"),
    "sms": _f("bool", "sms"),
    "email": _f("bool", "email"),
    "has_phone": _f("bool", "has_phone"),
}

# The candidate table's own columns (an extra column of the files named like one of them is renamed).
CANDIDATE_COLUMNS = (
    "customer_id",
    "name",
    "phone",
    "tier",
    "groups",
    "lifecycle",
    "rfm_segment",
    "cn8_segment",
    "r_score",
    "f_score",
    "m_score",
    "frequency",
    "monetary",
    "spend_w",
    "recency_days",
    "last_purchase",
    "gender",
    "birthday",
    "birthday_month",
    "age",
    "zodiac",
    "star_sign",
    "join_date",
    "tenure_days",
    "store",
    "points",
    "last_category",
    "top_category",
    "category_in_last_days",
    "promo_purchases",
    "promo_share",
    "wechat",
    "sms",
    "email",
    "has_phone",
    "is_member",
    "p_alive",
    "expected_purchases",
    "clv",
)


def fields_for(con: duckdb.DuckDBPyConnection, dataset_id: str) -> dict[str, Field]:
    """FIELDS plus one field per extra column of the dataset's files (segcore.attributes), named by its column."""
    extras = extra_attributes(con, dataset_id, {*FIELDS, *CANDIDATE_COLUMNS})
    return {**FIELDS, **{a.column: Field(a.kind, a.name, plain=True) for a in extras}}


# Other spellings a user may type for a key, read as the key.
_KEY_ALIASES: dict[str, dict[str, str]] = {
    "gender": {"m": "M", "f": "F", "男": "M", "女": "F", "male": "M", "female": "F"},
    "zodiac": {**dict(zip(_ZODIAC_ZH, ZODIAC, strict=True)), "sheep": "goat", "chicken": "rooster"},
    "star_sign": {
        **dict(zip(_STAR_ZH, STAR_SIGNS, strict=True)),
        **{zh + "座": key for zh, key in zip(_STAR_ZH, STAR_SIGNS, strict=True)},
    },
}
_TRUE = ("yes", "y", "true", "t", "1", "是", "有")
_FALSE = ("no", "n", "false", "f", "0", "否", "无")
_RELATIVE_MONTHS = {"this": "this", "next": "next", "本月": "this", "下月": "next", "下个月": "next"}


@dataclass(frozen=True)
class Rule:
    """One filter: a field of FIELDS, an operator of OPERATORS and a value (a tuple for in / not in / between)."""

    field: str
    op: str
    value: Any


# --- values -------------------------------------------------------------------------------------------------


def _bad_value(rule: Rule, expected: str) -> InputError:
    return InputError("bad_rule_value", field=rule.field, value=_plain(rule.value), expected=expected)


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(_plain(v) for v in value)
    return str(value)


def _number(rule: Rule, value: Any) -> int | Decimal:
    if isinstance(value, bool):
        raise _bad_value(rule, "number")
    if isinstance(value, int):
        return value
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except InvalidOperation:
        raise _bad_value(rule, "number") from None
    if not number.is_finite():
        raise _bad_value(rule, "number")
    return int(number) if number == number.to_integral_value() and abs(number) < 2**62 else number


def _scalar(rule: Rule, spec: Field, value: Any) -> Any:
    """One value of a rule, typed for its field (strings as typed on the command line are accepted)."""
    kind = spec.type
    if kind in ("key", "groups"):
        raw = str(value).strip()
        aliases = _KEY_ALIASES.get(rule.field, {})
        for candidate in (raw, raw.lower()):
            key = aliases.get(candidate, candidate)
            if key in spec.keys:
                return key
        raise _bad_value(rule, "|".join(spec.keys))
    if kind == "text":
        if not isinstance(value, str):
            raise _bad_value(rule, "text")
        return value
    if kind == "number":
        return _number(rule, value)
    if kind == "month":
        if isinstance(value, str) and value.strip().lower() in _RELATIVE_MONTHS:
            return _RELATIVE_MONTHS[value.strip().lower()]
        month = _number(rule, value)
        if not isinstance(month, int) or not 1 <= month <= 12:
            raise _bad_value(rule, "1..12|this|next")
        return month
    if kind == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise _bad_value(rule, "YYYY-MM-DD") from None
    if kind == "bool":
        if isinstance(value, bool):
            return value
        flag = str(value).strip().lower()
        if flag in _TRUE or flag in _FALSE:
            return flag in _TRUE
        raise _bad_value(rule, "yes|no")
    raise AssertionError(kind)  # pragma: no cover


def _items(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
    return [value]


def normalize_rule(rule: Rule, fields: Mapping[str, Field] = FIELDS) -> Rule:
    """The same rule with a known field and operator and a typed value; InputError otherwise."""
    spec = fields.get(rule.field)
    if spec is None:
        raise InputError("unknown_field", field=rule.field, allowed=", ".join(fields))
    if rule.op not in OPERATORS:
        raise InputError("unknown_operator", op=rule.op, allowed=", ".join(OPERATORS))
    if rule.op not in _TYPE_OPS[spec.type]:
        raise InputError(
            "bad_operator_for_field", op=rule.op, field=rule.field, allowed=", ".join(_TYPE_OPS[spec.type])
        )
    if spec.type == "category_days":
        parts = rule.value.rsplit(",", 1) if isinstance(rule.value, str) else _items(rule.value)
        if len(parts) != 2 or not str(parts[0]).strip():
            raise _bad_value(rule, "category,days")
        days = _number(rule, parts[1])
        if not isinstance(days, int) or days < 1:
            raise _bad_value(rule, "category,days")
        return Rule(rule.field, rule.op, (str(parts[0]).strip(), days))
    if rule.op in ("in", "not in"):
        values = [_scalar(rule, spec, v) for v in _items(rule.value)]
        if not values:
            raise _bad_value(rule, "value,value,...")
        unique = tuple(dict.fromkeys(values))
        if spec.type == "number" and any(isinstance(v, Decimal) for v in unique):
            unique = tuple(Decimal(v) for v in unique)
        return Rule(rule.field, rule.op, unique)
    if rule.op == "between":
        pair = _items(rule.value)
        if len(pair) != 2:
            raise _bad_value(rule, "low,high")
        low, high = (_scalar(rule, spec, v) for v in pair)
        if isinstance(low, str) or isinstance(high, str):  # relative months have no order
            raise _bad_value(rule, "low,high")
        if low > high:
            raise _bad_value(rule, "low,high")
        return Rule(rule.field, rule.op, (low, high))
    if spec.type in ("key", "text", "month", "groups", "number", "date", "bool") and isinstance(
        rule.value, list | tuple | set | frozenset
    ):
        raise _bad_value(rule, "one value")
    value = _scalar(rule, spec, rule.value)
    if rule.op in (">=", "<=", "<", ">") and isinstance(value, str):
        raise _bad_value(rule, "1..12")
    return Rule(rule.field, rule.op, value)


_RULE_RE = re.compile(
    r'^\s*("[^"]+"|[^\s=!<>≥≤]+)\s*(not\s+in\b|in\b|between\b|[=!<>≥≤]+|\S+)\s*(.*?)\s*$', re.IGNORECASE
)
_SIGNS = {"≥": ">=", "≤": "<="}
_WORD_OPS = ("not in", "in", "between")


def parse_rule(expr: str, fields: Mapping[str, Field] = FIELDS) -> Rule:
    """A rule from its command-line form "field op value", e.g. "tier in high_spend,loyal"; InputError if bad."""
    match = _RULE_RE.match(expr)
    if match is None or not match.group(3):
        raise InputError("bad_rule", rule=expr)
    name, op, raw = match.group(1).strip('"'), re.sub(r"\s+", " ", match.group(2).lower()), match.group(3)
    op = _SIGNS.get(op, op)
    if name not in fields:
        raise InputError("unknown_field", field=name, allowed=", ".join(fields))
    if op not in OPERATORS:
        raise InputError("unknown_operator", op=match.group(2), allowed=", ".join(OPERATORS))
    spec = fields[name]
    value: Any = raw
    if spec.type != "category_days" and (op in _WORD_OPS):
        value = tuple(part.strip() for part in raw.split(",") if part.strip())
    elif spec.type != "text":
        value = raw.strip()
    return normalize_rule(Rule(name, op, value), fields)


def _resolve(value: Any, as_of: date | None, rule: Rule) -> Any:
    """A relative birthday month (this / next) as a number, given the list's date."""
    if value not in ("this", "next"):
        return value
    if as_of is None:
        raise _bad_value(rule, "1..12")
    return as_of.month if value == "this" else as_of.month % 12 + 1


# --- SQL ------------------------------------------------------------------------------------------------------

# One SQL template per (kind of column, operator): {col} is the quoted column, {a} and {b} bound parameters.
_SQL: dict[str, str] = {
    "=": "{col} = {a}",
    "!=": "{col} is distinct from {a}",
    "in": "coalesce(list_contains({a}, {col}), false)",
    "not in": "not coalesce(list_contains({a}, {col}), false)",
    ">=": "{col} >= {a}",
    "<=": "{col} <= {a}",
    "<": "{col} < {a}",
    ">": "{col} > {a}",
    "between": "{col} between {a} and {b}",
}
_GROUPS_SQL: dict[str, str] = {
    "=": "list_contains({col}, {a})",
    "!=": "not list_contains({col}, {a})",
    "in": "list_has_any({col}, {a})",
    "not in": "not list_has_any({col}, {a})",
}
_CATEGORY_SQL: dict[str, str] = {
    "=": "coalesce({col}[{a}] < {b}, false)",
    "!=": "not coalesce({col}[{a}] < {b}, false)",
}


def rules_to_sql(
    rules: Iterable[Rule], fields: Mapping[str, Field] = FIELDS, *, as_of: date | None = None
) -> tuple[str, dict[str, Any]]:
    """Rules -> (WHERE clause over the candidate table, {p0: value, ...}); `as_of` resolves this/next month."""
    clauses: list[str] = []
    params: dict[str, Any] = {}

    def bind(value: Any) -> str:
        name = f"p{len(params)}"
        params[name] = list(value) if isinstance(value, tuple) else value
        return "$" + name

    for raw in rules:
        rule = normalize_rule(raw, fields)
        kind = fields[rule.field].type
        value = rule.value
        if kind == "month":
            value = tuple(_resolve(v, as_of, rule) for v in value) if isinstance(value, tuple) else value
            value = _resolve(value, as_of, rule)
        if kind == "category_days":
            a, b = bind(value[0]), bind(value[1])
            template = _CATEGORY_SQL[rule.op]
        elif rule.op == "between":
            a, b = bind(value[0]), bind(value[1])
            template = _SQL[rule.op]
        else:
            a, b = bind(value), ""
            template = _GROUPS_SQL[rule.op] if kind == "groups" else _SQL[rule.op]
        clauses.append("(" + template.format(col=quote_ident(rule.field), a=a, b=b) + ")")
    return (" and ".join(clauses) or "true"), params


# --- words ----------------------------------------------------------------------------------------------------


def _value_words(rule: Rule, value: Any, lang: str, spec: Field) -> str:
    if spec.type in ("key", "groups"):
        return text(spec.key_prefix + str(value), lang)
    if spec.type == "bool":
        return text("target.yes" if value else "target.no", lang)
    if value in ("this", "next"):
        return text(f"target.month.{value}", lang)
    if isinstance(value, date):
        return value.isoformat()
    if rule.field == "p_alive":  # a probability reads as a percent: "below 50%"
        return fmt.percent(float(value), lang, digits=0 if float(value) * 100 == int(float(value) * 100) else 1)
    return str(value)


def describe(rule: Rule, lang: str = "en", fields: Mapping[str, Field] | None = None) -> str:
    """The rule in plain words, e.g. "Tier is any of: High spend (VIP), Loyal" / "分层为以下任一：…"; `fields`:
    FIELDS, or the dataset's (fields_for) for a rule on an extra column (one unknown to both is read as text)."""
    fields = _known(rule, fields or FIELDS)
    rule = normalize_rule(rule, fields)
    spec = fields[rule.field]
    name = spec.label if spec.plain else text(spec.label, lang)
    kind = spec.type
    if kind == "category_days":
        key = "target.rule.bought" if rule.op == "=" else "target.rule.not_bought"
        return text(key, lang, category=rule.value[0], days=rule.value[1])
    if rule.op == "between":
        low, high = (_value_words(rule, v, lang, spec) for v in rule.value)
        return text("target.rule.between", lang, field=name, low=low, high=high)
    if isinstance(rule.value, tuple) and rule.field == "customer_id" and len(rule.value) > 5:
        return text("target.rule.hand_picked", lang, n=len(rule.value))
    if isinstance(rule.value, tuple):
        joiner = "、" if lang == "zh" else ", "
        words = joiner.join(_value_words(rule, v, lang, spec) for v in rule.value)
    else:
        words = _value_words(rule, rule.value, lang, spec)
    op_key = {"=": "eq", "!=": "ne", "in": "in", "not in": "not_in", ">=": "ge", "<=": "le", "<": "lt", ">": "gt"}[
        rule.op
    ]
    if kind == "groups":
        op_key = "groups_" + op_key
    return text(f"target.rule.{op_key}", lang, field=name, value=words)


def _known(rule: Rule, fields: Mapping[str, Field]) -> Mapping[str, Field]:
    """`fields`, with a rule's field added when it is unknown (an extra column of a list saved earlier): typed by
    its value, a number when every value is one, else text."""
    if rule.field in fields:
        return fields
    values = _items(rule.value)
    numeric = all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values)
    ordered = rule.op in (">=", "<=", "<", ">", "between")
    number_like = all(re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", str(v)) for v in values)
    date_like = all(isinstance(v, date) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(v)) for v in values)
    kind = "number" if numeric or (number_like and ordered) else "date" if date_like and ordered else "text"
    return {**fields, rule.field: Field(kind, rule.field, plain=True)}


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_json_value(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def rules_to_json(rules: Iterable[Rule]) -> str:
    """Rules as a JSON array of {field, op, value} (numbers with decimals and dates as text)."""
    return json.dumps(
        [{"field": r.field, "op": r.op, "value": _json_value(r.value)} for r in rules], ensure_ascii=False
    )


def rules_from_json(data: str, fields: Mapping[str, Field] = FIELDS) -> list[Rule]:
    """The rules written by rules_to_json, typed again by `fields` (the dataset's, fields_for, for a rule on an
    extra column; one on a column the dataset no longer has is typed by its value)."""
    rules = [Rule(item["field"], item["op"], item["value"]) for item in json.loads(data or "[]")]
    return [normalize_rule(rule, _known(rule, fields)) for rule in rules]


# --- candidates -----------------------------------------------------------------------------------------------

# A phone number as text: 5 to 15 ASCII digits, optionally a leading + and spaces, dashes or brackets; a trailing
# ".0" (a number from a spreadsheet) is dropped first. segcore.export.valid_phone is the same rule in Python.
_PHONE_TEXT_SQL = "regexp_replace(trim({phone}), '^([0-9]+)\\.0+$', '\\1')"
VALID_PHONE_SQL = (
    "coalesce(regexp_full_match(" + _PHONE_TEXT_SQL + ", '\\+?[0-9 ()\\-]+')"
    " and length(regexp_replace(" + _PHONE_TEXT_SQL + ", '[^0-9]', '', 'g')) between 5 and 15, false)"
)

_CANDIDATES_TABLE = f"create or replace temp table {CANDIDATES} as\nwith "
_CANDIDATES_CTES = f"""
tiers as (
    select customer_id,
           tier,
           case when coalesce(groups, '') = '' then []::varchar[] else string_split(groups, ';') end as groups,
           lifecycle,
           rfm_segment,
           cn8_segment,
           cast(r_score as integer) as r_score,
           cast(f_score as integer) as f_score,
           cast(m_score as integer) as m_score,
           cast(frequency as integer) as frequency,
           cast(monetary as decimal(18, 2)) as monetary,
           cast(spend_w as decimal(18, 2)) as spend_w,
           cast(recency_days as integer) as recency_days,
           cast(last_purchase as date) as last_purchase,
           case when spend_w > 0 then round(cast(promo_spend_w / spend_w as double), 4) end as promo_share
    from {_TIERS_TABLE}
),
member_rows as (
    select customer_id,
           nullif(trim(name), '') as name,
           nullif(trim(phone), '') as phone,
           gender,
           birthday,
           join_date,
           nullif(trim(store), '') as store,
           points,
           coalesce(wechat, false) as wechat,
           coalesce(sms, false) as sms,
           coalesce(email, false) as email
    from members
    where dataset_id = $dataset_id
      and (join_date is null or join_date <= $as_of)
    qualify row_number() over (partition by customer_id order by load_id) = 1
),
lines as (
    select customer_id,
           {order_key_sql("order_id", "cast(order_date as date)")} as order_key,
           cast(order_date as date) as day,
           order_date,
           amount,
           coalesce(is_promo, false) as is_promo,
           nullif(trim(store), '') as store,
           nullif(trim(category), '') as category
    from sales
    where dataset_id = $dataset_id
      and cast(order_date as date) <= $as_of
),
-- the orders as of D (segcore.engine.orders, through order_views for the key that joins them to their lines)
as_of_dates as (
    select cast($as_of as date) as as_of
),{ORDERS_AT_DATES_CTES},
orders as (
    select customer_id,
           {order_key_sql("order_id", "day")} as order_key,
           day as order_day,  -- an order is dated by its earliest line
           is_purchase
    from orders_at
),
-- "with at least one promo line" is read from the lines: order_days keeps only each order day's promo amount, and a
-- promo line of amount 0 (or promo lines that cancel out) leaves it at 0, so promo_amount != 0 is not the same test.
promo_orders as (
    select distinct customer_id, order_key
    from lines
    where is_promo
),
purchase_lines as (
    select l.*, o.order_day
    from lines as l
    join orders as o using (customer_id, order_key)
    where o.is_purchase
      and l.amount > 0
),
promo_counts as (
    select o.customer_id,
           count(*) filter (where $as_of - o.order_day < $window_days) as promo_purchases
    from orders as o
    join promo_orders as p using (customer_id, order_key)
    where o.is_purchase
    group by o.customer_id
),
category_ages as (
    select customer_id, category, min($as_of - day) as age, sum(amount) as spend
    from purchase_lines
    where category is not null
    group by customer_id, category
),
category_maps as (
    select customer_id,
           map(list(category order by category), list(age order by category)) as category_in_last_days,
           arg_min(category, (-spend, category)) as top_category
    from category_ages
    group by customer_id
),
last_categories as (
    select customer_id, arg_max(category, (order_day, order_date, amount, category)) as last_category
    from purchase_lines
    where category is not null
    group by customer_id
),
store_visits as (
    select customer_id, store, count(distinct order_key) as visits, max(day) as last_visit
    from purchase_lines
    where store is not null
    group by customer_id, store
),
bought_stores as (
    select customer_id, arg_max(store, (visits, last_visit, store)) as bought_store
    from store_visits
    group by customer_id
),
joined as (
    select t.*,
           m.customer_id is not null as is_member,
           m.name,
           m.phone,
           m.gender,
           m.birthday,
           m.join_date,
           coalesce(m.store, b.bought_store) as store,
           m.points,
           coalesce(m.wechat, false) as wechat,
           coalesce(m.sms, false) as sms,
           coalesce(m.email, false) as email,
           c.category_in_last_days,
           l.last_category,
           c.top_category,
           case when $has_promo then coalesce(p.promo_purchases, 0) end as promo_purchases,
           month(m.birthday) * 100 + day(m.birthday) as birth_md
    from tiers as t
    left join member_rows as m using (customer_id)
    left join bought_stores as b using (customer_id)
    left join category_maps as c using (customer_id)
    left join last_categories as l using (customer_id)
    left join promo_counts as p using (customer_id)
),
final as (
    select customer_id,
           name,
           phone,
           tier,
           groups,
           lifecycle,
           rfm_segment,
           cn8_segment,
           r_score,
           f_score,
           m_score,
           frequency,
           monetary,
           spend_w,
           recency_days,
           last_purchase,
           gender,
           birthday,
           month(birthday) as birthday_month,
           cast(year($as_of) - year(birthday)
                - case when birth_md > month($as_of) * 100 + day($as_of) then 1 else 0 end as integer) as age,
           $zodiac[((year(birthday) - 4) % 12 + 12) % 12 + 1] as zodiac,
           case when birthday is null then null
                when birth_md >= 1222 or birth_md <= 119 then 'capricorn'
                when birth_md <= 218 then 'aquarius'
                when birth_md <= 320 then 'pisces'
                when birth_md <= 419 then 'aries'
                when birth_md <= 520 then 'taurus'
                when birth_md <= 621 then 'gemini'
                when birth_md <= 722 then 'cancer'
                when birth_md <= 822 then 'leo'
                when birth_md <= 922 then 'virgo'
                when birth_md <= 1023 then 'libra'
                when birth_md <= 1122 then 'scorpio'
                else 'sagittarius'
           end as star_sign,
           join_date,
           cast($as_of - join_date as integer) as tenure_days,
           store,
           points,
           last_category,
           top_category,
           coalesce(category_in_last_days, map([]::varchar[], []::integer[])) as category_in_last_days,
           cast(promo_purchases as integer) as promo_purchases,
           promo_share,
           wechat,
           sms,
           email,
           {VALID_PHONE_SQL.format(phone="phone")} as has_phone,
           is_member
    from joined
)
select * from final
order by customer_id
"""


def candidates(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    as_of: date,
    cfg: TierRules = DEFAULT_RULES,
    tiers: pd.DataFrame | None = None,
    forecast: pd.DataFrame | None = None,
) -> str:
    """Create the temp table `target_candidates`: one row per customer with every FIELDS column; its name. `tiers`:
    the tier table as of that date and rules when already at hand (e.g. prepared), else it is computed; `forecast`:
    the forecast's scores as of that date when at hand, else segcore.forecast.forecast_scores."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    if tiers is None:
        tiers = tier_table(con, dataset_id, as_of, cfg)
    view = "target_tiers_frame"
    con.register(view, tiers)
    try:
        con.execute(f"create or replace temp table {_TIERS_TABLE} as select * from {quote_ident(view)}")
    finally:
        con.unregister(view)
    params = {
        "dataset_id": dataset_id,
        "as_of": as_of,
        "window_days": cfg.groups_window_days,
        "has_promo": has_promo(con, dataset_id),
        "zodiac": list(ZODIAC),
    }
    con.execute(_CANDIDATES_TABLE + order_days_ctes(con, dataset_id) + _CANDIDATES_CTES, params)
    con.execute(f"drop table if exists {_TIERS_TABLE}")
    _add_forecast_columns(con, dataset_id, as_of, forecast)
    add_extra_columns(con, CANDIDATES, dataset_id, as_of, {*FIELDS, *CANDIDATE_COLUMNS})
    return CANDIDATES


_FORECAST_COLUMNS = ("p_alive", "expected_purchases", "clv")


def _add_forecast_columns(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, scores: pd.DataFrame | None
) -> None:
    """P(alive), expected purchases and CLV (segcore.forecast, default horizon and discount) as candidate columns;
    NULL for a customer without a purchase on or before the date (a member who never bought is not modelled)."""
    from segcore.forecast import forecast_scores

    if scores is None:
        scores = forecast_scores(con, dataset_id, as_of)
    view = "target_forecast_frame"
    con.register(view, scores.loc[:, ["customer_id", *_FORECAST_COLUMNS]])
    try:
        con.execute(
            f"create or replace temp table {CANDIDATES} as select c.*, "
            + ", ".join(f"f.{quote_ident(c)}" for c in _FORECAST_COLUMNS)
            + f" from {CANDIDATES} as c left join {quote_ident(view)} as f using (customer_id) order by c.customer_id"
        )
    finally:
        con.unregister(view)


# --- lists and exclusions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exclusion:
    """One exclusion: promo_chaser, contacted_within_days (value = N days), manual (value = ids) or unreachable.

    A manual list's `by` says what its values match: "id" (customer ids only) or "id_or_phone" (a customer id, or
    the digits of a phone: a list of phones, or one whose column is not named).
    """

    kind: str
    value: Any = None
    by: str = "id"


class IdListCount(NamedTuple):
    """A do-not-contact list against the store: ids read, and customers (as of the list's date) they match."""

    read: int
    matched: int


@dataclass(frozen=True, eq=False)
class TargetList:
    """A built list: its rows (candidate columns, by customer_id) and what each exclusion removed, in order."""

    dataset_id: str
    as_of: date
    channel: str
    rules: tuple[Rule, ...]
    matched: int
    removed: tuple[tuple[Exclusion, int], ...]
    rows: pd.DataFrame
    warnings: tuple[str, ...] = ()
    id_lists: tuple[IdListCount, ...] = ()  # one per manual exclusion, in order


def _check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise InputError("bad_channel", channel=channel, allowed=", ".join(CHANNELS))
    return channel


def _check_exclusion(exclusion: Exclusion) -> Exclusion:
    if exclusion.kind not in EXCLUSION_KINDS:
        raise InputError("unknown_exclusion", kind=exclusion.kind, allowed=", ".join(EXCLUSION_KINDS))
    if exclusion.kind == "contacted_within_days":
        days = exclusion.value
        if isinstance(days, str) and days.strip().isdigit():
            days = int(days)
        if not isinstance(days, int) or isinstance(days, bool) or days < 1:
            raise InputError("bad_exclusion_value", kind=exclusion.kind, value=str(exclusion.value))
        return Exclusion(exclusion.kind, days)
    if exclusion.kind == "manual":
        if exclusion.by not in _MATCH_BY:
            raise InputError("bad_exclusion_value", kind=exclusion.kind, value=str(exclusion.by))
        ids = tuple(dict.fromkeys(key for key in (id_key(v) for v in _items(exclusion.value or ())) if key))
        return Exclusion(exclusion.kind, ids, exclusion.by)
    return Exclusion(exclusion.kind)


def parse_exclusion(expr: str) -> Exclusion:
    """An exclusion from its command-line form: promo_chaser, unreachable, contacted_within_days=30, manual=id,id."""
    kind, _, value = expr.partition("=")
    kind = kind.strip()
    if kind == "manual":
        return _check_exclusion(Exclusion(kind, tuple(value.split(","))))
    return _check_exclusion(Exclusion(kind, value.strip() or None))


_MATCH_BY = ("id", "id_or_phone")
_ID_LIST = "target_id_list"
_TRAILING_ZEROS = re.compile(r"^([0-9]+)\.0+$")
_PHONE_CHARS = re.compile(r"[\s\-()（）.]")


def id_key(value: Any) -> str:
    """A customer id as ingest stores it (segcore.sql seg_id): trimmed, "12345.0" read as "12345"; "" if none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    key = str(value).strip()
    match = _TRAILING_ZEROS.match(key)
    return match.group(1) if match else key


def phone_key(value: Any) -> str | None:
    """The digits of a phone-like value (spaces, dashes, brackets dropped; +86 / 0086 before a mobile dropped);
    None when it is not 5 to 15 digits (an id such as "M0012", or a number Excel wrote as 1.38E+10)."""
    key = id_key(value)
    if not key:
        return None
    digits = _PHONE_CHARS.sub("", key)
    digits = digits[1:] if digits.startswith("+") else digits
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        return None
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            return digits[len(prefix) :]
    return digits


def _is_header_word(header: str) -> bool:
    return bool(guess_mapping([header], "members").keys() & {"customer_id", "phone"})


def _looks_like_a_header(first: str, values: Sequence[str]) -> bool:
    """The first line of a one-column file names it when it has no digit and every id below it has one."""
    has_digit = any(ch.isdigit() for ch in first)
    return not has_digit and bool(values) and all(any(ch.isdigit() for ch in v) for v in values)


def read_id_list(path: Path) -> Exclusion:
    """A do-not-contact file (CSV/TXT in any encoding and delimiter, or XLSX) as a manual exclusion; InputError
    when it cannot be read, has no id column, or yields no id."""
    con = duckdb.connect(":memory:", config=NO_EXTENSIONS)
    try:
        install_parsers(con)
        with staged_source(con, Path(path), _ID_LIST) as info:
            headers = [h for h in info.headers if h != "line_no"]
            mapping = guess_mapping(headers, "members")
            if "customer_id" in mapping:
                column, by, first = mapping["customer_id"], "id", None
            elif "phone" in mapping:
                column, by, first = mapping["phone"], "id_or_phone", None
            elif len(headers) == 1:  # one column: its first line is an id, unless it names the column
                column, by = headers[0], "id_or_phone"
                first = None if _is_header_word(column) else column
            else:
                raise InputError("id_list_no_column", found=", ".join(headers))
            rows = con.execute(f"select seg_id({quote_ident(column)}) from {_ID_LIST} order by line_no").fetchall()
    except duckdb.Error as exc:
        raise InputError("bad_csv", reason=str(exc).splitlines()[0][:200]) from exc
    finally:
        con.close()
    values = [r[0] for r in rows if r[0] is not None]
    if first is not None and not _looks_like_a_header(first, values):
        values.insert(0, id_key(first))
    ids = tuple(dict.fromkeys(v for v in values if v))
    if not ids:
        raise InputError("id_list_empty", path=str(path))
    return Exclusion("manual", ids, by)


def default_exclusions(discount: bool) -> list[Exclusion]:
    """The exclusions a new list starts with: promo chasers for discount campaigns, then the unreachable."""
    return [Exclusion("promo_chaser")] * discount + [Exclusion("unreachable")]


def reachable(rows: pd.DataFrame, channel: str) -> pd.Series:
    """Whether each row can be reached: sms = phone and SMS opt-in, wechat = opt-in, phone = phone, store = all."""
    _check_channel(channel)
    has_phone = rows["has_phone"].astype(bool)
    if channel == "sms":
        return has_phone & rows["sms"].astype(bool)
    if channel == "wechat":
        return rows["wechat"].astype(bool)
    if channel == "phone":
        return has_phone
    return pd.Series(True, index=rows.index)


_RECENT_CONTACTS_SQL = """
with recent as (
    select campaign_id
    from campaigns
    where dataset_id = $dataset_id
      and start_date > $as_of - $days
),
final as (
    select distinct m.customer_id
    from campaign_members as m
    join recent using (campaign_id)
)
select customer_id from final order by customer_id
"""


def _recent_contacts(con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, days: int) -> set[str]:
    """Customers on any campaign of the dataset starting after as_of - days (both groups: protects its holdout)."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where table_name in ('campaigns', 'campaign_members') and not temporary"
    ).fetchone()
    if not exists or exists[0] < 2:
        return set()
    rows = con.execute(_RECENT_CONTACTS_SQL, {"dataset_id": dataset_id, "as_of": as_of, "days": days}).fetchall()
    return {r[0] for r in rows}


_MATCH_SQL = "select * from {table} where {where} order by customer_id"


def build_list(
    con: duckdb.DuckDBPyConnection,
    dataset_id: str,
    as_of: date,
    cfg: TierRules = DEFAULT_RULES,
    rules: Sequence[Rule] = (),
    exclusions: Sequence[Exclusion] = (),
    channel: str = "sms",
) -> TargetList:
    """Customers matching every rule as of `as_of`, minus each exclusion in order (with the count it removed)."""
    if isinstance(as_of, datetime):
        as_of = as_of.date()
    _check_channel(channel)
    fields = fields_for(con, dataset_id)
    typed_rules = tuple(normalize_rule(r, fields) for r in rules)
    checked = [_check_exclusion(e) for e in exclusions]
    where, params = rules_to_sql(typed_rules, fields, as_of=as_of)
    table = candidates(con, dataset_id, as_of, cfg)
    rows = con.execute(_MATCH_SQL.format(table=quote_ident(table), where=where), params).df()
    matched = len(rows)
    removed: list[tuple[Exclusion, int]] = []
    warnings: list[str] = []
    id_lists: list[IdListCount] = []
    for exclusion in checked:
        if exclusion.kind == "promo_chaser":
            if not has_promo(con, dataset_id):
                warnings.append("target.warn.no_promo_data")
            drop = rows["groups"].map(lambda g: "promo_chaser" in list(g))
        elif exclusion.kind == "contacted_within_days":
            drop = rows["customer_id"].isin(_recent_contacts(con, dataset_id, as_of, exclusion.value))
        elif exclusion.kind == "manual":
            drop = _on_id_list(rows, exclusion)
            everyone = con.execute(f"select customer_id, phone from {quote_ident(table)}").df()
            id_lists.append(IdListCount(len(exclusion.value), int(_on_id_list(everyone, exclusion).sum())))
        else:
            if channel in _CONSENT_CHANNELS and not consent_recorded(con, dataset_id, channel):
                warnings.append(f"target.warn.no_consent.{channel}")
            drop = ~reachable(rows, channel)
        removed.append((exclusion, int(drop.sum())))
        rows = rows[~drop.astype(bool)].reset_index(drop=True)
    return TargetList(
        dataset_id, as_of, channel, typed_rules, matched, tuple(removed), rows, tuple(warnings), tuple(id_lists)
    )


def _on_id_list(rows: pd.DataFrame, exclusion: Exclusion) -> pd.Series:
    """Whether each row (customer_id, phone) is on a manual list: by id, or also by a phone's digits."""
    values = set(exclusion.value)
    on_list = rows["customer_id"].isin(values)
    if exclusion.by == "id_or_phone":
        phones = {key for key in (phone_key(v) for v in values) if key}
        on_list |= rows["phone"].map(phone_key).isin(phones) | rows["customer_id"].map(phone_key).isin(phones)
    return on_list.astype(bool)


_CONSENT_CHANNELS = ("sms", "wechat")
_CONSENT_SQL = "select count({column}) > 0 from members where dataset_id = $dataset_id"


def consent_recorded(con: duckdb.DuckDBPyConnection, dataset_id: str, channel: str) -> bool:
    """Whether the dataset's members file records the channel's opt-in at all (a mapped column, yes or no)."""
    if channel not in _CONSENT_CHANNELS:
        return True
    row = con.execute(_CONSENT_SQL.format(column=quote_ident(channel)), {"dataset_id": dataset_id}).fetchone()
    return bool(row and row[0])


def list_warnings(target_list: TargetList) -> list[dict[str, Any]]:
    """The list's warnings as {"key": catalog key, values...}: its own, and a do-not-contact list whose ids mostly
    match no customer (more than half unmatched)."""
    out: list[dict[str, Any]] = [{"key": key} for key in target_list.warnings]
    for count in target_list.id_lists:
        if count.matched * 2 < count.read:
            out.append({"key": "target.warn.ids_unmatched", "read": count.read, "matched": count.matched})
    return out


def empty_reason(target_list: TargetList, lang: str = "en") -> str | None:
    """Why the list is empty, in words: no customer matched the filters, or the step that removed the last ones
    (with what to do when no opt-in is recorded); None when the list is not empty."""
    if len(target_list.rows):
        return None
    if target_list.matched == 0:
        return text("target.empty.no_match", lang)
    left = target_list.matched
    for exclusion, count in target_list.removed:
        left -= count
        if left <= 0:
            what = describe_exclusion(exclusion, lang, target_list.channel)
            reason = text("target.empty.step", lang, what=what, n=count)
            consent = f"target.warn.no_consent.{target_list.channel}"
            if exclusion.kind == "unreachable" and consent in target_list.warnings:
                reason += ("" if lang == "zh" else " ") + text(consent, lang)
            return reason
    return text("target.empty.no_match", lang)  # pragma: no cover (counts always add up)


def describe_exclusion(exclusion: Exclusion, lang: str = "en", channel: str = "sms") -> str:
    """The exclusion in plain words, e.g. "Contacted by another campaign in the last 30 days"."""
    exclusion = _check_exclusion(exclusion)
    if exclusion.kind == "contacted_within_days":
        return text("target.excl.contacted_within_days", lang, days=exclusion.value)
    if exclusion.kind == "manual":
        return text("target.excl.manual", lang, n=len(exclusion.value))
    if exclusion.kind == "unreachable":
        return text(f"target.excl.unreachable.{_check_channel(channel)}", lang)
    return text("target.excl.promo_chaser", lang)


# --- preview --------------------------------------------------------------------------------------------------


def list_size(target_list: TargetList) -> int:
    """Customers on the list."""
    return len(target_list.rows)


def tier_mix(target_list: TargetList) -> pd.DataFrame:
    """Customers per tier on the list: columns tier, customers; in the tier order of the spec."""
    counts = target_list.rows["tier"].fillna("").value_counts()
    order = [t for t in TIER_KEYS if t in counts.index] + sorted(t for t in counts.index if t not in TIER_KEYS)
    return pd.DataFrame({"tier": [t or None for t in order], "customers": [int(counts[t]) for t in order]})


def expected_reach(target_list: TargetList, channel: str | None = None) -> int:
    """Customers on the list that the channel (default: the list's) can reach."""
    return int(reachable(target_list.rows, channel or target_list.channel).sum())


def sample_rows(target_list: TargetList, n: int = 10, seed: int = 0) -> pd.DataFrame:
    """Up to n rows of the list, drawn reproducibly, in customer_id order."""
    rows = target_list.rows
    if len(rows) <= n:
        return rows
    return rows.sample(n=n, random_state=seed).sort_values("customer_id").reset_index(drop=True)
