"""The tier rules a user can change: thresholds and tier order (defaults from the product spec), as a frozen
dataclass, its TOML form, its checks, and its copy saved in the workspace."""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from segcore.access import Access
from segcore.keys import DEFAULT_TIER_ORDER, GROUP_KEYS

__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_TIER_ORDER",
    "GROUP_KEYS",
    "NO_TIER",
    "RulesProblem",
    "TierRules",
    "from_toml",
    "load_rules",
    "moved_count",
    "preview_moves",
    "reset_rules",
    "save_rules",
    "tier_moves",
    "to_toml",
    "validate",
]


@dataclass(frozen=True)
class TierRules:
    """Every threshold of the tier rules; days are calendar days counted back from the as-of date."""

    rfm_lookback_days: int = 730
    rfm_bins: int = 5
    lifecycle_new_days: int = 90
    lifecycle_churned_days: int = 365
    lifecycle_at_risk_days: int = 180
    lifecycle_loyal_purchases: int = 4
    lifecycle_loyal_window_days: int = 365
    groups_window_days: int = 365
    high_spend_share: float = 0.2
    high_ticket_factor: float = 2.0
    loyal_share: float = 0.5
    loyal_min_orders: int = 2
    loyal_max_recency_days: int = 180
    loyal_max_gap_days: int = 180
    promo_frequent_share: float = 0.2
    promo_chaser_share: float = 0.2
    promo_chaser_min_promo_share: float = 0.5
    silent_recent_days: int = 182
    silent_ratio: float = 0.5
    silent_min_tenure_days: int = 365
    sleeping_days: int = 365
    tier_order: tuple[str, ...] = DEFAULT_TIER_ORDER


DEFAULT_RULES = TierRules()


@dataclass(frozen=True)
class RulesProblem:
    """One invalid setting: the field's name, a stable problem code (for translation) and the offending value."""

    field: str
    code: str
    value: object = None


_SHARES = (
    "high_spend_share",
    "loyal_share",
    "promo_frequent_share",
    "promo_chaser_share",
    "promo_chaser_min_promo_share",
    "silent_ratio",
)
_POSITIVE_NUMBERS = ("high_ticket_factor",)
_COUNTS = ("lifecycle_loyal_purchases", "loyal_min_orders")  # at least 1
_FIELD_TYPES = {f.name: type(getattr(DEFAULT_RULES, f.name)).__name__ for f in fields(TierRules)}  # int, float, tuple


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_ok(name: str, value: object) -> bool:
    kind = _FIELD_TYPES[name]
    if kind == "int":
        return _is_int(value)
    if kind == "float":
        return _is_number(value)
    return isinstance(value, (tuple, list)) and all(isinstance(item, str) for item in value)


def _value_problem(name: str, value: Any) -> str | None:
    """The problem code of one well-typed value, or None."""
    if name == "tier_order":
        return None if sorted(value) == sorted(GROUP_KEYS) else "not_a_permutation"
    if isinstance(value, float) and not math.isfinite(value):
        return "not_finite"
    if name in _SHARES:
        return None if 0 < value <= 1 else "share_out_of_range"
    if name == "rfm_bins":
        return None if value >= 2 else "too_small"
    if name in _COUNTS:
        return None if value >= 1 else "too_small"
    return None if value > 0 else "not_positive"  # every *_days field and the factor


def validate(cfg: TierRules) -> list[RulesProblem]:
    """Every problem of a config, in field order; an empty list means the config is usable."""
    problems = []
    for name in _FIELD_TYPES:
        value = getattr(cfg, name)
        code = "wrong_type" if not _type_ok(name, value) else _value_problem(name, value)
        if code is not None:
            problems.append(RulesProblem(name, code, value))
    return problems


def _toml_value(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(item) for item in value) + "]"
    return repr(value)  # ints and floats (inf/nan included) are written the same in TOML


