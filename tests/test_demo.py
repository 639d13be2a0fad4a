"""The demo store: deterministic, shaped like a real retailer, every tier present, a detectable campaign effect."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from segcore.demo import (
    CAMPAIGN_HEADERS,
    DEMO_END,
    DEMO_SEED,
    MEMBER_HEADERS,
    SALES_HEADERS,
    DemoFiles,
    write_demo_store,
)

END = pd.Timestamp(DEMO_END)
TIERS = ("high_spend", "high_ticket", "loyal", "promo_frequent", "silent", "sleeping", "promo_chaser", "regular")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoFiles:
    """The default demo store, generated once for the module."""
    return write_demo_store(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def sales(demo: DemoFiles) -> pd.DataFrame:
    """Sales lines with a parsed day and a boolean promo flag."""
    frame = pd.read_csv(demo.sales, encoding="utf-8-sig", dtype={"订单号": str, "会员卡号": str, "是否促销": str})
    stamp = pd.to_datetime(frame["消费时间"], format="%Y-%m-%d %H:%M:%S")
    return frame.assign(stamp=stamp, day=stamp.dt.normalize(), promo=frame["是否促销"].eq("是"))


@pytest.fixture(scope="module")
def members(demo: DemoFiles) -> pd.DataFrame:
    return pd.read_csv(demo.members, encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def orders(sales: pd.DataFrame) -> pd.DataFrame:
    """Orders per the spec: (customer, order id), dated by the earliest line, valued by the sum of lines."""
    grouped = sales.groupby(["会员卡号", "订单号"], as_index=False)
    return grouped.agg(day=("day", "min"), value=("实收金额", "sum")).assign(value=lambda o: o["value"].round(2))


@pytest.fixture(scope="module")
def purchases(orders: pd.DataFrame) -> pd.DataFrame:
    return orders[orders["value"] > 0]


@pytest.fixture(scope="module")
def campaign(demo: DemoFiles) -> tuple[pd.DataFrame, dict[str, object]]:
    listed = pd.read_csv(demo.campaign, encoding="utf-8-sig", dtype=str)
    return listed, json.loads(demo.campaign_meta.read_text(encoding="utf-8"))


def test_same_seed_gives_identical_bytes(demo: DemoFiles, tmp_path: Path) -> None:
    again = write_demo_store(tmp_path, seed=DEMO_SEED, end=DEMO_END)
    for name in ("members", "sales", "campaign", "campaign_meta"):
        assert getattr(again, name).read_bytes() == getattr(demo, name).read_bytes(), name


def test_another_seed_gives_other_data(demo: DemoFiles, tmp_path: Path) -> None:
    other = write_demo_store(tmp_path, seed=DEMO_SEED + 1)
    assert other.sales.read_bytes() != demo.sales.read_bytes()
    assert other.members.read_bytes() != demo.members.read_bytes()
    assert json.loads(other.campaign_meta.read_text(encoding="utf-8"))["seed"] == DEMO_SEED + 1


@pytest.mark.parametrize(
    ("name", "headers"), [("members", MEMBER_HEADERS), ("sales", SALES_HEADERS), ("campaign", CAMPAIGN_HEADERS)]
)
def test_csv_files_have_bom_and_exact_chinese_headers(demo: DemoFiles, name: str, headers: tuple[str, ...]) -> None:
    raw = getattr(demo, name).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw[3:].decode("utf-8").split("\n", 1)[0] == ",".join(headers)


def test_header_constants_are_the_brief() -> None:
    assert MEMBER_HEADERS == (
        "会员卡号",
        "姓名",
        "手机号",
        "性别",
        "生日",
        "入会日期",
        "所属门店",
        "积分",
        "微信授权",
        "短信授权",
    )
    assert SALES_HEADERS == (
        "订单号",
        "消费时间",
        "会员卡号",
        "门店",
        "品类",
        "商品",
        "数量",
        "单价",
        "实收金额",
        "是否促销",
    )
    assert CAMPAIGN_HEADERS == ("会员卡号", "组别", "分层")


def test_row_counts(members: pd.DataFrame, sales: pd.DataFrame, campaign: tuple[pd.DataFrame, dict]) -> None:
    assert len(members) == 20_000
    assert 150_000 <= len(sales) <= 250_000
    assert 2_900 <= len(campaign[0]) <= 3_100


def test_sales_span_three_years_in_opening_hours(sales: pd.DataFrame) -> None:
    assert sales["day"].max() == END
    assert 1_000 <= (END - sales["day"].min()).days <= 1_100
    assert sales["stamp"].dt.hour.between(10, 21).all()
    assert sales["订单号"].str.fullmatch(r"SO\d{13}(-R)?").all()


def test_refunds(sales: pd.DataFrame, orders: pd.DataFrame) -> None:
    refund = sales["数量"] < 0
    assert 0.02 <= refund.mean() <= 0.04
    assert (sales.loc[refund, "实收金额"] < 0).all() and (sales.loc[~refund, "实收金额"] > 0).all()
    assert sales.loc[refund, "是否促销"].isna().all()
    suffixed = sales["订单号"].str.endswith("-R")
    assert suffixed.sum() > 100 and (refund & ~suffixed).sum() > 100
    originals = sales.groupby("订单号")["stamp"].min()
    base = sales.loc[suffixed, "订单号"].str.removesuffix("-R")
    assert (originals.reindex(base).to_numpy() < sales.loc[suffixed, "stamp"].to_numpy()).all()
    first_line = sales.groupby("订单号")["stamp"].transform("min")
    assert (sales.loc[refund & ~suffixed, "stamp"] > first_line[refund & ~suffixed]).all()
    cancelled = orders[(orders["value"] <= 0) & ~orders["订单号"].str.endswith("-R")]
    assert len(cancelled) >= 5


def test_orders_have_one_to_four_lines(sales: pd.DataFrame) -> None:
    lines = sales[sales["数量"] > 0].groupby("订单号").size()
    assert lines.between(1, 4).all() and lines.max() == 4


def test_jewelry_costs_far_more_than_skincare(sales: pd.DataFrame) -> None:
    price = sales[sales["数量"] > 0].groupby("品类")["单价"].median()
    assert set(price.index) == {"护肤", "彩妆", "香水", "黄金", "钻石", "珍珠", "银饰"}
    assert price["黄金"] > 5 * price["护肤"] and price["钻石"] > 5 * price["护肤"]


@pytest.mark.parametrize(
    ("festival", "plain"),
    [
        (("2026-01-27", "2026-02-16"), ("2026-04-01", "2026-04-30")),  # Spring Festival 2026-02-17
        (("2025-06-01", "2025-06-18"), ("2025-07-01", "2025-07-31")),  # 618
        (("2025-08-22", "2025-08-29"), ("2025-09-01", "2025-09-30")),  # Qixi 2025-08-29
        (("2025-11-01", "2025-11-11"), ("2025-10-01", "2025-10-31")),  # Double 11
    ],
)
def test_festivals_peak_with_much_more_promotion(
    sales: pd.DataFrame, festival: tuple[str, str], plain: tuple[str, str]
) -> None:
    bought = sales[sales["数量"] > 0]
    in_festival, in_plain = bought["day"].between(*festival), bought["day"].between(*plain)
    per_day = in_festival.sum() / bought.loc[in_festival, "day"].nunique()
    assert per_day > 1.3 * in_plain.sum() / bought.loc[in_plain, "day"].nunique()
    assert bought.loc[in_festival, "promo"].mean() > 3 * bought.loc[in_plain, "promo"].mean()


def test_members_look_real(members: pd.DataFrame, sales: pd.DataFrame) -> None:
    assert members["会员卡号"].is_unique and members["会员卡号"].str.fullmatch(r"M\d{7}").all()
    phone = members["手机号"]
    assert 0 < phone.eq("").mean() < 0.1
    assert phone[phone.ne("")].str.fullmatch(r"1[358]\d{9}").all()
    assert members["姓名"].str.len().between(2, 3).all()
    assert members["性别"].eq("女").mean() > 0.75
    assert members["所属门店"].nunique() == 6
    assert set(members["微信授权"]) == {"是", "否"} and set(members["短信授权"]) == {"是", "否"}
    assert members["积分"].astype(int).ge(0).all()
    joined = pd.to_datetime(members["入会日期"])
    assert joined.max() <= END and (joined < sales["day"].min()).any()
    assert set(sales["会员卡号"]) <= set(members["会员卡号"])
    first_line = sales.groupby("会员卡号")["day"].min()
    assert (joined.set_axis(members["会员卡号"]).reindex(first_line.index) <= first_line).all()


def test_every_archetype_shows_up(members: pd.DataFrame, purchases: pd.DataFrame) -> None:
    last = END - purchases.groupby("会员卡号")["day"].max()
    first = END - purchases.groupby("会员卡号")["day"].min()
    assert (last.dt.days > 365).sum() > 1_000  # sleeping
    assert last.dt.days.between(181, 365).sum() > 1_000  # at risk
    assert (first.dt.days <= 90).sum() > 500  # new
    never = ~members["会员卡号"].isin(purchases["会员卡号"])
    assert 0.06 <= never.mean() <= 0.11


def test_every_tier_shows_up(members: pd.DataFrame, sales: pd.DataFrame, purchases: pd.DataFrame) -> None:
    counts = _tiers(sales, purchases).value_counts()
    for tier in TIERS:
        assert counts.get(tier, 0) >= 100, (tier, counts.to_dict())
    assert (~members["会员卡号"].isin(counts.index)).sum() > 0  # potential


def test_campaign_meta(campaign: tuple[pd.DataFrame, dict]) -> None:
    assert campaign[1] == {
        "campaign_id": "demo-qixi-2026",
        "name": "2026七夕短信唤醒 / 2026 Qixi SMS win-back",
        "channel": "sms",
        "start": "2026-08-12",
        "end": "2026-09-08",
        "holdout_share": 0.1,
        "seed": DEMO_SEED,
    }


def test_campaign_list_and_hashed_holdout(campaign: tuple[pd.DataFrame, dict], members: pd.DataFrame) -> None:
    listed, meta = campaign
    assert listed["会员卡号"].is_unique and set(listed["组别"]) == {"treatment", "control"}
    assert set(listed["分层"]) <= {"silent", "loyal", "regular"}
    sms = members.set_index("会员卡号")["短信授权"]
    assert sms.reindex(listed["会员卡号"]).eq("是").all()
    n, control = len(listed), listed["组别"].eq("control")
    assert abs(control.sum() - 0.1 * n) <= 3.5 * math.sqrt(n * 0.1 * 0.9)
    draws = [int.from_bytes(hashlib.sha256(f"{meta['seed']}:{c}".encode()).digest()[:8], "big") / 2**64
             for c in listed["会员卡号"]]  # fmt: skip
    assert control.tolist() == [d < 0.1 for d in draws]


def test_campaign_has_a_clear_effect(campaign: tuple[pd.DataFrame, dict], purchases: pd.DataFrame) -> None:
    listed, meta = campaign
    in_window = purchases[purchases["day"].between(meta["start"], meta["end"])]
    responded = listed["会员卡号"].isin(in_window["会员卡号"])
    rate = responded.groupby(listed["组别"]).mean()
    n = listed["组别"].value_counts()
    se = math.sqrt(sum(rate[g] * (1 - rate[g]) / n[g] for g in ("treatment", "control")))
    assert rate["treatment"] - rate["control"] >= 0.04
    assert (rate["treatment"] - rate["control"]) / se >= 2.5


def _tiers(sales: pd.DataFrame, purchases: pd.DataFrame) -> pd.Series:
    """A compact pandas reading of tiers.md's member groups and headline tier, as of the demo's end."""
    w_start, recent = END - pd.Timedelta(days=365), END - pd.Timedelta(days=182)
    in_w = sales[sales["day"] > w_start]
    bought, bought_w = purchases.groupby("会员卡号"), purchases[purchases["day"] > w_start].groupby("会员卡号")
    c = pd.DataFrame({"first": bought["day"].min(), "last": bought["day"].max(), "n": bought.size()})
    c["orders_w"] = bought_w.size()
    c["gap"] = (bought_w["day"].max() - bought_w["day"].min()).dt.days / (c["orders_w"] - 1)
    c["recent"] = purchases[purchases["day"] > recent].groupby("会员卡号").size()
    c["spend_w"] = in_w.groupby("会员卡号")["实收金额"].sum().round(2)
    c["promo_w"] = in_w[in_w["promo"]].groupby("会员卡号")["实收金额"].sum().round(2)
    c = c.fillna({"orders_w": 0, "recent": 0, "spend_w": 0, "promo_w": 0})
    rec, age = (END - c["last"]).dt.days, (END - c["first"]).dt.days
    pop, q = (c["orders_w"] >= 1) & (c["spend_w"] > 0), (c["orders_w"] >= 1) & (c["promo_w"] > 0)
    aov = c["spend_w"][pop].sum() / c["orders_w"][pop].sum()
    groups = {
        "high_spend": _top(c["spend_w"], pop, 0.2),
        "high_ticket": pop & (c["spend_w"] >= 2 * aov * c["orders_w"]),
        "loyal": _top(c["spend_w"], pop, 0.5) & (c["orders_w"] >= 2) & (rec <= 180) & (c["gap"] <= 180),
        "promo_frequent": _top(c["promo_w"], q, 0.2),
        "silent": (rec <= 365) & (age >= 365) & (c["recent"] < 0.5 * c["n"] * 182 / age),
        "sleeping": rec > 365,
        "promo_chaser": _top(-c["promo_w"], q, 0.2) & (c["promo_w"] >= 0.5 * c["spend_w"]),
    }
    tier = pd.Series("regular", index=c.index)
    for key in reversed(TIERS[:-1]):
        tier[groups[key]] = key
    return tier


def _top(x: pd.Series, among: pd.Series, share: float) -> pd.Series:
    rank = x[among].rank(method="min", ascending=False)
    return (rank <= math.ceil(share * among.sum())).reindex(x.index, fill_value=False)
