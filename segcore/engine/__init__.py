"""The tier engine: customer facts in, tiers and states out, for one date or many (shared/spec/tiers.md).

- `orders`: the one definition of an order and a purchase as of a date (and the `order_days` table behind it);
  `order_views`: the same orders at several dates, and an order's key, for the pages' figures;
- `facts`: the per-customer measures behind every rule, for one date (`facts`) or many (`history`);
- `rules`: every rule of the spec, declared as data and turned into portable SQL;
- `one_date.tier_table` and `history.snapshot_states` / `history.transition_table`: the two cases.
"""

from __future__ import annotations

from segcore.engine.one_date import has_promo, tier_table
from segcore.engine.rules import GROUPS, RFM_GRID

__all__ = ["GROUPS", "RFM_GRID", "has_promo", "tier_table"]
