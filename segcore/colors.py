"""One colour per segment, the same on every page and in the weekly report (readable on a projector)."""

from __future__ import annotations

__all__ = ["LIFECYCLE_COLORS", "TIER_COLORS"]

TIER_COLORS = {
    "high_spend": "#6d28d9",
    "high_ticket": "#c026d3",
    "loyal": "#1d4ed8",
    "promo_frequent": "#d97706",
    "silent": "#64748b",
    "sleeping": "#1f2937",
    "promo_chaser": "#dc2626",
    "regular": "#059669",
    "potential": "#a3a3a3",
    "none": "#e5e5e5",
}
LIFECYCLE_COLORS = {
    "potential": "#a3a3a3",
    "new": "#16a34a",
    "active": "#2563eb",
    "loyal": "#6d28d9",
    "at_risk": "#d97706",
    "churned": "#dc2626",
}
