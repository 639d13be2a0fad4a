"""The playbook: the recommended action and channel per segment; defaults from the seed material, edits saved."""

from __future__ import annotations

import duckdb
import pandas as pd

from segcore.access import Access
from segcore.catalog import text
from segcore.keys import CHANNELS

__all__ = ["CHANNELS", "DEFAULT_CHANNELS", "playbook", "save_playbook"]

# (scheme, segment) -> default channel; the default action text is the catalog's `play.<scheme>.<segment>`.
DEFAULT_CHANNELS: dict[tuple[str, str], str] = {
    ("tier", "high_spend"): "phone",
    ("tier", "high_ticket"): "store",
    ("tier", "loyal"): "wechat",
    ("tier", "promo_frequent"): "wechat",
    ("tier", "silent"): "sms",
    ("tier", "sleeping"): "sms",
    ("tier", "promo_chaser"): "wechat",
    ("tier", "regular"): "wechat",
    ("tier", "potential"): "sms",
    ("lifecycle", "potential"): "sms",
    ("lifecycle", "new"): "sms",
    ("lifecycle", "active"): "wechat",
    ("lifecycle", "loyal"): "wechat",
    ("lifecycle", "at_risk"): "phone",
    ("lifecycle", "churned"): "sms",
    ("rfm", "champions"): "wechat",
    ("rfm", "loyal_customers"): "wechat",
    ("rfm", "potential_loyalists"): "wechat",
    ("rfm", "new_customers"): "sms",
    ("rfm", "promising"): "sms",
    ("rfm", "need_attention"): "wechat",
    ("rfm", "about_to_sleep"): "sms",
    ("rfm", "at_risk"): "phone",
    ("rfm", "cannot_lose"): "phone",
    ("rfm", "hibernating"): "sms",
    ("cn8", "important_value"): "phone",
    ("cn8", "important_develop"): "wechat",
    ("cn8", "important_keep"): "phone",
    ("cn8", "important_winback"): "phone",
    ("cn8", "general_value"): "wechat",
    ("cn8", "general_develop"): "sms",
    ("cn8", "general_keep"): "wechat",
    ("cn8", "general_winback"): "sms",
}


def _scheme_defaults(scheme: str) -> str:
    return "tier" if scheme == "groups" else scheme


def _text(value: object) -> str:
    """A saved cell as text: '' for NULL or NaN (never "None" / "nan")."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def playbook(con: duckdb.DuckDBPyConnection, scheme: str, segments: list[str], lang: str) -> pd.DataFrame:
    """Action and channel per segment of a scheme: the saved edit, else the default (in `lang`), else empty."""
    saved = (
        con.execute("select segment, action, channel from playbook where scheme = $scheme", {"scheme": scheme})
        .df()
        .set_index("segment")
    )
    base = _scheme_defaults(scheme)
    rows = []
    for segment in segments:
        key = f"play.{base}.{segment}"
        action = text(key, lang) if text(key, lang) != key else ""
        channel = DEFAULT_CHANNELS.get((base, segment), "")
        if segment in saved.index:
            action = _text(saved.loc[segment, "action"])
            channel = _text(saved.loc[segment, "channel"])
        channel = channel if channel in CHANNELS else ""  # never None / nan / an unknown word
        rows.append({"segment": segment, "action": action, "channel": channel})
    return pd.DataFrame(rows, columns=["segment", "action", "channel"])


def save_playbook(con: duckdb.DuckDBPyConnection, scheme: str, edited: pd.DataFrame, *, access: Access) -> None:
    """Save the edited actions and channels of a scheme (a role that makes lists plans them)."""
    access.require("make_lists")
    for row in edited.itertuples(index=False):
        con.execute(
            "insert or replace into playbook values ($scheme, $segment, $action, $channel)",
            {"scheme": scheme, "segment": row.segment, "action": row.action, "channel": row.channel},
        )
