"""The Targets page builds the candidate table once and filters it per change (ui.cached.filter_candidates): the
same list as segcore.targets.build_list for every rule, exclusion and channel, on the demo store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore.sql import NO_EXTENSIONS
from segcore.targets import Exclusion, Rule, build_list, candidates, parse_rule
from segcore.tier_rules import DEFAULT_RULES
from ui.cached import filter_candidates

AS_OF = date(2026, 11, 15)


@pytest.fixture(scope="module")
def demo(demo_workspace_file: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_workspace_file), read_only=True, config=NO_EXTENSIONS)
    yield con
    con.close()


@pytest.fixture(scope="module")
def built(demo: duckdb.DuckDBPyConnection):
    table = candidates(demo, "demo", AS_OF, DEFAULT_RULES)
    return demo.sql(f"select * from {table} order by customer_id").to_arrow_table()


@pytest.mark.parametrize(
    ("rules", "exclusions", "channel"),
    [
        pytest.param([], [], "sms", id="everyone"),
        pytest.param(["tier in high_spend,loyal"], [Exclusion("unreachable")], "sms", id="tiers-sms"),
        pytest.param(["recency_days between 30,180", "monetary >= 500"], [], "phone", id="ranges"),
        pytest.param(["groups in promo_chaser"], [Exclusion("promo_chaser")], "wechat", id="promo-chasers-removed"),
        pytest.param(["birthday_month = next"], [Exclusion("unreachable")], "wechat", id="relative-month"),
        pytest.param(
            ["lifecycle in active,at_risk"],
            [
                Exclusion("contacted_within_days", 30),
                Exclusion("manual", ("C000001", "C000002", "x")),
                Exclusion("unreachable"),
            ],
            "sms",
            id="every-exclusion",
        ),
        pytest.param(["monetary >= 100000000"], [Exclusion("unreachable")], "store", id="empty"),
    ],
)
def test_filtering_the_cached_candidates_equals_build_list(demo, built, rules, exclusions, channel):
    typed = [parse_rule(r) for r in rules]
    expected = build_list(demo, "demo", AS_OF, DEFAULT_RULES, typed, exclusions, channel)
    got = filter_candidates(demo, built, "demo", AS_OF, typed, exclusions, channel)
    assert (got.matched, got.removed, got.warnings, got.id_lists, got.rules, got.channel) == (
        expected.matched,
        expected.removed,
        expected.warnings,
        expected.id_lists,
        expected.rules,
        expected.channel,
    )
    pd.testing.assert_frame_equal(got.rows, expected.rows)


def test_a_rule_that_is_not_a_field_is_refused(demo, built):
    with pytest.raises(Exception, match="nope"):
        filter_candidates(demo, built, "demo", AS_OF, [Rule("nope", "=", 1)])
