"""One colour per segment, the same on every page (and readable on a projector)."""

from __future__ import annotations

import plotly.express as px

from segcore.colors import LIFECYCLE_COLORS, TIER_COLORS

__all__ = ["LIFECYCLE_COLORS", "TIER_COLORS", "color_map", "segment_color"]


def color_map(scheme: str, segments: list[str]) -> dict[str, str]:
    """Segment key -> colour for a scheme (fixed for tiers, groups and lifecycle; a stable palette otherwise)."""
    fixed = TIER_COLORS if scheme in ("tier", "groups") else LIFECYCLE_COLORS if scheme == "lifecycle" else {}
    palette = px.colors.qualitative.Bold + px.colors.qualitative.Safe
    return {seg: fixed.get(seg, palette[i % len(palette)]) for i, seg in enumerate(segments)}


def segment_color(scheme: str, segment: str, segments: list[str]) -> str:
    """The colour of one segment."""
    return color_map(scheme, segments)[segment]
