"""The bundled demo store: a seeded, deterministic multi-store beauty and jewelry retailer.

`write_demo_store` writes 20,000 members, three years of sales lines ending at `end` (refunds, festival peaks
and promotions included) and a past Qixi SMS campaign with a hashed 10% holdout and a real planted effect.
Each member follows one of `ARCHETYPES` (VIP, loyal, high-ticket, promo stock-up, promo chaser, silent,
sleeping, new, at-risk, never bought, regular), so that every tier, member group and lifecycle of
tiers.md shows up when tiered as of `end`. CSVs are UTF-8 with BOM and Chinese headers; the JSON has no BOM.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from segcore.keys import CAMPAIGN_HEADERS_ZH as CAMPAIGN_HEADERS

__all__ = ["ARCHETYPES", "DEMO_END", "DEMO_SEED", "DemoFiles", "campaign_window", "holdout_draw", "write_demo_store"]

DEMO_SEED = 20261115
DEMO_END = date(2026, 11, 15)

N_MEMBERS = 20_000
SPAN_DAYS = 1095  # three years of sales, ending at `end`
PRE_DAYS = 1460  # customers already bought before the export starts; those orders are dropped
HOLDOUT_SHARE = 0.1
LIST_SIZE = 3_000
CAMPAIGN_UPLIFT = 0.09  # chance that a treated customer buys once more because of the message

MEMBER_HEADERS = ("会员卡号", "姓名", "手机号", "性别", "生日", "入会日期", "所属门店", "积分", "微信授权", "短信授权")
SALES_HEADERS = ("订单号", "消费时间", "会员卡号", "门店", "品类", "商品", "数量", "单价", "实收金额", "是否促销")

_STORES = ("上海南京路店", "北京三里屯店", "杭州湖滨店", "成都春熙路店", "深圳万象城店", "广州天河店")
_STORE_WEIGHTS = (0.24, 0.20, 0.14, 0.14, 0.15, 0.13)
_CATEGORIES = ("护肤", "彩妆", "香水", "黄金", "钻石", "珍珠", "银饰")
_JEWELRY = (3, 4, 5, 6)
_GOLD = 3

# (category index, product, lowest and highest unit price in yuan); jewelry varies with weight and carat.
_PRODUCTS = (
    (0, "玻尿酸保湿精华 30ml", 380, 380),
    (0, "修护面霜 50g", 520, 520),
    (0, "氨基酸洁面乳 120g", 128, 128),
    (0, "补水面膜 10片装", 199, 199),
    (0, "紧致眼霜 15ml", 460, 460),
    (0, "清透防晒乳 SPF50", 238, 238),
    (0, "柔肤水 200ml", 268, 268),
    (0, "焕颜精华油 30ml", 690, 690),
    (0, "护手霜 30ml", 69, 69),
    (0, "明星单品试用装", 49, 49),
    (1, "丝绒哑光口红", 290, 290),
    (1, "持妆气垫粉底", 420, 420),
    (1, "九色眼影盘", 520, 520),
    (1, "纤长睫毛膏", 230, 230),
    (1, "控油定妆散粉", 380, 380),
    (1, "柔雾腮红", 310, 310),
    (1, "防水眉笔", 150, 150),
    (1, "滋润唇膏", 89, 89),
    (2, "花香淡香水 30ml", 680, 680),
    (2, "木质浓香水 50ml", 1180, 1180),
    (2, "淡香水 100ml", 1050, 1050),
    (2, "七夕香氛礼盒", 1380, 1380),
    (2, "香水小样套装", 260, 260),
    (2, "香氛体验装 2ml", 59, 59),
    (3, "足金转运珠", 1200, 2800),
    (3, "足金吊坠", 1500, 4000),
    (3, "古法金戒指", 3000, 7000),
    (3, "生肖金章", 2000, 5000),
    (3, "足金项链", 5000, 12000),
    (3, "足金手镯", 12000, 30000),
    (4, "钻石耳钉", 3000, 8000),
    (4, "18K金钻石项链", 4000, 9000),
    (4, "钻石对戒", 8000, 20000),
    (4, "一克拉钻戒", 30000, 60000),
    (5, "淡水珍珠手链", 500, 1500),
    (5, "淡水珍珠项链", 800, 2500),
    (5, "海水珍珠耳钉", 1200, 3000),
    (6, "银耳钉", 99, 299),
    (6, "银戒指", 129, 359),
    (6, "925银项链", 199, 499),
    (6, "银手镯", 299, 799),
)
_CHEAP_MAX_YUAN = 100

_SPRING_FESTIVAL = {
    2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10",
    2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
    2030: "2030-02-03",
}  # fmt: skip
_QIXI = {
    2020: "2020-08-25", 2021: "2021-08-14", 2022: "2022-08-04", 2023: "2023-08-22", 2024: "2024-08-10",
    2025: "2025-08-29", 2026: "2026-08-19", 2027: "2027-08-08", 2028: "2028-08-26", 2029: "2029-08-16",
    2030: "2030-08-05",
}  # fmt: skip

# Periods of the calendar (0 = ordinary day) and their traffic relative to an ordinary day.
_SPRING, _WOMEN, _618, _QIXI_P, _D11 = 1, 2, 3, 4, 5
_PERIOD_WEIGHT = np.array([1.0, 1.8, 1.4, 2.0, 2.3, 2.7])
# Category boosts per period (rows = periods): gold for the New Year, gifts for Qixi, beauty for the festivals.
_PERIOD_CATEGORY_BOOST = np.array(
    [
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        [1.0, 1.0, 1.2, 2.5, 1.2, 1.2, 1.5],
        [1.4, 1.3, 1.3, 1.0, 1.0, 1.0, 1.0],
        [1.5, 1.3, 1.2, 1.0, 1.0, 1.0, 1.0],
        [0.8, 1.0, 2.0, 1.8, 1.8, 1.8, 1.8],
        [1.5, 1.3, 1.2, 1.0, 1.0, 1.0, 1.0],
    ]
)
_PROMO_DISCOUNTS = np.array([0.7, 0.75, 0.8, 0.85, 0.9])
_HOUR_WEIGHTS = np.array([3, 5, 6, 6, 6, 7, 8, 9, 10, 10, 8, 5], dtype=float)  # 10:00 to 21:59


@dataclass(frozen=True)
class DemoFiles:
    """Paths of the demo store's files."""

    members: Path
    sales: Path
    campaign: Path
    campaign_meta: Path


