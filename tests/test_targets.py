"""Target lists: rule parsing, the WHERE clause builder, every field and exclusion on a hand-built store, the CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from segcore.access import owner
from segcore.campaigns import import_campaign
from segcore.catalog import CATALOG
from segcore.errors import InputError
from segcore.targets import (
    FIELDS,
    Exclusion,
    Rule,
    build_list,
    candidates,
    default_exclusions,
    describe,
    describe_exclusion,
    expected_reach,
    list_size,
    parse_exclusion,
    parse_rule,
    rules_from_json,
    rules_to_json,
    rules_to_sql,
    sample_rows,
    tier_mix,
)

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

ROOT = Path(__file__).resolve().parents[1]
D = date(2024, 6, 30)  # the as-of date of every test
EVERYONE = ["ann", "bob", "cat", "dan", "eve"]

# customer_id, name, phone, gender, birthday, join_date, store, points, wechat, sms, email
MEMBERS = [
    ("ann", "安妮", "13812345678", "F", date(1990, 7, 15), date(2020, 1, 1), "上海店", 500.0, True, True, False),
    ("bob", "鲍勃", None, "M", date(1985, 6, 30), date(2023, 6, 30), "北京店", 100.0, False, True, False),
    ("cat", "凯特", "13900001111", "F", date(2000, 2, 29), date(2024, 1, 1), None, None, True, False, False),
    ("dan", "丹", "  ", None, None, date(2022, 1, 1), "上海店", None, False, False, False),
    ("fay", "菲", "13700000000", "F", None, date(2024, 7, 15), "上海店", None, True, True, True),  # joins after D
]
# customer_id, order_id, days before D, amount, is_promo, store, category
SALES = [
    ("ann", "o1", 10, "300", False, "上海店", "护肤"),
    ("ann", "o2", 100, "200", True, "上海店", "彩妆"),
    ("ann", "o3", 400, "100", False, "上海店", "香水"),
    ("bob", "o4", 200, "1000", False, "北京店", "黄金"),
    ("bob", "o5", 500, "50", False, "北京店", "护肤"),
    ("cat", "o6", 3, "80", False, "杭州店", "护肤"),
    ("cat", "o6", 3, "120", False, "杭州店", "彩妆"),
    ("cat", "o7", 60, "50", True, "上海店", "护肤"),
    ("cat", "o8", 90, "40", True, "杭州店", "护肤"),
    ("eve", "o9", 30, "60", True, "杭州店", "银饰"),
    ("eve", "o10", -5, "900", False, "杭州店", "黄金"),  # after D: never counts
]


def at(days_ago: int) -> datetime:
    return datetime.combine(D - timedelta(days=days_ago), time(12))


def add_store(con: duckdb.DuckDBPyConnection, dataset_id: str = "d", promo: bool = True) -> None:
    """The hand-built store: five customers as of D (fay joins after D), promo flags unless promo=False."""
    con.executemany(f"insert into members values ('{dataset_id}', 'm', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null)", MEMBERS)
    con.executemany(
        "insert into sales (dataset_id, load_id, line_no, customer_id, order_id, order_date, amount, is_promo, "
        "store, category) values (?, 's', ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (dataset_id, i, c, o, at(days), Decimal(a), p if promo else None, s, k)
            for i, (c, o, days, a, p, s, k) in enumerate(SALES)
        ],
    )


@pytest.fixture
def store(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    add_store(con)
    return con


def ids(con: duckdb.DuckDBPyConnection, *rules: str, exclusions: list[Exclusion] | None = None) -> list[str]:
    listed = build_list(con, "d", D, rules=[parse_rule(r) for r in rules], exclusions=exclusions or [])
    return list(listed.rows["customer_id"])


# --- the candidate table ------------------------------------------------------------------------------------


def test_candidates_have_every_field_one_row_per_customer(store: duckdb.DuckDBPyConnection) -> None:
    table = candidates(store, "d", D)
    frame = store.execute(f"select * from {table}").df()
    assert list(frame["customer_id"]) == EVERYONE  # fay joined after D; eve is a buyer, not a member
    assert set(FIELDS) <= set(frame.columns)
    row = frame.set_index("customer_id")
    assert row.loc["ann", "category_in_last_days"] == {"护肤": 10, "彩妆": 100, "香水": 400}
    assert (row.loc["cat", "store"], row.loc["cat", "last_category"]) == ("杭州店", "彩妆")  # most visits; larger line
    assert (row.loc["eve", "store"], row.loc["eve", "last_category"]) == ("杭州店", "银饰")  # the order after D is out
    assert [row.loc[c, "age"] for c in ("ann", "bob", "cat")] == [33, 39, 24]  # bob's birthday is D itself
    assert [row.loc[c, "zodiac"] for c in ("ann", "bob", "cat")] == ["horse", "ox", "dragon"]
    assert [row.loc[c, "star_sign"] for c in ("ann", "bob", "cat")] == ["cancer", "cancer", "pisces"]
    assert [row.loc[c, "promo_purchases"] for c in EVERYONE] == [1, 0, 2, 0, 1]
    assert [bool(row.loc[c, "has_phone"]) for c in EVERYONE] == [True, False, True, False, False]
    assert [row.loc[c, "tenure_days"] for c in ("bob", "cat")] == [366, 181]
    # the category of most spend (cat: 护肤 80 + 50 + 40 against 彩妆 120); eve's 黄金 is after D
    assert [row.loc[c, "top_category"] for c in ("ann", "bob", "cat", "eve")] == ["护肤", "黄金", "护肤", "银饰"]
    assert pd.isna(row.loc["dan", "top_category"])
    # promo spend / spend in the last 365 days: ann 200 / 500, cat (50 + 40) / 290, eve 60 / 60
    assert [row.loc[c, "promo_share"] for c in ("ann", "bob", "cat", "eve")] == [0.4, 0.0, 0.3103, 1.0]


def test_promo_purchases_is_missing_without_promo_flags(con: duckdb.DuckDBPyConnection) -> None:
    add_store(con, promo=False)
    candidates(con, "d", D)
    assert con.execute("select count(promo_purchases) from target_candidates").fetchone() == (0,)


# --- every field, on the hand-built store -------------------------------------------------------------------

FILTER_CASES = [
    ("tier in high_spend,loyal", ["ann", "bob"]),
    ("tier = potential", ["dan"]),
    ("tier != regular", ["ann", "bob", "dan", "eve"]),
    ("groups in silent,promo_chaser", ["bob", "eve"]),
    ("groups not in promo_chaser", ["ann", "bob", "cat", "dan"]),
    ("groups = loyal", ["ann"]),
    ("groups != high_spend", ["ann", "cat", "dan", "eve"]),
    ("lifecycle = new", ["cat", "eve"]),
    ("lifecycle in at_risk,potential", ["bob", "dan"]),
    ("rfm_segment = hibernating", ["bob", "eve"]),
    ("cn8_segment in important_value,important_winback", ["ann", "bob"]),
    ("r_score >= 3", ["ann", "cat"]),
    ("f_score = 3", ["ann", "cat"]),
    ("m_score <= 2", ["cat", "eve"]),
    ("monetary >= 600", ["ann", "bob"]),
    ("monetary between 60,290", ["cat", "eve"]),
    ("monetary > 5", ["ann", "bob", "cat", "eve"]),
    ("monetary < 290", ["dan", "eve"]),
    ("monetary >> 5", None),  # not an operator
    ("spend_w >= 500.00", ["ann", "bob"]),
    ("recency_days between 0,30", ["ann", "cat", "eve"]),
    ("recency_days in 3,200", ["bob", "cat"]),
    ("frequency >= 2", ["ann", "bob", "cat"]),
    ("gender = F", ["ann", "cat"]),
    ("gender = 女", ["ann", "cat"]),
    ("gender != M", ["ann", "cat", "dan", "eve"]),  # an unknown gender is "not M"
    ("birthday_month = next", ["ann"]),  # D is in June
    ("birthday_month = this", ["bob"]),
    ("birthday_month in 2,6", ["bob", "cat"]),
    ("age between 30,39", ["ann", "bob"]),
    ("age >= 39", ["bob"]),
    ("zodiac = 马", ["ann"]),
    ("zodiac in ox,dragon", ["bob", "cat"]),
    ("star_sign = cancer", ["ann", "bob"]),
    ("star_sign = 双鱼座", ["cat"]),
    ("join_date >= 2023-01-01", ["bob", "cat"]),
    ("join_date between 2020-01-01,2022-01-01", ["ann", "dan"]),
    ("tenure_days <= 366", ["bob", "cat"]),
    ("store = 杭州店", ["cat", "eve"]),
    ("store in 上海店,北京店", ["ann", "bob", "dan"]),
    ("store != 上海店", ["bob", "cat", "eve"]),
    ("points >= 200", ["ann"]),
    ("last_category = 彩妆", ["cat"]),
    ("last_category not in 护肤,彩妆", ["bob", "dan", "eve"]),
    ("category_in_last_days = 护肤,30", ["ann", "cat"]),
    ("category_in_last_days = 彩妆,100", ["cat"]),  # ann's 彩妆 is exactly 100 days old: not within the last 100
    ("category_in_last_days = 彩妆,101", ["ann", "cat"]),
    ("category_in_last_days != 护肤,30", ["bob", "dan", "eve"]),
    ("promo_purchases >= 1", ["ann", "cat", "eve"]),
    ("wechat = yes", ["ann", "cat"]),
    ("sms = 是", ["ann", "bob"]),
    ("email = no", EVERYONE),
    ("has_phone = yes", ["ann", "cat"]),
    ("has_phone = no", ["bob", "dan", "eve"]),
]


@pytest.mark.parametrize("rule, expected", FILTER_CASES, ids=[c[0] for c in FILTER_CASES])
def test_each_filter(store: duckdb.DuckDBPyConnection, rule: str, expected: list[str] | None) -> None:
    if expected is None:
        with pytest.raises(InputError):
            ids(store, rule)
    else:
        assert ids(store, rule) == expected


def test_rules_combine_with_and(store: duckdb.DuckDBPyConnection) -> None:
    assert ids(store, "gender = F", "recency_days <= 10") == ["ann", "cat"]
    assert ids(store, "gender = F", "recency_days <= 5") == ["cat"]
    assert ids(store, "gender = F", "tier = high_spend") == []
    assert ids(store) == EVERYONE


# --- exclusions -----------------------------------------------------------------------------------------------


def removed(con: duckdb.DuckDBPyConnection, exclusions: list[Exclusion], channel: str = "sms") -> list[int]:
    return [n for _, n in build_list(con, "d", D, exclusions=exclusions, channel=channel).removed]


@pytest.mark.parametrize(
    "channel, reachable",
    [("sms", ["ann"]), ("wechat", ["ann", "cat"]), ("phone", ["ann", "cat"]), ("store", EVERYONE)],
)
def test_unreachable_depends_on_the_channel(
    store: duckdb.DuckDBPyConnection, channel: str, reachable: list[str]
) -> None:
    listed = build_list(store, "d", D, exclusions=[Exclusion("unreachable")], channel=channel)
    assert list(listed.rows["customer_id"]) == reachable
    assert listed.removed == ((Exclusion("unreachable"), 5 - len(reachable)),)


def test_promo_chaser_and_manual_exclusions(store: duckdb.DuckDBPyConnection) -> None:
    assert ids(store, exclusions=[Exclusion("promo_chaser")]) == ["ann", "bob", "cat", "dan"]
    assert ids(store, exclusions=[Exclusion("manual", ("ann", "nobody", "cat"))]) == ["bob", "dan", "eve"]


def test_exclusions_count_in_the_order_applied(store: duckdb.DuckDBPyConnection) -> None:
    manual, unreachable = Exclusion("manual", ("ann", "eve")), Exclusion("unreachable")
    assert removed(store, [manual, unreachable]) == [2, 3]  # then bob, cat and dan cannot get an SMS
    assert removed(store, [unreachable, manual]) == [4, 1]  # only ann can, and she is on the manual list
    assert ids(store, exclusions=[unreachable, manual]) == []


def test_promo_chaser_exclusion_warns_without_promo_data(con: duckdb.DuckDBPyConnection) -> None:
    add_store(con, promo=False)
    listed = build_list(con, "d", D, exclusions=[Exclusion("promo_chaser")])
    assert listed.removed[0][1] == 0
    assert listed.warnings == ("target.warn.no_promo_data",)


def _campaign(con: duckdb.DuckDBPyConnection, dataset_id: str, name: str, start: date, who: list[str]) -> None:
    import_campaign(
        con,
        dataset_id,
        pd.DataFrame({"customer_id": who, "group": ["control"] + ["treatment"] * (len(who) - 1)}),
        name=name,
        channel="sms",
        start=start,
        end=start + timedelta(days=14),
        created_at=datetime(2024, 1, 1),
        access=OWNER,
    )


def test_contacted_within_days_reads_the_campaign_registry(store: duckdb.DuckDBPyConnection) -> None:
    assert ids(store, exclusions=[Exclusion("contacted_within_days", 30)]) == EVERYONE  # no registry yet
    _campaign(store, "d", "recent", D - timedelta(days=10), ["bob", "cat"])  # bob is its control: still excluded
    _campaign(store, "d", "older", D - timedelta(days=40), ["ann"])
    _campaign(store, "other", "elsewhere", D - timedelta(days=1), ["dan"])  # another dataset
    assert ids(store, exclusions=[Exclusion("contacted_within_days", 30)]) == ["ann", "dan", "eve"]
    assert ids(store, exclusions=[Exclusion("contacted_within_days", 41)]) == ["dan", "eve"]
    assert ids(store, exclusions=[Exclusion("contacted_within_days", 40)]) == ["ann", "dan", "eve"]  # D-40 is out


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("promo_chaser", Exclusion("promo_chaser")),
        ("unreachable", Exclusion("unreachable")),
        ("contacted_within_days=30", Exclusion("contacted_within_days", 30)),
        ("manual=a, b,,a", Exclusion("manual", ("a", "b"))),
    ],
)
def test_parse_exclusion(expr: str, expected: Exclusion) -> None:
    assert parse_exclusion(expr) == expected


@pytest.mark.parametrize("expr", ["blacklist", "contacted_within_days=soon", "contacted_within_days=0"])
def test_bad_exclusions(expr: str) -> None:
    with pytest.raises(InputError):
        parse_exclusion(expr)


def test_default_exclusions() -> None:
    assert default_exclusions(discount=True) == [Exclusion("promo_chaser"), Exclusion("unreachable")]
    assert default_exclusions(discount=False) == [Exclusion("unreachable")]


# --- preview --------------------------------------------------------------------------------------------------


def test_preview_helpers(store: duckdb.DuckDBPyConnection) -> None:
    listed = build_list(store, "d", D, rules=[parse_rule("tier != potential")], channel="wechat")
    assert list_size(listed) == 4
    assert listed.matched == 4
    assert tier_mix(listed).to_dict("records") == [
        {"tier": "high_spend", "customers": 1},
        {"tier": "loyal", "customers": 1},
        {"tier": "promo_chaser", "customers": 1},
        {"tier": "regular", "customers": 1},
    ]
    assert expected_reach(listed) == 2  # ann and cat on WeChat
    assert expected_reach(listed, "sms") == 1
    # a sample: 2 distinct customers of the list, in customer_id order; the same seed draws the same 2, and the
    # seed matters (20 seeds draw more than one of the 6 possible pairs)
    on_list = ["ann", "bob", "cat", "eve"]
    draws = {seed: list(sample_rows(listed, 2, seed=seed)["customer_id"]) for seed in range(20)}
    for seed, drawn in draws.items():
        assert len(set(drawn)) == 2 and set(drawn) <= set(on_list) and drawn == sorted(drawn)
        assert list(sample_rows(listed, 2, seed=seed)["customer_id"]) == drawn
    assert len({tuple(d) for d in draws.values()}) > 1
    assert list(sample_rows(listed, 10)["customer_id"]) == on_list  # fewer rows than asked: the whole list


# --- parsing, SQL, words --------------------------------------------------------------------------------------

PARSE_CASES = [
    ("tier in high_spend,loyal", Rule("tier", "in", ("high_spend", "loyal"))),
    ("tier in high_spend, loyal ,high_spend", Rule("tier", "in", ("high_spend", "loyal"))),
    ("birthday_month = next", Rule("birthday_month", "=", "next")),
    ("birthday_month=7", Rule("birthday_month", "=", 7)),
    ("recency_days between 30,90", Rule("recency_days", "between", (30, 90))),
    ("monetary >= 1000.50", Rule("monetary", ">=", Decimal("1000.50"))),
    ("store not in 上海店,北京店", Rule("store", "not in", ("上海店", "北京店"))),
    ("store NOT  IN 上海店", Rule("store", "not in", ("上海店",))),
    ("category_in_last_days = 护肤,30", Rule("category_in_last_days", "=", ("护肤", 30))),
    ("join_date <= 2024-01-31", Rule("join_date", "<=", date(2024, 1, 31))),
    ("wechat = yes", Rule("wechat", "=", True)),
    ("gender = 男", Rule("gender", "=", "M")),
    ("zodiac = Dragon", Rule("zodiac", "=", "dragon")),
]


@pytest.mark.parametrize("expr, expected", PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_parse_rule(expr: str, expected: Rule) -> None:
    assert parse_rule(expr) == expected


ERROR_CASES = [
    ("colour = red", "unknown_field"),
    ("tier ~ loyal", "unknown_operator"),
    ("tier like loyal", "unknown_operator"),
    ("tier == loyal", "unknown_operator"),
    ("tier", "bad_rule"),
    ("tier in", "bad_rule"),
    ("tier >= loyal", "bad_operator_for_field"),
    ("wechat in yes,no", "bad_operator_for_field"),
    ("tier = vip", "bad_rule_value"),
    ("recency_days >= soon", "bad_rule_value"),
    ("recency_days between 90,30", "bad_rule_value"),
    ("recency_days between 30", "bad_rule_value"),
    ("birthday_month = 13", "bad_rule_value"),
    ("birthday_month >= next", "bad_rule_value"),
    ("join_date >= yesterday", "bad_rule_value"),
    ("category_in_last_days = 护肤", "bad_rule_value"),
    ("category_in_last_days = 护肤,0", "bad_rule_value"),
    ("monetary >= nan", "bad_rule_value"),
]


@pytest.mark.parametrize("expr, code", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_bad_rules_are_input_errors_in_both_languages(expr: str, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_rule(expr)
    assert caught.value.code == code
    assert "\n" not in caught.value.message("en") and "\n" not in caught.value.message("zh")
    assert caught.value.message("zh") != caught.value.message("en")


SQL_CASES = [
    ([], "true", {}),
    ([Rule("tier", "=", "loyal")], '("tier" = $p0)', {"p0": "loyal"}),
    ([Rule("tier", "!=", "loyal")], '("tier" is distinct from $p0)', {"p0": "loyal"}),
    (
        [Rule("tier", "in", ("loyal", "silent")), Rule("age", "between", (20, 30))],
        '(coalesce(list_contains($p0, "tier"), false)) and ("age" between $p1 and $p2)',
        {"p0": ["loyal", "silent"], "p1": 20, "p2": 30},
    ),
    ([Rule("store", "not in", ("a",))], '(not coalesce(list_contains($p0, "store"), false))', {"p0": ["a"]}),
    ([Rule("groups", "in", ("silent",))], '(list_has_any("groups", $p0))', {"p0": ["silent"]}),
    ([Rule("groups", "=", "silent")], '(list_contains("groups", $p0))', {"p0": "silent"}),
    ([Rule("points", ">=", 100)], '("points" >= $p0)', {"p0": 100}),
    ([Rule("points", "<=", "99.5")], '("points" <= $p0)', {"p0": Decimal("99.5")}),
    (
        [Rule("category_in_last_days", "=", "护肤,30")],
        '(coalesce("category_in_last_days"[$p0] < $p1, false))',
        {"p0": "护肤", "p1": 30},
    ),
    ([Rule("birthday_month", "in", ("this", "next", 1))], '(coalesce(list_contains($p0, "birthday_month"), false))',
     {"p0": [6, 7, 1]}),
]  # fmt: skip


@pytest.mark.parametrize("rules, sql, params", SQL_CASES, ids=[str(i) for i in range(len(SQL_CASES))])
def test_rules_to_sql(rules: list[Rule], sql: str, params: dict[str, object]) -> None:
    assert rules_to_sql(rules, FIELDS, as_of=D) == (sql, params)


def test_relative_months_need_the_as_of_date() -> None:
    with pytest.raises(InputError):
        rules_to_sql([Rule("birthday_month", "=", "next")], FIELDS)
    assert rules_to_sql([Rule("birthday_month", "=", "next")], FIELDS, as_of=date(2024, 12, 5))[1] == {"p0": 1}


def test_unknown_field_in_a_restricted_field_table() -> None:
    with pytest.raises(InputError) as caught:
        rules_to_sql([Rule("store", "=", "x")], {"tier": FIELDS["tier"]})
    assert caught.value.code == "unknown_field"


DESCRIBE_CASES = [
    ("tier in high_spend,loyal", "Tier is any of: High spend (VIP), Loyal",
     "分层为以下任一：高消费总额会员、高忠诚度会员"),
    ("birthday_month = next", "Birthday month is next month", "生日月份为下个月"),
    ("recency_days between 30,90", "Days since last purchase is between 30 and 90", "距上次消费天数介于30至90之间"),
    ("category_in_last_days = 护肤,30", "Bought 护肤 in the last 30 days", "近 30 天购买过护肤"),
    ("groups not in promo_chaser", "In none of the member groups: Promo chaser (blacklist)",
     "不属于以下任何会员分组：低价低频次会员（促销黑名单）"),
    ("wechat = yes", "WeChat opt-in is yes", "微信授权为是"),
    ("zodiac = dragon", "Chinese zodiac is Dragon", "生肖为龙"),
]  # fmt: skip


@pytest.mark.parametrize("expr, en, zh", DESCRIBE_CASES, ids=[c[0] for c in DESCRIBE_CASES])
def test_describe(expr: str, en: str, zh: str) -> None:
    rule = parse_rule(expr)
    assert (describe(rule, "en"), describe(rule, "zh")) == (en, zh)


def test_every_field_and_value_key_has_words_in_both_languages() -> None:
    for name, spec in FIELDS.items():
        assert spec.label in CATALOG, name
        for key in spec.keys:
            assert spec.key_prefix + key in CATALOG, (name, key)
    for op in ("=", "!=", "in", "not in", ">=", "<=", "between"):
        assert f"target.op.{op}" in CATALOG
    for kind in ("promo_chaser", "contacted_within_days", "manual", "unreachable"):
        assert f"target.excl_name.{kind}" in CATALOG
        value = {"contacted_within_days": 7, "manual": ("a",)}.get(kind)
        assert describe_exclusion(Exclusion(kind, value), "zh") != describe_exclusion(Exclusion(kind, value), "en")


def test_rules_round_trip_through_json() -> None:
    rules = [parse_rule(expr) for expr, _ in PARSE_CASES]
    assert rules_from_json(rules_to_json(rules)) == rules


# --- the CLI, as a real subprocess ----------------------------------------------------------------------------


SALES_HEADER = "订单号,消费时间,会员卡号,门店,品类,实收金额,是否促销"
MEMBERS_HEADER = "会员卡号,姓名,手机号,性别,生日,入会日期,所属门店,积分,微信授权,短信授权"


def _flag(value: bool | None) -> str:
    return "是" if value else "否"


def _write_files(folder: Path) -> tuple[Path, Path]:
    """The hand-built store as a Chinese sales export and members list (the line after D left out)."""
    sales = folder / "sales.csv"
    rows = [f"{o},{at(days):%Y-%m-%d %H:%M:%S},{c},{s},{k},{a},{_flag(p)}" for c, o, days, a, p, s, k in SALES[:-1]]
    sales.write_text(SALES_HEADER + "\n" + "\n".join(rows) + "\n", "utf-8-sig")
    gender = {"M": "男", "F": "女", None: ""}
    lines = [
        f"{c},{n},{ph or ''},{gender[g]},{b or ''},{j},{st or ''},{'' if pt is None else pt},{_flag(w)},{_flag(sm)}"
        for c, n, ph, g, b, j, st, pt, w, sm, _ in MEMBERS[:4]
    ]
    members = folder / "members.csv"
    members.write_text(MEMBERS_HEADER + "\n" + "\n".join(lines) + "\n", "utf-8-sig")
    return sales, members


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "segcore", "targets", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "SEGCORE_LANG": "en"},
    )


def test_cli_writes_the_list_and_the_control_list(tmp_path: Path) -> None:
    sales, members = _write_files(tmp_path)
    out, control = tmp_path / "list.csv", tmp_path / "control.csv"
    result = _run("--sales", str(sales), "--members", str(members), "--as-of", D.isoformat(),
                  "--where", "gender = F", "--where", "recency_days <= 30", "--exclude", "unreachable",
                  "--channel", "wechat", "--holdout", "0.5", "--seed", "2", "--out", str(out),
                  "--control-out", str(control))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "2 customers matched" in result.stdout
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    sent = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    held = pd.read_csv(control, dtype=str, encoding="utf-8-sig")
    assert list(sent.columns[:3]) == ["customer_id", "group", "tier"]
    # sha256("2:ann") draws 0.644 (treatment), sha256("2:cat") 0.282 (control at a 0.5 share)
    assert (list(sent["customer_id"]), list(sent["group"])) == (["ann"], ["treatment"])
    assert (list(held["customer_id"]), list(held["group"])) == (["cat"], ["control"])
    assert list(held["do_not_contact"]) == ["do not contact"]
    assert (list(sent["phone"]), list(held["phone"])) == (["138****5678"], ["139****1111"])


def test_cli_xlsx_output(tmp_path: Path) -> None:
    import fastexcel

    sales, members = _write_files(tmp_path)
    out = tmp_path / "list.xlsx"
    result = _run("--sales", str(sales), "--members", str(members), "--as-of", D.isoformat(), "--channel", "store",
                  "--holdout", "0", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "warning: No control group" in result.stdout
    reader = fastexcel.read_excel(out.read_bytes())
    frame = reader.load_sheet(0).to_pandas()
    assert list(frame.columns[:3]) == ["customer_id", "group", "tier"]
    assert list(frame["customer_id"]) == EVERYONE


@pytest.mark.parametrize(
    "where, words",
    [("colour = red", "Unknown field 'colour'"), ("tier ~ loyal", "Unknown operator '~'")],
)
def test_cli_rejects_an_unknown_field_or_operator_in_one_line(tmp_path: Path, where: str, words: str) -> None:
    sales, _ = _write_files(tmp_path)
    result = _run("--sales", str(sales), "--where", where, "--out", str(tmp_path / "x.csv"))
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and words in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.csv").exists()
