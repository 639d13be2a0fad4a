"""The tier rules of the spec (shared/spec/tiers.md), written once, over customer facts for any number of dates.

Declared as data: the populations, the RFM scores, the member groups with their cut points, the R x F grid, the
eight classes and the lifecycle. `rules_ctes(cfg)` turns them into SQL over a `customers` relation that follows
segcore.engine.facts' contract; every statistic is taken per snapshot `idx`, so one date and many dates run the
same SQL.

Ranks (RANK(): ties share the smallest rank) never sort the customers: each ranked value gets a histogram per
snapshot (value, customers with it) and cumulative counts, `below` = customers with a smaller value and `above` =
with a larger one. Then
- score >= s  <=>  k * (rank - 1) >= (s - 1) * n, with rank - 1 = below (above for recency, ranked descending);
  the cut point of s is the smallest value (largest for recency) that passes;
- "top p over Q" (rank by X descending <= ceil(p * n))  <=>  above < p * n; "bottom p"  <=>  below < p * n.
Ties always share a score and a group, and every comparison is exact (integers, or DECIMAL money and shares).

The SQL is a portable subset (GROUP BY, FILTER aggregates, window sums, CASE, DECIMAL): no lists, lambdas,
percentiles or DuckDB-only functions, so the same rules can run on Spark (tests/test_engine_portable.py).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from segcore import tier_rules
from segcore.keys import CN8_SEGMENTS, GROUP_KEYS, LIFECYCLES, RFM_SEGMENTS
from segcore.tier_rules import TierRules

__all__ = [
    "CN8_CLASSES",
    "CN8_SEGMENTS",
    "CODED_OUTPUTS",
    "GROUPS",
    "LIFECYCLES",
    "LIFECYCLE_RULES",
    "RFM_GRID",
    "RFM_SEGMENTS",
    "Group",
    "ShareCut",
    "rule_params",
    "rules_ctes",
]

# The spec's R x F grid: RFM_GRID[r - 1][f - 1] for 5-grid scores r, f (row r = 1 first).
_HIB, _RISK, _SLEEP, _PL = "hibernating", "at_risk", "about_to_sleep", "potential_loyalists"
RFM_GRID = (
    (_HIB, _HIB, _RISK, _RISK, "cannot_lose"),
    (_HIB, _HIB, _RISK, _RISK, "cannot_lose"),
    (_SLEEP, _SLEEP, "need_attention", "loyal_customers", "loyal_customers"),
    ("promising", _PL, _PL, "loyal_customers", "loyal_customers"),
    ("new_customers", _PL, _PL, "champions", "champions"),
)

# The eight classes: (key, recent, f_high, m_high), in the spec's order.
CN8_CLASSES = (
    ("important_value", True, True, True),
    ("important_develop", True, False, True),
    ("important_keep", False, True, True),
    ("important_winback", False, False, True),
    ("general_value", True, True, False),
    ("general_develop", True, False, False),
    ("general_keep", False, True, False),
    ("general_winback", False, False, False),
)
assert tuple(key for key, *_ in CN8_CLASSES) == CN8_SEGMENTS

# The lifecycle: the first rule that matches, for a customer with a purchase (`potential` is the member without one).
LIFECYCLE_RULES = (
    ("new", "tenure_days <= $lifecycle_new_days"),
    ("churned", "recency_days > $lifecycle_churned_days"),
    ("at_risk", "recency_days > $lifecycle_at_risk_days"),
    ("loyal", "purchases_lifecycle >= $lifecycle_loyal_purchases"),
    ("active", "true"),
)
assert ("potential", *(key for key, _ in LIFECYCLE_RULES)) == LIFECYCLES

# Who is ranked: the scored population (RFM), P (groups on spend) and Q (groups on promo spend).
_POPULATIONS = {
    "is_scored": "frequency >= 1",
    "in_p": "orders_w >= 1 and spend_w > 0",
    "in_q": "$has_promo and orders_w >= 1 and promo_spend_w > 0",
}

# Per snapshot: population sizes and sums (the cn8 means and the high_ticket average).
_STATS = {
    "n_scored": "count(*) filter (where is_scored)",
    "sum_recency": "sum(recency_days) filter (where is_scored)",
    "sum_frequency": "sum(frequency) filter (where is_scored)",
    "sum_monetary": "sum(monetary) filter (where is_scored)",
    "p_spend": "coalesce(sum(spend_w) filter (where in_p), 0)",
    "p_orders": "coalesce(sum(orders_w) filter (where in_p), 0)",
}


@dataclass(frozen=True)
class ShareCut:
    """In the top (or bottom) `share` of `value` over `population`: value >= the cut (<= for the bottom)."""

    value: str
    population: str
    share: str  # the TierRules field
    top: bool = True


@dataclass(frozen=True)
class Group:
    """A member group: its key, the cut point it needs (if any) and its rule over the facts; {cut} is the cut."""

    key: str
    rule: str
    cut: ShareCut | None = None
    needs_promo: bool = False


GROUPS = (
    Group("high_spend", "in_p and spend_w >= {cut}", ShareCut("spend_w", "in_p", "high_spend_share")),
    Group("high_ticket", "in_p and spend_w * p_orders >= $high_ticket_factor * p_spend * orders_w"),
    Group(
        "loyal",
        "in_p and spend_w >= {cut} and orders_w >= $loyal_min_orders and recency_days <= $loyal_max_recency_days"
        " and first_w_age - recency_days <= $loyal_max_gap_days * (orders_w - 1)",
        ShareCut("spend_w", "in_p", "loyal_share"),
    ),
    Group(
        "promo_frequent",
        "in_q and promo_spend_w >= {cut}",
        ShareCut("promo_spend_w", "in_q", "promo_frequent_share"),
        needs_promo=True,
    ),
    Group(
        "promo_chaser",
        "in_q and promo_spend_w <= {cut} and promo_spend_w >= $promo_chaser_min_promo_share * spend_w",
        ShareCut("promo_spend_w", "in_q", "promo_chaser_share", top=False),
        needs_promo=True,
    ),
    Group(
        "silent",
        "recency_days <= $sleeping_days and tenure_days >= $silent_min_tenure_days"
        " and purchases_recent * tenure_days < $silent_rate * purchases",
    ),
    Group("sleeping", "recency_days > $sleeping_days"),
)
assert tuple(group.key for group in GROUPS) == GROUP_KEYS

# The RFM scores: (score column, ranked value, ranked descending: the longest ago ranks first for recency).
_SCORES = (("r_score", "recency_days", True), ("f_score", "frequency", False), ("m_score", "monetary", False))


# ---------------------------------------------------------------- the SQL


def _histogram_ctes(name: str, value: str, population: str, cuts: dict[str, str]) -> str:
    """The histogram of `value` over `population` per idx, its cumulative counts and the named cut points.

    The cumulative counts are one running sum over all snapshots in (idx, value) order, less the customers of the
    snapshots before: a window partitioned by idx costs three times as much in DuckDB (bench/RESULTS.md, Migration).
    """
    running = "sum(cnt) over (order by idx, value rows between unbounded preceding and current row)"
    cut_columns = ",\n           ".join(f"{expr} as {cut}" for cut, expr in cuts.items())
    return f"""
{name}_histogram as (
    select idx, {value} as value, count(*) as cnt
    from populations
    where {population}
    group by idx, {value}
),
{name}_sizes as (
    select idx, n, sum(n) over (order by idx rows between unbounded preceding and current row) - n as before
    from (
        select idx, sum(cnt) as n
        from {name}_histogram
        group by idx
    ) as sizes
),
{name}_running as (
    select idx, value, cnt, {running} as running
    from {name}_histogram
),
{name}_ranked as (
    select idx,
           value,
           running - before - cnt as below,
           n + before - running as above,
           n
    from {name}_running
    join {name}_sizes using (idx)
),
{name}_cuts as (
    select idx,
           {cut_columns}
    from {name}_ranked
    group by idx
)"""


def _cut_plan(
    bins: int, scores: Collection[str] | None = None, groups: Collection[str] | None = None
) -> dict[tuple[str, str], dict[str, str]]:
    """The cut points of `scores` and `groups` (None: all), by the (value, population) histogram each is read from:
    cut column -> aggregate."""
    plan: dict[tuple[str, str], dict[str, str]] = {}
    for score, value, descending in _SCORES:
        if scores is not None and score not in scores:
            continue
        side, agg = ("above", "max") if descending else ("below", "min")
        cuts = plan.setdefault((value, "is_scored"), {})
        for s in range(2, bins + 1):
            cuts[f"{score}_cut{s}"] = f"{agg}(value) filter (where {bins} * {side} >= {s - 1} * n)"
    for group in GROUPS:
        if group.cut is not None and (groups is None or group.key in groups):
            side, agg = ("above", "min") if group.cut.top else ("below", "max")
            cuts = plan.setdefault((group.cut.value, group.cut.population), {})
            cuts[f"{group.key}_cut"] = f"{agg}(value) filter (where {side} < ${group.cut.share} * n)"
    return plan


def _score_sql(score: str, value: str, descending: bool, bins: int) -> str:
    """1 + the number of cut points the value passes (a missing cut point is not passed)."""
    test = "<=" if descending else ">="
    passed = (f"coalesce(cast({value} {test} {score}_cut{s} as integer), 0)" for s in range(2, bins + 1))
    return "case when is_scored then 1 + " + " + ".join(passed) + " end"


def _grid_sql(score: str, bins: int) -> str:
    """The score on the spec's 5-grid: ceil(score * 5 / k), as a CASE over the k scores."""
    if bins == 5:
        return score
    cells = " ".join(f"when {s} then {-(-s * 5 // bins)}" for s in range(1, bins + 1))
    return f"case {score} {cells} end"


