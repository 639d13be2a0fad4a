"""The thresholds editor's widgets: one number input per setting, an inline message under any bad value."""

from __future__ import annotations

from dataclasses import fields, replace

import streamlit as st

from segcore.tier_rules import TierRules, validate
from ui.i18n import t

__all__ = ["SECTIONS", "SHARES", "edit", "forget_widgets", "order_problem", "with_order"]

SECTIONS = {
    "rfm": ("rfm_lookback_days", "rfm_bins"),
    "lifecycle": (
        "lifecycle_new_days",
        "lifecycle_churned_days",
        "lifecycle_at_risk_days",
        "lifecycle_loyal_purchases",
        "lifecycle_loyal_window_days",
    ),
    "groups": (
        "groups_window_days",
        "high_spend_share",
        "high_ticket_factor",
        "loyal_share",
        "loyal_min_orders",
        "loyal_max_recency_days",
        "loyal_max_gap_days",
        "promo_frequent_share",
        "promo_chaser_share",
        "promo_chaser_min_promo_share",
        "silent_recent_days",
        "silent_ratio",
        "silent_min_tenure_days",
        "sleeping_days",
    ),
}


# The settings that are shares of a population or of spend: edited in percent.
SHARES = (
    "high_spend_share",
    "loyal_share",
    "promo_frequent_share",
    "promo_chaser_share",
    "promo_chaser_min_promo_share",
    "silent_ratio",
)


def _input(name: str, value: int | float) -> int | float:
    """One setting's input; a share is typed and shown in percent (20, not 0.20) and returned as a fraction."""
    key = f"set_{name}"
    if isinstance(value, int):
        return int(st.number_input(t(f"cfg.{name}"), value=value, step=1, key=key))
    if name in SHARES:
        label = t("set.percent", label=t(f"cfg.{name}"))
        shown = st.number_input(label, value=round(value * 100, 4), step=5.0, format="%.1f", key=key)
        return round(float(shown) / 100, 6)
    return float(st.number_input(t(f"cfg.{name}"), value=float(value), step=0.05, format="%.2f", key=key))


def edit(current: TierRules) -> tuple[TierRules, dict[str, str]]:
    """Draw the inputs; return the edited config and {field: problem code} for every bad value."""
    values: dict[str, object] = {}
    for section, names in SECTIONS.items():
        st.subheader(t(f"set.section.{section}"))
        grid = st.columns(3)
        for i, name in enumerate(names):
            with grid[i % 3]:
                values[name] = _input(name, getattr(current, name))
                candidate = replace(current, **{name: values[name]})
                problem = next((p.code for p in validate(candidate) if p.field == name), None)
                if problem:
                    st.error(t(f"set.problem.{problem}"), icon=":material/error:")
    edited = replace(current, **values)
    return edited, {p.field: p.code for p in validate(edited)}


def with_order(cfg: TierRules, order: list[str]) -> TierRules:
    """The config with a new tier order."""
    return replace(cfg, tier_order=tuple(order))


def order_problem(cfg: TierRules) -> dict[str, str]:
    """{'tier_order': code} when the order is not a permutation of the groups."""
    return {p.field: p.code for p in validate(cfg) if p.field == "tier_order"}


def forget_widgets() -> None:
    """Drop the inputs' state so they show the saved values again."""
    for f in fields(TierRules):
        st.session_state.pop(f"set_{f.name}", None)
    st.session_state.pop("set_tier_order", None)
