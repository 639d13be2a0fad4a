"""What the Forecast page and the weekly review read off the scores: totals per tier or group, and the valuable
customers who are slipping away (the top HIGH_CLV_SHARE by CLV with P(alive) below ALIVE_LINE)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["ALIVE_LINE", "HIGH_CLV_SHARE", "clv_line", "segment_totals", "valuable_slipping"]

ALIVE_LINE = 0.5
HIGH_CLV_SHARE = 0.2


def clv_line(scores: pd.DataFrame) -> float | None:
    """The lowest CLV of the top HIGH_CLV_SHARE, down to a whole amount (so that the list rule `clv >= line` picks
    the same customers); None when no customer has a CLV."""
    clv = scores["clv"].to_numpy(dtype=float)
    known = clv[np.isfinite(clv)]
    return float(np.floor(np.quantile(known, 1 - HIGH_CLV_SHARE))) if len(known) else None


def valuable_slipping(scores: pd.DataFrame) -> tuple[float | None, pd.DataFrame]:
    """(clv_line, the scores at or above it with p_alive below ALIVE_LINE, most valuable first); (None, no rows)
    when no customer has a CLV."""
    line = clv_line(scores)
    if line is None:
        return None, scores.iloc[0:0]
    clv = scores["clv"].to_numpy(dtype=float)
    slipping = scores[np.isfinite(clv) & (clv >= line) & (scores["p_alive"].to_numpy(dtype=float) < ALIVE_LINE)]
    return line, slipping.sort_values(["clv", "customer_id"], ascending=[False, True]).reset_index(drop=True)


def segment_totals(scores: pd.DataFrame, tiers: pd.DataFrame, scheme: str, order: Sequence[str]) -> pd.DataFrame:
    """Per tier or group (`scheme` "tier" / "groups", in `order`) of the scored customers: customers, and the sums
    of expected_purchases and clv (NaN when no customer has a CLV). A customer is in one tier and in any number of
    groups (the tier table's `groups`, ";"-separated); segments nobody scored is in are left out."""
    frame = scores[["customer_id", "expected_purchases", "clv"]].merge(
        tiers[["customer_id", scheme]], on="customer_id", how="left"
    )
    values = frame[scheme].fillna("").astype(str)
    rows = []
    for segment in order:
        inside = (values == segment) if scheme == "tier" else (";" + values + ";").str.contains(f";{segment};")
        if inside.any():
            chosen = frame[inside.to_numpy()]
            rows.append(
                {
                    "segment": segment,
                    "customers": len(chosen),
                    "expected_purchases": float(chosen["expected_purchases"].sum()),
                    "clv": float(chosen["clv"].sum(min_count=1)),
                }
            )
    return pd.DataFrame(rows, columns=["segment", "customers", "expected_purchases", "clv"])