def _rfm_sql(bins: int) -> str:
    """The position of the customer's R x F cell in RFM_SEGMENTS (1-based), NULL when unscored."""
    r5, f5 = _grid_sql("r_score", bins), _grid_sql("f_score", bins)
    rows = []
    for r, row in enumerate(RFM_GRID, start=1):
        cells = " ".join(f"when {f} then {RFM_SEGMENTS.index(cell) + 1}" for f, cell in enumerate(row, start=1))
        rows.append(f"when {r} then case {f5} {cells} end")
    return f"case {r5} " + " ".join(rows) + " end"


def _cn8_sql() -> str:
    """The position of the customer's class in CN8_SEGMENTS (1-based), NULL when unscored."""

    def flag(column: str, on: bool) -> str:
        return column if on else f"not {column}"

    cases = " ".join(
        f"when {flag('is_recent', recent)} and {flag('is_f_high', f_high)} and {flag('is_m_high', m_high)}"
        f" then {position}"
        for position, (_, recent, f_high, m_high) in enumerate(CN8_CLASSES, start=1)
    )
    return f"case when is_scored then case {cases} end end"


def _lifecycle_sql() -> str:
    """The position in LIFECYCLES (1-based), NULL for a non-member without a purchase."""
    rules = " ".join(f"when {rule} then {LIFECYCLES.index(key) + 1}" for key, rule in LIFECYCLE_RULES)
    return f"case when recency_days is null then case when is_member then 1 end {rules} end"