@dataclass(frozen=True)
class _Archetype:
    key: str
    share: float
    tier: str  # best-guess tier key, used as the campaign list's export-time tier
    last_ago: tuple[int, int]  # days between the last purchase and `end`
    history: tuple[int, int]  # days between first and last purchase
    first_max: int  # first purchase at most this many days before `end` (beyond the span: an older customer)
    rate: float  # purchases per year between first and last
    min_orders: int
    lines: tuple[float, float, float, float]  # chance of 1..4 lines per order
    categories: tuple[float, ...]
    promo: tuple[float, float]  # chance a line is on promotion in / out of promo periods
    pin_last: bool = False  # last purchase exactly `last_ago` days before `end` (else drawn like the others)
    promo_only: bool = False  # buys only during promo periods
    stock_up: float = 0.0  # chance of one big order at each Spring Festival and Double 11 (instead of `rate`)
    price_band: int = 0  # 0 any product, 1 only the cheapest, 2 only the pricey mid-range jewelry
    quantities: tuple[float, float, float] = (0.82, 0.14, 0.04)  # chance of 1..3 units of a beauty product


_BEAUTY = (0.45, 0.27, 0.12, 0.05, 0.02, 0.03, 0.06)
# key, share, tier, last_ago, history, first_max, rate, min_orders, lines, categories, promo, flags
ARCHETYPES = (
    _Archetype("vip", 0.05, "high_spend", (0, 0), (300, 2500), 2500, 9.0, 5, (0.35, 0.3, 0.2, 0.15),
               (0.36, 0.18, 0.14, 0.12, 0.06, 0.07, 0.07), (0.55, 0.08)),
    _Archetype("loyal", 0.12, "loyal", (0, 0), (250, 2500), 2500, 5.0, 3, (0.55, 0.3, 0.1, 0.05),
               (0.50, 0.25, 0.12, 0.03, 0.01, 0.03, 0.06), (0.55, 0.08)),
    _Archetype("high_ticket", 0.04, "high_ticket", (0, 300), (0, 2500), 2500, 0.5, 1, (1.0, 0.0, 0.0, 0.0),
               (0.0, 0.0, 0.0, 0.6, 0.4, 0.0, 0.0), (0.35, 0.05), pin_last=True, price_band=2),
    _Archetype("promo_frequent", 0.06, "promo_frequent", (0, 0), (200, 2500), 2500, 0.0, 0,
               (0.0, 0.15, 0.35, 0.5), (0.45, 0.25, 0.25, 0.05, 0.0, 0.0, 0.0), (0.97, 0.9), stock_up=0.9,
               quantities=(0.3, 0.4, 0.3)),
    _Archetype("promo_chaser", 0.05, "promo_chaser", (0, 0), (150, 1000), 1094, 1.5, 1, (1.0, 0.0, 0.0, 0.0),
               _BEAUTY, (1.0, 1.0), promo_only=True, price_band=1),
    _Archetype("silent", 0.08, "silent", (190, 330), (300, 900), 1800, 6.0, 4, (0.55, 0.3, 0.1, 0.05),
               _BEAUTY, (0.6, 0.1), pin_last=True),
    _Archetype("sleeping", 0.14, "sleeping", (370, 900), (0, 700), 1800, 2.5, 1, (0.6, 0.25, 0.1, 0.05),
               _BEAUTY, (0.6, 0.1), pin_last=True),
    _Archetype("new", 0.06, "regular", (0, 0), (0, 88), 88, 4.0, 1, (0.6, 0.25, 0.1, 0.05), _BEAUTY, (0.6, 0.15)),
    _Archetype("at_risk", 0.07, "regular", (185, 300), (0, 60), 360, 3.0, 1, (0.6, 0.25, 0.1, 0.05),
               _BEAUTY, (0.6, 0.1), pin_last=True),
    _Archetype("never", 0.08, "potential", (0, 0), (0, 0), 0, 0.0, 0, (1.0, 0.0, 0.0, 0.0), _BEAUTY, (0.0, 0.0)),
    _Archetype("regular", 0.25, "regular", (0, 0), (0, 2500), 2500, 1.8, 1, (0.6, 0.25, 0.1, 0.05),
               _BEAUTY, (0.45, 0.05)),
)  # fmt: skip
_CAMPAIGN_POOL = {"silent": 4.0, "at_risk": 4.0, "loyal": 0.5, "regular": 1.0}
_SURNAMES = (  # roughly by frequency
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤"
)
_FEMALE_CHARS = "婷雪丽静敏燕芳娟霞玲琳欣怡悦佳颖慧倩雅蕾萍红梅莉晶洁璐瑶琪佩雯思诗梦晓妍菲楠茜岚"
_MALE_CHARS = "伟强磊军勇杰涛斌浩宇鹏超明辉刚俊峰鑫博文晨阳凯健毅翔"
_PHONE_PREFIXES = np.array([*range(130, 140), 150, 151, 152, 153, 155, 156, 157, 158, 159, *range(180, 190)])