def to_toml(cfg: TierRules) -> str:
    """The config as a TOML document: one `key = value` line per field."""
    lines = ["# segcore tier thresholds (see the tier spec); days count back from the as-of date"]
    lines += [f"{name} = {_toml_value(getattr(cfg, name))}" for name in _FIELD_TYPES]
    return "\n".join(lines) + "\n"


def from_toml(text: str) -> TierRules:
    """A config from TOML text; missing keys keep their default, unknown keys or wrong types raise ValueError."""
    data = tomllib.loads(text)
    unknown = sorted(set(data) - set(_FIELD_TYPES))
    if unknown:
        raise ValueError(f"unknown tier config key(s): {', '.join(unknown)}")
    for name, value in data.items():
        if not _type_ok(name, value):
            raise ValueError(f"tier config key {name!r} must be of type {_FIELD_TYPES[name]}, got {value!r}")
    return TierRules(**{name: _coerce(name, value) for name, value in data.items()})


def _coerce(name: str, value: Any) -> Any:
    """A well-typed TOML value in the field's own type (arrays become tuples, integers in float fields floats)."""
    if isinstance(value, list):
        return tuple(value)
    return float(value) if _FIELD_TYPES[name] == "float" else value


# The saved rules: the workspace's `settings` row under this key (the name earlier versions wrote).
_KEY = "tier_config"


def load_rules(con: duckdb.DuckDBPyConnection) -> TierRules:
    """The saved tier rules, or the defaults."""
    row = con.execute("select value from settings where key = $key", {"key": _KEY}).fetchone()
    return from_toml(row[0]) if row else DEFAULT_RULES


def save_rules(con: duckdb.DuckDBPyConnection, cfg: TierRules, *, access: Access) -> None:
    """Save the tier rules (replacing the previous ones); the owner only."""
    access.require("edit_rules")
    con.execute("insert or replace into settings values ($key, $value)", {"key": _KEY, "value": to_toml(cfg)})


def reset_rules(con: duckdb.DuckDBPyConnection, *, access: Access) -> None:
    """Forget the saved rules: the defaults apply again; the owner only."""
    access.require("edit_rules")
    con.execute("delete from settings where key = $key", {"key": _KEY})


# The migration state of a customer with no tier (lines but no purchase, and not a member).
NO_TIER = "none"


def tier_moves(before: pd.DataFrame, after: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Who would change tier: a from -> to table of customer counts (rows: the tier in `before`, columns: the tier
    in `after`; both tier tables as of the same date under two rule sets). Every tier of `order` (then 'none' for
    a customer without a tier, if any) is a row and a column, so the diagonal holds those who stay."""
    old = before.set_index("customer_id")["tier"]
    new = after.set_index("customer_id")["tier"].reindex(old.index)
    pairs = pd.DataFrame({"from": old.fillna(NO_TIER).to_numpy(), "to": new.fillna(NO_TIER).to_numpy()})
    keys = [*order, *([NO_TIER] if (pairs == NO_TIER).any().any() and NO_TIER not in order else [])]
    table = pd.crosstab(pairs["from"], pairs["to"]).reindex(index=keys, columns=keys, fill_value=0)
    table.index.name, table.columns.name = "from", "to"
    return table.astype(int)


def moved_count(moves: pd.DataFrame) -> int:
    """How many customers a from -> to table moves (everyone off its diagonal)."""
    stay = sum(int(moves.to_numpy()[i, moves.columns.get_loc(k)]) for i, k in enumerate(moves.index) if k in moves)
    return int(moves.to_numpy().sum()) - stay


def preview_moves(
    con: duckdb.DuckDBPyConnection, dataset_id: str, as_of: date, before: TierRules, after: TierRules
) -> pd.DataFrame:
    """tier_moves() of a dataset as of a date between the saved rules and edited ones, through the one engine."""
    from segcore.engine import tier_table

    order = [*after.tier_order, "regular", "potential"]
    return tier_moves(tier_table(con, dataset_id, as_of, before), tier_table(con, dataset_id, as_of, after), order)