def _tier_sql(tier_order: tuple[str, ...]) -> str:
    """1..7 the first of the customer's groups in the tier order, 8 regular, 9 potential, NULL none."""
    firsts = " ".join(f"when {key} then {position}" for position, key in enumerate(tier_order, start=1))
    regular, potential = len(tier_order) + 1, len(tier_order) + 2
    return f"case when recency_days is null then case when is_member then {potential} end {firsts} else {regular} end"


def _groups_mask_sql() -> str:
    """Bit i set <=> in the group GROUPS[i]."""
    return " + ".join(f"{2**bit} * coalesce(cast({group.key} as integer), 0)" for bit, group in enumerate(GROUPS))


def _group_sql(group: Group) -> str:
    rule = group.rule.replace("{cut}", f"{group.key}_cut")
    test = f"coalesce({rule}, false)"
    return f"case when $has_promo then {test} end" if group.needs_promo else test


# What each coded output needs: the scores, the cn8 flags and the groups behind it (None: every group).
CODED_OUTPUTS = ("rfm_code", "cn8_code", "lifecycle_code", "tier_code", "groups_mask")


def _needs(cfg: TierRules, outputs: Collection[str] | None) -> tuple[set[str], bool, set[str]]:
    """(scores, cn8 flags?, groups) that the coded `outputs` (CODED_OUTPUTS or group keys; None: all) read."""
    if outputs is None:
        return {score for score, *_ in _SCORES}, True, {group.key for group in GROUPS}
    unknown = set(outputs) - set(CODED_OUTPUTS) - set(GROUP_KEYS)
    if unknown:
        raise ValueError(f"unknown rule outputs: {sorted(unknown)}")
    scores = {"r_score", "f_score"} if "rfm_code" in outputs else set()
    groups = {key for key in outputs if key in GROUP_KEYS}
    if "tier_code" in outputs:
        groups |= set(cfg.tier_order)
    if "groups_mask" in outputs:
        groups |= set(GROUP_KEYS)
    return scores, "cn8_code" in outputs, groups