@dataclass(frozen=True)
class _Calendar:
    day0: np.datetime64  # first day of the sales span; day indices count from here, negative before it
    periods: np.ndarray  # period code per day, from PRE_DAYS before day0 to `end`
    cdf: np.ndarray  # cumulative daily traffic weight, cdf[0] = 0
    promo_cdf: np.ndarray  # the same, promo periods only


@dataclass(frozen=True)
class _Plan:
    arch: np.ndarray
    first_ago: np.ndarray  # days between first purchase and `end`
    last_ago: np.ndarray
    n_orders: np.ndarray
    join_day: np.ndarray  # day index (can be negative: joined before the span)
    home: np.ndarray  # store index
    sms: np.ndarray


def _spec(field: str) -> np.ndarray:
    return np.array([getattr(a, field) for a in ARCHETYPES])


def _arch_index(key: str) -> int:
    return next(i for i, a in enumerate(ARCHETYPES) if a.key == key)


def campaign_window(end: date) -> tuple[int, date, date]:
    """The demo campaign's year, first and last day: the last Qixi whose four-week window ends by `end`."""
    for year in sorted(_QIXI, reverse=True):
        start = date.fromisoformat(_QIXI[year]) - timedelta(days=7)
        if start + timedelta(days=27) <= end:
            return year, start, start + timedelta(days=27)
    raise ValueError(f"no Qixi campaign window ends on or before {end}")


