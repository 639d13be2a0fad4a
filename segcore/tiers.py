"""Transitional: the tier engine's one-date case now lives in segcore.engine."""

from __future__ import annotations

from segcore import config
from segcore.engine import CN8_SEGMENTS, LIFECYCLES, RFM_GRID, RFM_SEGMENTS, has_promo, tier_table

GROUP_KEYS = list(config.GROUP_KEYS)
TIER_KEYS = [*config.DEFAULT_TIER_ORDER, "regular", "potential"]

__all__ = [
    "CN8_SEGMENTS",
    "GROUP_KEYS",
    "LIFECYCLES",
    "RFM_GRID",
    "RFM_SEGMENTS",
    "TIER_KEYS",
    "has_promo",
    "tier_table",
]