def rules_ctes(cfg: TierRules, outputs: Collection[str] | None = None) -> str:
    """`, populations as (...), ..., ruled as (...)`: to append to CTEs that end with `customers` (the facts).

    `ruled` has every fact column plus r_score, f_score, m_score, is_recent, is_f_high, is_m_high, one boolean per
    group (NULL for a promo group without promo data), and the coded columns rfm_code, cn8_code, lifecycle_code,
    tier_code (positions in RFM_SEGMENTS, CN8_SEGMENTS, LIFECYCLES, tier order + regular + potential; NULL for
    none) and groups_mask.

    With `outputs` (names from CODED_OUTPUTS and group keys), `ruled` has those columns and only the statistics,
    histograms and cut points they need are built: the SQL of each rule is the same, fewer rules are generated
    (DuckDB evaluates an unused histogram and its join all the same).
    """
    scores_needed, cn8_needed, groups_needed = _needs(cfg, outputs)
    populations = ",\n           ".join(f"{sql} as {name}" for name, sql in _POPULATIONS.items())
    plan = _cut_plan(cfg.rfm_bins, scores_needed, groups_needed)
    names = {key: f"h{i}" for i, key in enumerate(plan)}
    histograms = "".join(_histogram_ctes(names[key], key[0], key[1], cuts) + "," for key, cuts in plan.items())
    joins = "".join(f"\n    left join {name}_cuts using (idx)" for name in names.values())
    columns = [
        f"{_score_sql(score, value, desc, cfg.rfm_bins)} as {score}"
        for score, value, desc in _SCORES
        if score in scores_needed
    ]
    if cn8_needed:
        columns += [
            "recency_days * n_scored < sum_recency as is_recent",
            "frequency * n_scored > sum_frequency as is_f_high",
            "monetary * n_scored > sum_monetary as is_m_high",
        ]
    columns += [f"{_group_sql(group)} as {group.key}" for group in GROUPS if group.key in groups_needed]
    coded = {
        "rfm_code": _rfm_sql(cfg.rfm_bins),
        "cn8_code": _cn8_sql(),
        "lifecycle_code": _lifecycle_sql(),
        "tier_code": _tier_sql(cfg.tier_order),
        "groups_mask": _groups_mask_sql(),
    }
    codes = [f"{sql} as {name}" for name, sql in coded.items() if outputs is None or name in outputs]
    # the population statistics the chosen rules read (every snapshot keeps a row: count(*))
    used = " ".join(columns)
    stats = [f"{sql} as {name}" for name, sql in _STATS.items() if re.search(rf"\b{name}\b", used)]
    stats_sql = ",\n           ".join(["count(*) as n_customers", *stats])
    scored = ",\n           ".join(["populations.*", *columns]) if columns else "populations.*"
    ruled = ",\n           ".join(["*", *codes])
    return f""",
populations as (
    select *,
           {populations}
    from customers
),
stats as (
    select idx,
           {stats_sql}
    from populations
    group by idx
),{histograms}
cuts as (
    select *
    from stats{joins}
),
scored as (
    select {scored}
    from populations
    join cuts using (idx)
),
ruled as (
    select {ruled}
    from scored
)"""


def rule_params(cfg: TierRules) -> dict[str, Any]:
    """The config as bound parameters: fractional settings as exact decimals (6 places), plus derived values."""
    problems = tier_rules.validate(cfg)
    if problems:
        raise ValueError("invalid tier config: " + ", ".join(f"{p.field} ({p.code})" for p in problems))
    params: dict[str, Any] = {}
    for name, value in vars(cfg).items():
        if isinstance(value, float):
            params[name] = Decimal(repr(value)).quantize(Decimal("0.000001"))
        elif not isinstance(value, tuple):  # the tier order is written into the SQL
            params[name] = value
    params["silent_rate"] = params["silent_ratio"] * cfg.silent_recent_days  # exact: a decimal times an integer
    return params