def holdout_draw(seed: int, customer_id: str) -> float:
    """Uniform draw in [0, 1) from sha256 of f"{seed}:{customer_id}"; below the holdout share means control."""
    digest = hashlib.sha256(f"{seed}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def write_demo_store(out_dir: Path, *, seed: int = DEMO_SEED, end: date = DEMO_END) -> DemoFiles:
    """Generate the demo store into `out_dir` (created if needed); the same seed and end give identical bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = DemoFiles(out_dir / "members.csv", out_dir / "sales.csv", out_dir / "campaign.csv",
                      out_dir / "campaign_meta.json")  # fmt: skip
    year, c_start, c_end = campaign_window(end)
    cal = _calendar(np.datetime64(end - timedelta(days=SPAN_DAYS - 1), "D"))
    plan = _plan(_assign_archetypes(_rng(seed, 1)), _rng(seed, 2))
    ids = _member_ids(plan.join_day)
    window = (_day_index(cal, c_start), _day_index(cal, c_end))
    listed, control = _campaign_list(plan, ids, seed, window[0], _rng(seed, 3))
    orders = _orders(plan, listed & ~control, cal, window, _rng(seed, 4))
    sales = _with_refunds(_lines(orders, plan, cal, _rng(seed, 5)), _rng(seed, 6))
    _write_csv(_sales_frame(sales, ids, cal), SALES_HEADERS, files.sales)
    _write_csv(_members_frame(plan, ids, sales, cal, end, _rng(seed, 7)), MEMBER_HEADERS, files.members)
    _write_csv(_campaign_frame(plan, ids, listed, control), CAMPAIGN_HEADERS, files.campaign)
    meta = {
        "campaign_id": f"demo-qixi-{year}",
        "name": f"{year}七夕短信唤醒 / {year} Qixi SMS win-back",
        "channel": "sms",
        "start": c_start.isoformat(),
        "end": c_end.isoformat(),
        "holdout_share": HOLDOUT_SHARE,
        "seed": seed,
    }
    files.campaign_meta.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return files


def _rng(seed: int, stream: int) -> np.random.Generator:
    # One independent stream per stage, so changing one stage leaves the others' draws alone.
    return np.random.default_rng([seed, stream])


def _day_index(cal: _Calendar, day: date) -> int:
    return int((np.datetime64(day, "D") - cal.day0).astype(np.int64))


def _calendar(day0: np.datetime64) -> _Calendar:
    """Period of each day and the daily traffic: festivals, weekends and a slowly growing business."""
    days = pd.DatetimeIndex(day0 + np.arange(-PRE_DAYS, SPAN_DAYS))
    periods = np.zeros(len(days), dtype=np.int64)
    md = np.asarray(days.month * 100 + days.day)
    periods[(md >= 301) & (md <= 308)] = _WOMEN
    periods[(md >= 601) & (md <= 618)] = _618
    periods[(md >= 1101) & (md <= 1111)] = _D11
    for table, period, before, after in ((_SPRING_FESTIVAL, _SPRING, 21, -1), (_QIXI, _QIXI_P, 7, 0)):
        for iso in table.values():
            peak = np.datetime64(iso, "D")
            periods[(days >= peak - np.timedelta64(before, "D")) & (days <= peak + np.timedelta64(after, "D"))] = period
    weekend = np.asarray(days.dayofweek >= 5)
    peak_day = (md == 618) | (md == 1111)
    weight = _PERIOD_WEIGHT[periods] * np.where(weekend, 1.25, 1.0) * np.where(peak_day, 2.0, 1.0)
    weight *= 1.0 + 0.05 * np.arange(-PRE_DAYS, SPAN_DAYS) / 365
    cdf = np.concatenate([[0.0], np.cumsum(weight)])
    promo_cdf = np.concatenate([[0.0], np.cumsum(weight * (periods > 0))])
    return _Calendar(day0, periods, cdf, promo_cdf)


def _assign_archetypes(rng: np.random.Generator) -> np.ndarray:
    counts = np.array([round(a.share * N_MEMBERS) for a in ARCHETYPES])
    counts[-1] += N_MEMBERS - counts.sum()
    return rng.permutation(np.repeat(np.arange(len(ARCHETYPES)), counts))


def _uniform_int(lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return lo + np.floor(rng.random(len(lo)) * (hi - lo + 1)).astype(np.int64)


def _plan(arch: np.ndarray, rng: np.random.Generator) -> _Plan:
    """Per member: purchase window, number of orders, join day, home store and SMS opt-in."""
    last_ago = _uniform_int(_spec("last_ago")[arch, 0], _spec("last_ago")[arch, 1], rng)
    # Cap the history before drawing it: clipping after would pile first purchases on the span's first day.
    room = np.maximum(np.minimum(_spec("first_max")[arch], PRE_DAYS + SPAN_DAYS - 1) - last_ago, 0)
    hist_lo = np.minimum(_spec("history")[arch, 0], room)
    first_ago = last_ago + _uniform_int(hist_lo, np.minimum(_spec("history")[arch, 1], room), rng)
    rate = _spec("rate")[arch]
    n_orders = np.maximum(_spec("min_orders")[arch], 1 + rng.poisson(rate * (first_ago - last_ago) / 365))
    n_orders[rate == 0] = 0
    buyer = (rate > 0) | (_spec("stock_up")[arch] > 0)
    lag = np.where(rng.random(len(arch)) < 0.55, 0, np.minimum(rng.exponential(150, len(arch)), 1500)).astype(int)
    join_ago = np.where(buyer, first_ago + lag, ((SPAN_DAYS + 400) * rng.random(len(arch)) ** 1.3).astype(int))
    home = rng.choice(len(_STORES), size=len(arch), p=_STORE_WEIGHTS)
    sms = rng.random(len(arch)) < 0.6
    return _Plan(arch, first_ago, last_ago, n_orders, SPAN_DAYS - 1 - join_ago, home, sms)


def _member_ids(join_day: np.ndarray) -> np.ndarray:
    """Card numbers, issued in join order."""
    rank = np.empty(len(join_day), dtype=np.int64)
    rank[np.argsort(join_day, kind="stable")] = np.arange(len(join_day))
    return np.array([f"M{r + 1:07d}" for r in rank], dtype=object)


def _campaign_list(
    plan: _Plan, ids: np.ndarray, seed: int, start_day: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Listed members (win-back pool, SMS opt-in, bought before the start) and the hashed holdout among them."""
    bought_before = SPAN_DAYS - 1 - plan.first_ago < start_day
    weight = np.array([_CAMPAIGN_POOL.get(a.key, 0.0) for a in ARCHETYPES])[plan.arch] * plan.sms * bought_before
    chosen = np.sort(rng.choice(len(ids), size=LIST_SIZE, replace=False, p=weight / weight.sum()))
    listed = np.zeros(len(ids), dtype=bool)
    listed[chosen] = True
    control = np.zeros(len(ids), dtype=bool)
    control[chosen] = [holdout_draw(seed, ids[i]) < HOLDOUT_SHARE for i in chosen]
    return listed, control


def _sample_days(cdf: np.ndarray, lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A day index in [lo, hi] per row, drawn with the daily weights behind `cdf`."""
    u = cdf[lo] + rng.random(len(lo)) * (cdf[hi + 1] - cdf[lo])
    return np.clip(np.searchsorted(cdf, u, side="right") - 1, lo, hi)


def _orders(
    plan: _Plan, treated: np.ndarray, cal: _Calendar, window: tuple[int, int], rng: np.random.Generator
) -> pd.DataFrame:
    """One row per order (customer, day, campaign flag), sorted by time, with its order id."""
    base_cust, base_day = _base_orders(plan, cal, rng)
    stock_cust, stock_day = _stock_up_orders(plan, cal, rng)
    base_cust, base_day = np.r_[base_cust, stock_cust], np.r_[base_day, stock_day]
    back_cust, back_day = _silent_returns(plan, rng)
    camp_cust = np.flatnonzero(treated & (rng.random(len(treated)) < CAMPAIGN_UPLIFT))
    camp_lo = np.full(len(camp_cust), window[0] + PRE_DAYS)
    camp_day = _sample_days(cal.cdf, camp_lo, np.full(len(camp_cust), window[1] + PRE_DAYS), rng) - PRE_DAYS
    cust = np.concatenate([base_cust, back_cust, camp_cust])
    orders = pd.DataFrame({
        "cust": cust,
        "day": np.concatenate([base_day, back_day, camp_day]),
        "campaign": np.repeat([False, False, True], [len(base_cust), len(back_cust), len(camp_cust)]),
        "second": _seconds(len(cust), rng),
        "store": np.where(rng.random(len(cust)) < 0.85, plan.home[cust],
                          rng.choice(len(_STORES), size=len(cust), p=_STORE_WEIGHTS)),
    })  # fmt: skip
    orders = orders.sort_values(["day", "second", "cust"], kind="stable", ignore_index=True)
    day = orders["day"].to_numpy()
    seq = np.arange(len(day)) - np.searchsorted(day, day, side="left") + 1
    ymd = np.char.replace(np.datetime_as_string(cal.day0 + np.arange(SPAN_DAYS), unit="D"), "-", "").astype(object)
    orders["order_id"] = "SO" + ymd[day] + _padded(seq, 5)
    return orders


def _base_orders(plan: _Plan, cal: _Calendar, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Orders of each member's own rhythm, dropping those before the span; promo-only buyers keep to promo days."""
    n = plan.n_orders
    cust = np.repeat(np.arange(len(n)), n)
    k = _within(n)
    lo, hi = PRE_DAYS + SPAN_DAYS - 1 - plan.first_ago[cust], PRE_DAYS + SPAN_DAYS - 1 - plan.last_ago[cust]
    day = _sample_days(cal.cdf, lo, hi, rng)
    promo_only = _spec("promo_only")[plan.arch[cust]]
    promo = promo_only & (cal.promo_cdf[hi + 1] > cal.promo_cdf[lo])
    day[promo] = _sample_days(cal.promo_cdf, lo[promo], hi[promo], rng)
    day = np.where(~promo_only & (k == 0), lo, day)
    day = np.where(_spec("pin_last")[plan.arch[cust]] & (k == n[cust] - 1), hi, day)
    keep = day >= PRE_DAYS
    return cust[keep], day[keep] - PRE_DAYS


def _stock_up_orders(plan: _Plan, cal: _Calendar, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One order per Spring Festival and Double 11 in the member's window, each kept with the archetype's chance."""
    festival = np.isin(cal.periods, (_SPRING, _D11)).astype(np.int8)
    edges = np.diff(np.r_[0, festival, 0])
    run_lo, run_hi = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    chance = _spec("stock_up")[plan.arch]
    who = np.flatnonzero(chance > 0)
    cust, run = np.repeat(who, len(run_lo)), np.tile(np.arange(len(run_lo)), len(who))
    lo = np.maximum(run_lo[run], PRE_DAYS + SPAN_DAYS - 1 - plan.first_ago[cust])
    keep = (lo <= run_hi[run]) & (rng.random(len(cust)) < chance[cust])
    day = _sample_days(cal.cdf, lo[keep], run_hi[run][keep], rng)
    cust = cust[keep]
    return cust[day >= PRE_DAYS], day[day >= PRE_DAYS] - PRE_DAYS


def _silent_returns(plan: _Plan, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One recent purchase for some silent members, only where they stay silent under the spec's rule."""
    silent = plan.arch == _arch_index("silent")
    still_silent = 0.5 * (plan.n_orders + 1) * 182 / np.maximum(plan.first_ago, 1) > 1
    cust = np.flatnonzero(silent & still_silent & (rng.random(len(silent)) < 0.3))
    return cust, SPAN_DAYS - 1 - _uniform_int(np.full(len(cust), 5), np.full(len(cust), 170), rng)


def _seconds(n: int, rng: np.random.Generator) -> np.ndarray:
    hour = rng.choice(len(_HOUR_WEIGHTS), size=n, p=_HOUR_WEIGHTS / _HOUR_WEIGHTS.sum())
    return (10 + hour) * 3600 + rng.integers(0, 3600, size=n)


def _product_table() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    cat = np.array([p[0] for p in _PRODUCTS])
    lo = np.array([p[2] for p in _PRODUCTS], dtype=float)
    hi = np.array([p[3] for p in _PRODUCTS], dtype=float)
    start = np.searchsorted(cat, np.arange(len(_CATEGORIES)))
    count = np.bincount(cat, minlength=len(_CATEGORIES))
    return cat, lo, hi, start, count


def _lines(orders: pd.DataFrame, plan: _Plan, cal: _Calendar, rng: np.random.Generator) -> pd.DataFrame:
    """Order lines: category, product, quantity, unit price and net amount in cents, promo flag."""
    arch = plan.arch[orders["cust"].to_numpy()]
    n_lines = 1 + _draw(_spec("lines")[arch], rng)
    row = np.repeat(np.arange(len(orders)), n_lines)
    lines = orders.iloc[row].reset_index(drop=True)
    arch, day = arch[row], lines["day"].to_numpy()
    period = cal.periods[day + PRE_DAYS]
    cat_of, lo, hi, start, count = _product_table()
    cat = _draw(_spec("categories")[arch] * _PERIOD_CATEGORY_BOOST[period], rng)
    product = start[cat] + np.minimum((rng.random(len(row)) * count[cat]).astype(int), count[cat] - 1)
    for band, allowed in ((1, hi <= _CHEAP_MAX_YUAN), (2, (lo >= 3000) & (lo <= 8000))):
        rows, choices = np.flatnonzero(_spec("price_band")[arch] == band), np.flatnonzero(allowed)
        product[rows] = choices[rng.integers(0, len(choices), size=len(rows))]
    cat = cat_of[product]
    jewelry = np.isin(cat, _JEWELRY)
    price = lo[product] + rng.random(len(row)) * (hi[product] - lo[product])
    price *= np.where(cat == _GOLD, 1.0 + 0.5 * day / SPAN_DAYS, 1.0)  # the gold price rose over the span
    price = np.where(hi[product] > lo[product], np.round(price / 10) * 10, price)
    promo_p = np.where(period > 0, _spec("promo")[arch, 0], _spec("promo")[arch, 1])
    promo = (rng.random(len(row)) < promo_p) | lines["campaign"].to_numpy()
    qty = np.where(jewelry, 1, 1 + _draw(_spec("quantities")[arch], rng))
    discount = np.where(jewelry, rng.choice([0.9, 0.95], size=len(row)), rng.choice(_PROMO_DISCOUNTS, size=len(row)))
    price_cents = np.round(price * 100).astype(np.int64)
    amount = np.round(qty * price_cents * np.where(promo, discount, 1.0)).astype(np.int64)
    return lines.assign(category=cat, product=product, qty=qty, price=price_cents, amount=amount, promo=promo)


def _draw(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index drawn per row from each row's (unnormalised) weights."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def _with_refunds(lines: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Add refund lines: single-line refunds (same order id or "-R") and whole-order cancellations."""
    order_start = np.flatnonzero(np.r_[True, lines["order_id"].to_numpy()[1:] != lines["order_id"].to_numpy()[:-1]])
    n_lines = np.diff(np.r_[order_start, len(lines)])
    delay = rng.integers(1, 15, size=len(order_start))
    ok = lines["day"].to_numpy()[order_start] + delay <= SPAN_DAYS - 1
    u = rng.random(len(order_start))
    cancel, partial = ok & (u < 0.004), ok & (u >= 0.004) & (u < 0.045)
    picked = np.concatenate([
        order_start[partial] + (rng.random(int(partial.sum())) * n_lines[partial]).astype(int),
        np.repeat(order_start[cancel], n_lines[cancel]) + _within(n_lines[cancel]),
    ])  # fmt: skip
    order_of = np.concatenate([np.flatnonzero(partial), np.repeat(np.flatnonzero(cancel), n_lines[cancel])])
    refunds = lines.iloc[picked].reset_index(drop=True)
    is_partial = np.arange(len(picked)) < partial.sum()
    qty, amount = refunds["qty"].to_numpy(), refunds["amount"].to_numpy()
    one_unit = is_partial & (qty > 1) & (rng.random(len(picked)) < 0.3)
    suffix = np.where(is_partial & (rng.random(len(picked)) < 0.4), "-R", "")
    refunds = refunds.assign(
        day=refunds["day"].to_numpy() + delay[order_of],
        second=_seconds(len(picked), rng),
        qty=-np.where(one_unit, 1, qty),
        amount=-np.where(one_unit, np.round(amount / np.maximum(qty, 1)).astype(np.int64), amount),
        promo=None,
        order_id=refunds["order_id"] + suffix,
    )
    out = pd.concat([lines.assign(promo=lines["promo"].astype(object)), refunds], ignore_index=True)
    return out.sort_values(["day", "second", "order_id"], kind="stable", ignore_index=True)


def _within(n: np.ndarray) -> np.ndarray:
    """0..n-1 for each n, concatenated."""
    return np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)


def _sales_frame(sales: pd.DataFrame, ids: np.ndarray, cal: _Calendar) -> pd.DataFrame:
    days = np.datetime_as_string(cal.day0 + np.arange(SPAN_DAYS), unit="D").astype(object) + " "
    two = _padded(np.arange(60), 2)
    clock = (two[:24, None, None] + ":" + two[None, :, None] + ":" + two[None, None, :]).ravel()
    promo = sales["promo"].map({True: "是", False: "否"})
    return pd.DataFrame({
        "订单号": sales["order_id"],
        "消费时间": days[sales["day"].to_numpy()] + clock[sales["second"].to_numpy()],
        "会员卡号": ids[sales["cust"].to_numpy()],
        "门店": np.array(_STORES, dtype=object)[sales["store"].to_numpy()],
        "品类": np.array(_CATEGORIES, dtype=object)[sales["category"].to_numpy()],
        "商品": np.array([p[1] for p in _PRODUCTS], dtype=object)[sales["product"].to_numpy()],
        "数量": sales["qty"],
        "单价": _money(sales["price"].to_numpy()),
        "实收金额": _money(sales["amount"].to_numpy()),
        "是否促销": promo,
    })  # fmt: skip


def _money(cents: np.ndarray) -> np.ndarray:
    """Cents as "123.45" text: exact, and much faster to write than floats."""
    sign = np.where(cents < 0, "-", "").astype(object)
    return sign + (np.abs(cents) // 100).astype(str).astype(object) + _padded(np.abs(cents) % 100, 2, ".")


def _padded(values: np.ndarray, width: int, prefix: str = "") -> np.ndarray:
    """Zero-padded text of small non-negative ints, through a lookup table."""
    table = np.array([f"{prefix}{i:0{width}d}" for i in range(int(values.max(initial=0)) + 1)], dtype=object)
    return table[values]


def _members_frame(
    plan: _Plan, ids: np.ndarray, sales: pd.DataFrame, cal: _Calendar, end: date, rng: np.random.Generator
) -> pd.DataFrame:
    n = len(ids)
    female = rng.random(n) < 0.88
    spend = np.bincount(sales["cust"].to_numpy(), weights=sales["amount"].to_numpy(), minlength=n) / 100
    points = (np.maximum(spend, 0) * rng.uniform(0.3, 1.0, n)).astype(np.int64) + 100
    frame = pd.DataFrame({
        "会员卡号": ids,
        "姓名": _names(female, rng),
        "手机号": _phones(n, rng),
        "性别": np.where(female, "女", "男"),
        "生日": _birthdays(n, end, rng),
        "入会日期": np.datetime_as_string(cal.day0 + plan.join_day, unit="D"),
        "所属门店": np.array(_STORES, dtype=object)[plan.home],
        "积分": points,
        "微信授权": np.where(rng.random(n) < 0.7, "是", "否"),
        "短信授权": np.where(plan.sms, "是", "否"),
    })  # fmt: skip
    return frame.sort_values("会员卡号", ignore_index=True)


def _names(female: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    surnames = np.array(list(_SURNAMES), dtype=object)
    # Common surnames are far more common: a Zipf-like weight over the list's order.
    weight = 1 / np.arange(1, len(surnames) + 1) ** 0.8
    surname = surnames[rng.choice(len(surnames), size=len(female), p=weight / weight.sum())]
    names = []
    for s, f, one, a, b in zip(surname, female, rng.random(len(female)) < 0.3, rng.random(len(female)),
                               rng.random(len(female)), strict=True):  # fmt: skip
        chars = _FEMALE_CHARS if f else _MALE_CHARS
        given = chars[int(a * len(chars))] + ("" if one else chars[int(b * len(chars))])
        names.append(s + given)
    return np.array(names, dtype=object)


def _phones(n: int, rng: np.random.Generator) -> np.ndarray:
    number = _PHONE_PREFIXES[rng.integers(0, len(_PHONE_PREFIXES), n)] * 10**8 + rng.integers(0, 10**8, n)
    return np.where(rng.random(n) < 0.03, "", number.astype(str)).astype(object)


def _birthdays(n: int, end: date, rng: np.random.Generator) -> np.ndarray:
    age_days = (np.clip(rng.normal(34, 9, n), 18, 68) * 365.25).astype(np.int64)
    born = np.datetime_as_string(np.datetime64(end, "D") - age_days, unit="D")
    return np.where(rng.random(n) < 0.08, "", born).astype(object)


def _campaign_frame(plan: _Plan, ids: np.ndarray, listed: np.ndarray, control: np.ndarray) -> pd.DataFrame:
    tiers = np.array([a.tier for a in ARCHETYPES], dtype=object)
    frame = pd.DataFrame({
        CAMPAIGN_HEADERS[0]: ids[listed],
        CAMPAIGN_HEADERS[1]: np.where(control[listed], "control", "treatment"),
        CAMPAIGN_HEADERS[2]: tiers[plan.arch[listed]],
    })  # fmt: skip
    return frame.sort_values(CAMPAIGN_HEADERS[0], ignore_index=True)


def _write_csv(frame: pd.DataFrame, headers: tuple[str, ...], path: Path) -> None:
    """UTF-8 with BOM; several times faster than DataFrame.to_csv."""
    # No field needs quoting: all text comes from the tables above, digits, dates and ids.
    columns = [frame[h].fillna("") if frame[h].dtype == object else frame[h].astype(str) for h in headers]
    rows = map(",".join, zip(*(c.tolist() for c in columns), strict=True))
    path.write_text(",".join(headers) + "\n" + "\n".join(rows) + "\n", encoding="utf-8-sig")
