"""The user's tier rules, kept in the workspace as TOML (the spec's defaults until they change something)."""

from __future__ import annotations

import duckdb

from segcore.config import DEFAULT_CONFIG, TierConfig, from_toml, to_toml

__all__ = ["load_config", "reset_config", "save_config"]

_KEY = "tier_config"


def load_config(con: duckdb.DuckDBPyConnection) -> TierConfig:
    """The saved tier config, or the defaults."""
    row = con.execute("select value from settings where key = $key", {"key": _KEY}).fetchone()
    return from_toml(row[0]) if row else DEFAULT_CONFIG


def save_config(con: duckdb.DuckDBPyConnection, cfg: TierConfig) -> None:
    """Save the tier config (replacing the previous one)."""
    con.execute("insert or replace into settings values ($key, $value)", {"key": _KEY, "value": to_toml(cfg)})


def reset_config(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the saved config: the defaults apply again."""
    con.execute("delete from settings where key = $key", {"key": _KEY})
