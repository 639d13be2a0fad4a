"""Measure a saved campaign as of a date: outcomes from the sales, then the lift statistics of lift.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from segcore.campaigns import campaign_members, campaign_record
from segcore.engine import tier_table
from segcore.lift import Effect, LiftReport, did_estimate, lift_report
from segcore.outcomes import campaign_outcomes, daily_revenue, did_frames
from segcore.tier_rules import TierRules

__all__ = ["CampaignResult", "campaign_status", "measure_campaign"]


@dataclass(frozen=True)
class CampaignResult:
    """A campaign's record, its lift (holdout) or difference-in-differences (no holdout), and the daily curve."""

    record: dict[str, Any]
    report: LiftReport | None
    did: Effect | None
    daily: pd.DataFrame
    measured_end: date
    interim: bool
    not_started: bool


def campaign_status(start: date, end: date, as_of: date) -> str:
    """'planned' before the start, 'running' until the end, else 'ended'."""
    return "planned" if as_of < start else "running" if as_of <= end else "ended"


def measure_campaign(
    con: duckdb.DuckDBPyConnection, campaign_id: str, as_of: date, cfg: TierRules, winsorize_at: float | None = None
) -> CampaignResult:
    """Outcomes up to min(end, as_of); interim when the campaign's end is after `as_of`."""
    record = campaign_record(con, campaign_id)
    start, end = record["start"], record["end"]
    measured_end = min(end, as_of)
    if as_of < start:
        return CampaignResult(record, None, None, pd.DataFrame(), measured_end, True, True)
    listed = campaign_members(con, campaign_id)
    dataset_id = record["dataset_id"]
    daily = daily_revenue(con, dataset_id, listed, start, measured_end)
    if (listed["group"] == "control").any():
        outcomes = campaign_outcomes(con, dataset_id, listed, start, measured_end)
        report = lift_report(outcomes, float(record["holdout_share"]), winsorize_at=winsorize_at)
        return CampaignResult(record, report, None, daily, measured_end, measured_end < end, False)
    before = tier_table(con, dataset_id, start - timedelta(days=1), cfg)
    treated, comparison = did_frames(con, dataset_id, listed, before, start, measured_end)
    did = did_estimate(treated["pre"], treated["post"], comparison["pre"], comparison["post"])
    return CampaignResult(record, None, did, daily, measured_end, measured_end < end, False)
