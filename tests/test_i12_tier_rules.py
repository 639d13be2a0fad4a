"""Issue 12, section 3: the tier rules page shows who would move (a from -> to table) before saving, and shares
read as percentages. The store is the hand-built one of tests/test_i12_segments.py (its tiers are worked out by
hand there): A high_spend, B C D regular, E promo_frequent, F potential, G none (a refund only).

Raising the high-spend share from 20% to 40% puts ceil(40% x 5) = 2 buyers in high_spend: A and B (¥400, the
second biggest spender). Nothing else depends on the share, so exactly one customer moves: B, regular -> high_spend.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from segcore.tier_rules import DEFAULT_RULES, moved_count, preview_moves, tier_moves
from segcore.workspace import Workspace
from tests.helpers import app
from tests.test_i12_segments import AS_OF, shop  # noqa: F401  (the hand-built store fixture)

ORDER = [*DEFAULT_RULES.tier_order, "regular", "potential"]


def _tiers(pairs: dict[str, str | None]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list(pairs), "tier": list(pairs.values())})


def test_tier_moves_counts_each_from_to_pair() -> None:
    before = _tiers({"a": "high_spend", "b": "regular", "c": "regular", "d": "potential", "e": None})
    after = _tiers({"a": "high_spend", "b": "high_spend", "c": "loyal", "d": "potential", "e": None})
    moves = tier_moves(before, after, ORDER)
    assert list(moves.index) == [*ORDER, "none"] and list(moves.columns) == [*ORDER, "none"]
    nonzero = {(f, t): int(moves.at[f, t]) for f in moves.index for t in moves.columns if moves.at[f, t]}
    assert nonzero == {
        ("high_spend", "high_spend"): 1,
        ("regular", "high_spend"): 1,
        ("regular", "loyal"): 1,
        ("potential", "potential"): 1,
        ("none", "none"): 1,
    }
    assert moved_count(moves) == 2


def test_tier_moves_without_anyone_untiered_has_no_none_row() -> None:
    same = _tiers({"a": "regular", "b": "sleeping"})
    moves = tier_moves(same, same, ORDER)
    assert list(moves.index) == ORDER
    assert moved_count(moves) == 0


def test_preview_on_the_hand_built_store(shop: Path) -> None:  # noqa: F811
    workspace = Workspace(shop)
    try:
        with workspace.reader() as con:
            moves = preview_moves(con, "shop", AS_OF, DEFAULT_RULES, replace(DEFAULT_RULES, high_spend_share=0.4))
    finally:
        workspace.close()
    nonzero = {(f, t): int(moves.at[f, t]) for f in moves.index for t in moves.columns if moves.at[f, t]}
    assert nonzero == {
        ("high_spend", "high_spend"): 1,  # A
        ("regular", "high_spend"): 1,  # B
        ("regular", "regular"): 2,  # C, D
        ("promo_frequent", "promo_frequent"): 1,  # E
        ("potential", "potential"): 1,  # F
        ("none", "none"): 1,  # G
    }
    assert moved_count(moves) == 1


def test_moves_table_reads_names_and_drops_empty_tiers() -> None:
    from ui.segment_views import moves_table

    before = _tiers({"a": "high_spend", "b": "regular", "c": "regular"})
    after = _tiers({"a": "high_spend", "b": "high_spend", "c": "regular"})
    shown = moves_table(tier_moves(before, after, ORDER), "zh")
    assert list(shown.columns) == ["已保存 → 修改后", "高消费总额会员", "普通会员"]
    assert shown.values.tolist() == [["高消费总额会员", "1", "–"], ["普通会员", "1", "1"]]


def _rules_page(path: Path, monkeypatch: pytest.MonkeyPatch, lang: str):
    import streamlit as st

    monkeypatch.setenv("SEGCORE_WORKSPACE", str(path))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app(lang=lang).run()  # as of the last day of the data, 1 Jun 2026
    at.switch_page("pages/tier_rules.py").run()
    return at


def test_rules_page_previews_the_move_before_saving(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    at = _rules_page(shop, monkeypatch, "en")
    share = at.number_input(key="set_high_spend_share")
    assert (share.label, share.value) == ("High spend: top share by spend (%)", 20.0)
    assert "These are the saved rules: nobody changes tier." in [c.value for c in at.caption]
    share.set_value(40.0).run()
    assert not at.exception
    assert any(m.value.startswith("1 customers would change tier as of 1 Jun 2026.") for m in at.markdown)
    matrix = at.dataframe[0].value
    assert list(matrix.columns) == [
        "Saved → edited",
        "High spend (VIP)",
        "Promo frequent",
        "Regular",
        "Potential (never bought)",
        "Not yet joined or bought",
    ]
    assert matrix.values.tolist() == [
        ["High spend (VIP)", "1", "–", "–", "–", "–"],
        ["Promo frequent", "–", "1", "–", "–", "–"],
        ["Regular", "1", "–", "2", "–", "–"],
        ["Potential (never bought)", "–", "–", "–", "1", "–"],
        ["Not yet joined or bought", "–", "–", "–", "–", "1"],
    ]
    workspace = Workspace(shop)
    try:
        with workspace.reader() as con:  # nothing saved yet
            assert con.execute("select count(*) from settings where key = 'tier_config'").fetchone() == (0,)
    finally:
        workspace.close()
    at.button(key="set_save").click().run()
    assert at.success[0].value == "1 customers changed tier because of this change (as of 1 Jun 2026)."


def test_rules_page_in_chinese(shop: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    at = _rules_page(shop, monkeypatch, "zh")
    at.number_input(key="set_high_spend_share").set_value(40.0).run()
    assert any(m.value.startswith("截至 2026年6月1日，将有 1 位顾客换分层。") for m in at.markdown)
    at.number_input(key="set_high_spend_share").set_value(150.0).run()
    assert any("不超过 100%" in e.value for e in at.error)
    assert "请先修正上方标出的数值，再查看哪些顾客会换分层。" in [i.value for i in at.info]
