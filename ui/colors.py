"""One colour per segment, the same on every page (and readable on a projector)."""

from __future__ import annotations

import plotly.express as px

__all__ = ["color_map", "segment_color"]

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


def color_map(scheme: str, segments: list[str]) -> dict[str, str]:
    """Segment key -> colour for a scheme (fixed for tiers, groups and lifecycle; a stable palette otherwise)."""
    fixed = TIER_COLORS if scheme in ("tier", "groups") else LIFECYCLE_COLORS if scheme == "lifecycle" else {}
    palette = px.colors.qualitative.Bold + px.colors.qualitative.Safe
    return {seg: fixed.get(seg, palette[i % len(palette)]) for i, seg in enumerate(segments)}


def segment_color(scheme: str, segment: str, segments: list[str]) -> str:
    """The colour of one segment."""
    return color_map(scheme, segments)[segment]
