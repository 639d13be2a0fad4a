"""Guess which source column holds each canonical column, from Chinese and English headers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from segcore.errors import InputError

__all__ = [
    "MEMBER_SYNONYMS",
    "SALES_SYNONYMS",
    "check_mapping",
    "complete_mapping",
    "guess_mapping",
    "missing_required",
    "parse_map_args",
]

# Most specific names first: the first canonical column to claim a header keeps it.
SALES_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (
        "会员卡号",
        "会员id",
        "会员编号",
        "会员号",
        "卡号",
        "顾客id",
        "客户id",
        "客户编号",
        "customerid",
        "customer",
        "custid",
        "memberid",
        "member",
        "手机号",
        "手机号码",
        "phone",
    ),
    "order_id": (
        "订单号",
        "订单编号",
        "小票号",
        "单据号",
        "流水号",
        "invoiceno",
        "invoice",
        "orderid",
        "order",
        "receipt",
    ),
    "order_date": (
        "消费时间",
        "下单时间",
        "交易日期",
        "交易时间",
        "消费日期",
        "销售日期",
        "订单日期",
        "日期",
        "时间",
        "invoicedate",
        "orderdate",
        "date",
        "datetime",
        "timestamp",
    ),
    "amount": (
        "实收金额",
        "消费金额",
        "实付金额",
        "销售金额",
        "成交金额",
        "金额",
        "amount",
        "sales",
        "revenue",
        "netamount",
        "total",
    ),
    "quantity": ("数量", "件数", "quantity", "qty"),
    "unit_price": ("单价", "售价", "unitprice", "price"),
    "is_promo": ("是否促销", "促销", "折扣", "促销标志", "ispromo", "promo", "promotion", "discount"),
    "store": ("门店", "所属门店", "店铺", "门店名称", "store", "shop"),
    "category": ("品类", "类别", "商品类别", "category"),
    "product": ("商品", "商品名称", "品名", "product", "description", "item"),
    "channel": ("渠道", "销售渠道", "channel"),
}
MEMBER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "customer_id": (*SALES_SYNONYMS["customer_id"][:-3], "customer", "id"),
    "name": ("姓名", "会员姓名", "顾客姓名", "name"),
    "phone": ("手机号", "手机号码", "电话", "联系电话", "phone", "mobile"),
    "gender": ("性别", "gender", "sex"),
    "birthday": ("生日", "出生日期", "birthday", "birthdate", "dob"),
    "join_date": ("入会日期", "入会时间", "注册日期", "开卡日期", "joindate", "joined", "signupdate"),
    "store": ("所属门店", "门店", "开卡门店", "store", "homestore"),
    "points": ("积分", "当前积分", "points"),
    "wechat": ("微信授权", "微信", "wechat", "wechatoptin"),
    "sms": ("短信授权", "短信", "sms", "smsoptin"),
    "email": ("邮件授权", "邮箱授权", "email", "emailoptin"),
}
REQUIRED = {"sales": ("customer_id", "order_date"), "members": ("customer_id",)}


def _normal(header: str) -> str:
    return re.sub(r"[\s_\-./()（）]+", "", header.strip().lower())


def synonyms(kind: str) -> dict[str, tuple[str, ...]]:
    """The synonym table of a file kind ('sales' or 'members')."""
    return SALES_SYNONYMS if kind == "sales" else MEMBER_SYNONYMS


def guess_mapping(headers: Iterable[str], kind: str) -> dict[str, str]:
    """Canonical column -> source header, for every canonical column a header names."""
    by_normal = {_normal(h): h for h in headers if h.strip()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for canonical, names in synonyms(kind).items():
        for name in names:
            header = by_normal.get(_normal(name))
            if header is not None and header not in taken:
                mapping[canonical] = header
                taken.add(header)
                break
    return mapping


def complete_mapping(explicit: Mapping[str, str], headers: Iterable[str], kind: str) -> dict[str, str]:
    """The explicit canonical -> source entries, plus a guess for every other canonical column.

    The guess is made as if the explicitly mapped source columns were not in the file: a column the user assigned
    is never used twice, and a canonical column the guesser had put on it is guessed again from the remaining
    headers (its next synonym), or left out. Canonical order; explicit names unknown to `kind` are kept (at the
    end) for check_mapping to refuse."""
    given = set(explicit.values())
    guessed = guess_mapping([h for h in headers if h not in given], kind)
    out = {c: explicit.get(c) or guessed[c] for c in synonyms(kind) if c in explicit or c in guessed}
    out.update({c: s for c, s in explicit.items() if c not in out})
    return out


def missing_required(mapping: Mapping[str, str], kind: str) -> list[str]:
    """Required canonical columns the mapping lacks (sales need amount, or quantity and unit_price)."""
    missing = [col for col in REQUIRED[kind] if col not in mapping]
    if kind == "sales" and "amount" not in mapping and not {"quantity", "unit_price"} <= mapping.keys():
        missing.append("amount")
    return missing


def check_mapping(mapping: Mapping[str, str], headers: Iterable[str], kind: str) -> None:
    """Raise InputError when the mapping names an unknown column or misses a required one."""
    header_list = list(headers)
    for canonical, source in mapping.items():
        if canonical not in synonyms(kind):
            raise InputError("unknown_canonical", column=canonical, allowed=", ".join(synonyms(kind)))
        if source not in header_list:
            raise InputError("unknown_source", column=source, found=", ".join(header_list))
    missing = missing_required(mapping, kind)
    if missing:
        raise InputError("missing_columns", missing=", ".join(missing), found=", ".join(header_list))


def parse_map_args(pairs: Iterable[str]) -> dict[str, str]:
    """Parse CLI `canonical=source` pairs into a dict."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        canonical, sep, source = pair.partition("=")
        if not sep or not canonical.strip() or not source.strip():
            raise InputError("bad_map_arg", arg=pair)
        mapping[canonical.strip()] = source.strip()
    return mapping
