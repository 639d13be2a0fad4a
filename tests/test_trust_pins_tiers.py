"""high_ticket, loyal, silent, sleeping, lifecycle and the eight-class segment against an independent reading of the
spec (shared/spec/tiers.md): a plain-Python oracle, property-tested on random small stores, plus hand-built stores
whose expected values are worked out by hand below.

The oracle never calls segcore's tier code. Where the spec is silent it follows the documented decisions of
segcore/tiers.py: a members-file row with join_date after D is ignored; a non-member whose lines never make a
purchase has no lifecycle (None); `silent` also requires recency_days <= 365 (the spec's own first condition).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_tiers_properties import SETTINGS, D, run

# --------------------------------------------------------------------------------------------- the oracle


@dataclass
class Customer:
    """What the spec says about one customer as of D."""

    recency_days: int | None
    first_purchase: date | None
    high_ticket: bool
    loyal: bool
    silent: bool
    sleeping: bool
    lifecycle: str | None
    cn8_segment: str | None


CN8 = {  # (recent, f_high, m_high) -> key, the spec's table
    (True, True, True): "important_value",
    (True, False, True): "important_develop",
    (False, True, True): "important_keep",
    (False, False, True): "important_winback",
    (True, True, False): "general_value",
    (True, False, False): "general_develop",
    (False, True, False): "general_keep",
    (False, False, False): "general_winback",
}


def oracle(lines: list[tuple], members: list[tuple]) -> dict[str, Customer]:
    """The spec's rules, one customer at a time. lines: (customer, order_id, days before D, hour, amount, promo);
    members: (customer, days before D that they joined, or None)."""
    seen = [line for line in lines if line[2] >= 0]  # on or before D; any hour of D itself counts
    # an order is (customer, order_id), or (customer, day) without one; dated by its earliest line
    orders: dict[tuple, list[tuple]] = {}
    for line in seen:
        customer, order_id, age = line[0], line[1], line[2]
        key = (customer, "id", order_id) if order_id is not None else (customer, "day", age)
        orders.setdefault(key, []).append(line)
    purchases: dict[str, list[int]] = {}  # customer -> ages of its purchases (orders of value > 0)
    for (customer, _, _), order_lines in orders.items():
        if sum(Decimal(line[4]) for line in order_lines) > 0:
            purchases.setdefault(customer, []).append(max(line[2] for line in order_lines))
    member_set = {c for c, joined in members if joined is None or joined >= 0}
    everyone = sorted({line[0] for line in seen} | member_set)

    def spend(customer: str, window: int) -> Decimal:  # net spend, by each line's own date
        return sum((Decimal(line[4]) for line in seen if line[0] == customer and line[2] < window), Decimal(0))

    def bought(customer: str, window: int) -> int:  # purchases, by the order's date
        return sum(1 for age in purchases.get(customer, []) if age < window)

    # the eight classes: means over the scored population (frequency >= 1), exact
    scored = [c for c in everyone if bought(c, 730) >= 1]
    if scored:
        mean_r = Fraction(sum(min(purchases[c]) for c in scored), len(scored))
        mean_f = Fraction(sum(bought(c, 730) for c in scored), len(scored))
        mean_m = Fraction(sum(spend(c, 730) for c in scored)) / len(scored)
    # member groups: population P and the high-ticket bar, exact
    in_p = [c for c in everyone if bought(c, 365) >= 1 and spend(c, 365) > 0]
    bar = 2 * Fraction(sum(spend(c, 365) for c in in_p)) / sum(bought(c, 365) for c in in_p) if in_p else None
    top_half = math.ceil(Fraction(1, 2) * len(in_p))

    out = {}
    for c in everyone:
        ages = purchases.get(c, [])
        if not ages:
            out[c] = Customer(None, None, False, False, False, False, "potential" if c in member_set else None, None)
            continue
        recency, tenure = min(ages), max(ages)
        orders_w, spend_w = bought(c, 365), spend(c, 365)
        high_ticket = c in in_p and Fraction(spend_w) / orders_w >= bar
        rank = 1 + sum(1 for other in in_p if spend(other, 365) > spend_w)  # RANK() by spend_w descending
        loyal = (
            c in in_p
            and rank <= top_half
            and orders_w >= 2
            and recency <= 180
            and Fraction(max(a for a in ages if a < 365) - recency, orders_w - 1) <= 180
        )
        silent = (
            recency <= 365 and tenure >= 365 and bought(c, 182) < Fraction(1, 2) * len(ages) * Fraction(182, tenure)
        )
        if tenure <= 90:
            lifecycle = "new"
        elif recency > 365:
            lifecycle = "churned"
        elif recency > 180:
            lifecycle = "at_risk"
        elif bought(c, 365) >= 4:
            lifecycle = "loyal"
        else:
            lifecycle = "active"
        cn8 = None
        if c in scored:
            cn8 = CN8[(recency < mean_r, bought(c, 730) > mean_f, spend(c, 730) > mean_m)]
        first = D - timedelta(days=tenure)
        out[c] = Customer(recency, first, high_ticket, loyal, silent, recency > 365, lifecycle, cn8)
    return out


def engine(lines: list[tuple], members: list[tuple]) -> dict[str, Customer]:
    """segcore's tier table of the same store, in the oracle's shape."""
    df = run(lines, members)

    def flag(value: object) -> bool:
        return bool(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else False

    out = {}
    for row in df.to_dict("records"):
        recency = None if row["recency_days"] is None or math.isnan(row["recency_days"]) else int(row["recency_days"])
        first = None if recency is None else row["first_purchase"]
        if first is not None and hasattr(first, "date"):
            first = first.date()
        out[row["customer_id"]] = Customer(
            recency,
            first,
            flag(row["high_ticket"]),
            flag(row["loyal"]),
            flag(row["silent"]),
            flag(row["sleeping"]),
            row["lifecycle"],
            row["cn8_segment"],
        )
    return out


# ----------------------------------------------------------------------------------- property: engine == oracle

customers = st.sampled_from("abcdef")
ages = st.one_of(  # days before D: mostly near the windows' edges, where the rules change their answer
    st.integers(min_value=-2, max_value=800),
    st.sampled_from([0, 89, 90, 91, 179, 180, 181, 182, 183, 364, 365, 366, 729, 730]),
)
amounts = st.one_of(
    st.decimals(min_value=1, max_value=300, places=2),
    st.sampled_from([Decimal("100.00"), Decimal("50.00"), Decimal("200.00")]),  # ties
    st.decimals(min_value=-60, max_value=60, places=2),
)
line = st.tuples(customers, st.sampled_from([None, "o1", "o2", "o3", "o4"]), ages, st.integers(0, 23), amounts,
                 st.sampled_from([None, True, False]))  # fmt: skip
frequent = st.tuples(st.just("f"), st.sampled_from([None, "p1", "p2", "p3", "p4", "p5", "p6"]), st.integers(0, 400),
                     st.integers(0, 23), amounts, st.sampled_from([None, True, False]))  # fmt: skip
stores = st.builds(lambda some, many: some + many, st.lists(line, max_size=35), st.lists(frequent, max_size=8))
member_rows = st.lists(st.tuples(st.sampled_from("abcdefgh"), st.one_of(st.none(), st.integers(-30, 800))), max_size=4)


@SETTINGS
@given(lines=stores, members=member_rows)
def test_groups_lifecycle_and_cn8_match_the_spec_oracle(lines, members):
    assert engine(lines, members) == oracle(lines, members)


# ------------------------------------------------------------------------- hand-built stores, worked out by hand


def test_the_oracle_can_tell_every_rule_apart():
    """Guard against a vacuous oracle: on STORE it gives the hand-worked answers of EXPECTED."""
    assert {c: _view(v) for c, v in oracle(STORE, STORE_MEMBERS).items()} == EXPECTED


# (customer, order_id, days before D = 2024-06-30, hour, amount, promo)
STORE = [
    # ann: 4 purchases in the last year, 10-100 days ago; first purchase 400 days ago -> loyal lifecycle
    ("ann", "a1", 400, 10, "100.00", None),
    ("ann", "a2", 100, 10, "100.00", None),
    ("ann", "a3", 70, 10, "100.00", None),
    ("ann", "a4", 40, 10, "100.00", None),
    ("ann", "a5", 10, 10, "100.00", None),
    # bob: one big order 20 days ago (aov 900), first purchase 20 days ago -> new, high ticket
    ("bob", "b1", 20, 10, "900.00", None),
    # cat: purchases 500, 400 and 100 days ago: 1 purchase in the last 182 days, not < 0.5 * 3 * 182 / 500 = 0.546,
    #      so not silent (dan is)
    ("cat", "c1", 500, 10, "60.00", None),
    ("cat", "c2", 400, 10, "60.00", None),
    ("cat", "c3", 100, 10, "60.00", None),
    # dan: 4 purchases 700..400 days ago, one 200 days ago: 0 in the last 182 days < 0.5 * 5 * 182 / 700 -> silent;
    #      recency 200 -> lifecycle at_risk
    ("dan", "d1", 700, 10, "50.00", None),
    ("dan", "d2", 600, 10, "50.00", None),
    ("dan", "d3", 500, 10, "50.00", None),
    ("dan", "d4", 400, 10, "50.00", None),
    ("dan", "d5", 200, 10, "50.00", None),
    # eve: last purchase 366 days ago -> sleeping, churned
    ("eve", "e1", 366, 10, "80.00", None),
    # fay: an order refunded in full (no purchase) and a member -> potential; gus: same, not a member -> None
    ("fay", "f1", 30, 10, "70.00", None),
    ("fay", "f1", 29, 10, "-70.00", None),
    ("gus", "g1", 30, 10, "70.00", None),
    ("gus", "g1", 29, 10, "-70.00", None),
    # hal: two purchases 170 and 30 days ago (gap 140), first 170 days ago -> active; spend 2 x 150 = 300
    ("hal", "h1", 170, 10, "150.00", None),
    ("hal", "h2", 30, 10, "150.00", None),
]
STORE_MEMBERS = [("fay", 100), ("ivy", None), ("jon", -5)]  # jon joins after D: not a customer yet


def _view(c: Customer) -> tuple:
    groups = [name for name in ("high_ticket", "loyal", "silent", "sleeping") if getattr(c, name)]
    return (c.lifecycle, c.cn8_segment, ";".join(groups))


# Worked out by hand. Scored population (a purchase in 730 days): ann bob cat dan eve hal (n = 6).
#   recency: ann 10, bob 20, cat 100, dan 200, eve 366, hal 30 -> mean 726 / 6 = 121: recent = ann bob cat hal
#   frequency: 5, 1, 3, 5, 1, 2 -> mean 17 / 6 = 2.83: f_high = ann cat dan
#   monetary: 500, 900, 180, 250, 80, 300 -> mean 2210 / 6 = 368.3: m_high = ann bob
# P (a purchase in 365 days and spend_w > 0): ann (400, 4 orders), bob (900, 1), cat (60, 1), dan (50, 1), hal (300, 2)
#   high-ticket bar: 2 x 1710 / 9 = 380: aov ann 100, bob 900, cat 60, dan 50, hal 150 -> bob only
#   top 50% of P by spend_w: ceil(2.5) = 3: bob, ann, hal; loyal also needs >= 2 orders, recency <= 180 and a mean
#   gap <= 180: ann (gap (100 - 10) / 3 = 30) and hal (gap 140)
# silent: recency <= 365 and first purchase >= 365 days ago: ann (4 in 182 days, not < 0.5 * 5 * 182 / 400 = 1.14),
#   cat (1, not < 0.546), dan (0 < 0.65: silent)
EXPECTED = {
    "ann": ("loyal", "important_value", "loyal"),  # 4 purchases within 365 days, first 400 days ago
    "bob": ("new", "important_develop", "high_ticket"),
    "cat": ("active", "general_value", ""),
    "dan": ("at_risk", "general_keep", "silent"),
    "eve": ("churned", "general_winback", "sleeping"),
    "fay": ("potential", None, ""),
    "gus": (None, None, ""),
    "hal": ("active", "general_develop", "loyal"),
    "ivy": ("potential", None, ""),
}


def test_hand_built_store_gives_the_hand_worked_groups_lifecycle_and_cn8():
    assert {c: _view(v) for c, v in engine(STORE, STORE_MEMBERS).items()} == EXPECTED


@pytest.mark.parametrize(
    "lines, customer, expected",
    [
        # high ticket: aov exactly 2 x the mean order value is in (>=); a cent less is out
        pytest.param([("x", "1", 5, 9, "400.00", None), ("y", "2", 6, 9, "100.00", None),
                      ("y", "3", 7, 9, "100.00", None)], "x", ("new", "important_develop", "high_ticket"),
                     id="high-ticket-at-the-bar"),  # bar 2 x 600 / 3 = 400
        pytest.param([("x", "1", 5, 9, "399.99", None), ("y", "2", 6, 9, "100.00", None),
                      ("y", "3", 7, 9, "100.00", None)], "x", ("new", "important_develop", ""),
                     id="high-ticket-a-cent-below"),  # bar 2 x 599.99 / 3 = 399.993
        # loyal: mean gap exactly 180 days is in; 181 is out (recency 10, two orders)
        pytest.param([("x", "1", 190, 9, "50.00", None), ("x", "2", 10, 9, "50.00", None)], "x",
                     ("active", "general_winback", "loyal"), id="loyal-gap-180"),
        pytest.param([("x", "1", 191, 9, "50.00", None), ("x", "2", 10, 9, "50.00", None)], "x",
                     ("active", "general_winback", ""), id="loyal-gap-181"),
        # sleeping / churned start at 366 days; at 365 a lone purchase is at_risk and silent (0 < 0.5 * 1 * 182 / 365)
        pytest.param([("x", "1", 365, 9, "50.00", None)], "x", ("at_risk", "general_winback", "silent"),
                     id="recency-365"),
        pytest.param([("x", "1", 366, 9, "50.00", None)], "x", ("churned", "general_winback", "sleeping"),
                     id="recency-366"),
        # silent at 365 days: first purchase exactly 365 days ago, nothing in 182 days (0 < 0.5 * 2 * 182 / 365)
        pytest.param([("x", "1", 365, 9, "50.00", None), ("x", "2", 200, 9, "50.00", None)], "x",
                     ("at_risk", "general_winback", "silent"), id="silent-tenure-365"),
        pytest.param([("x", "1", 364, 9, "50.00", None), ("x", "2", 200, 9, "50.00", None)], "x",
                     ("at_risk", "general_winback", ""), id="silent-tenure-364"),
        # new: first purchase exactly 90 days ago is new, 91 is not
        pytest.param([("x", "1", 90, 9, "50.00", None)], "x", ("new", "general_winback", ""), id="new-90"),
        pytest.param([("x", "1", 91, 9, "50.00", None)], "x", ("active", "general_winback", ""), id="new-91"),
        # lifecycle loyal: 4 purchases within 365 days (the first 364 days ago); also the loyal group (mean gap 88)
        pytest.param([("x", str(k), age, 9, "50.00", None) for k, age in enumerate((364, 300, 200, 100))], "x",
                     ("loyal", "general_winback", "loyal"), id="four-purchases-in-365"),
        # the first 365 days ago: 3 in the window -> active; loyal group on 3 orders (gap 100); not silent
        # (1 purchase in 182 days, not < 0.5 * 4 * 182 / 365 = 0.997)
        pytest.param([("x", str(k), age, 9, "50.00", None) for k, age in enumerate((365, 300, 200, 100))], "x",
                     ("active", "general_winback", "loyal"), id="the-fourth-one-365-days-ago"),
    ],
)  # fmt: skip
def test_edges_of_each_rule(lines, customer, expected):
    # a lone scored customer is never strictly above (or below) the mean: general_winback
    assert _view(engine(lines, [])[customer]) == expected
    assert _view(oracle(lines, [])[customer]) == expected
