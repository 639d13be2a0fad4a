"""Issue 12, the marketer's Targets page: the list's size sits above the filters, "0" on the spend limit says "no
upper limit", the holdout reads in percent, the preview shows no None / nan / NaT, every pick list has a placeholder
in the page's language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run_app


def _walk(node: Any) -> Iterator[Any]:
    """Every element of an AppTest tree in page order."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for key in sorted(children):
            yield from _walk(children[key])
    else:
        yield node


def _targets(lang: str):
    at = run_app(lang)
    at.switch_page("pages/targets.py").run()
    assert not at.exception
    return at


def test_the_list_size_comes_before_every_filter_and_follows_them(app_workspace: Path) -> None:
    at = _targets("en")
    order = list(_walk(at.main))
    size = next(i for i, e in enumerate(order) if getattr(e, "type", "") == "metric" and e.label == "On the list")
    first_filter = next(i for i, e in enumerate(order) if getattr(e, "key", None) == "tgt_tier")
    last_filter = next(i for i, e in enumerate(order) if getattr(e, "key", None) == "tgt_spend_max")
    assert size < first_filter < last_filter
    labels = [m.label for m in at.metric][:3]
    assert labels == ["On the list", "Reachable on this channel", "Matched the filters"]
    everyone = at.metric[0].value
    assert any("Out of 20,000 customers known on 15 Nov 2026" in c.value for c in at.caption)
    at.multiselect(key="tgt_tier").set_value(["silent"]).run()
    assert not at.exception
    silent = at.metric[0].value
    assert silent != everyone and int(silent.replace(",", "")) < int(everyone.replace(",", ""))


@pytest.mark.parametrize(
    ("lang", "label", "note"),
    [
        ("en", "Spend (2 years) at most ¥ (0 = no upper limit)", "No upper limit on spend."),
        ("zh", "2年消费金额不高于 ¥（0 = 不设上限）", "消费金额不设上限。"),
    ],
)
def test_zero_spend_limit_says_no_upper_limit(app_workspace: Path, lang: str, label: str, note: str) -> None:
    at = _targets(lang)
    field = at.number_input(key="tgt_spend_max")
    assert (field.label, field.value) == (label, 0)
    assert note in [c.value for c in at.caption]
    field.set_value(5000).run()
    assert note not in [c.value for c in at.caption]


def test_holdout_reads_in_percent_and_the_preview_has_no_empty_words(app_workspace: Path) -> None:
    at = _targets("zh")
    holdout = at.slider(key="tgt_holdout")
    assert holdout.value == 10
    preview = at.dataframe[0].value
    assert list(preview.columns)[-1] == "消费金额（2年）"
    text = " ".join(preview.astype(str).to_numpy().ravel())
    assert "None" not in text and "nan" not in text and "NaT" not in text
    assert all(v.startswith("¥") for v in preview["消费金额（2年）"])


def test_every_pick_list_has_a_placeholder_in_chinese(app_workspace: Path) -> None:
    at = _targets("zh")
    widgets = [*at.multiselect, *at.selectbox]
    assert widgets
    for widget in widgets:
        assert widget.placeholder in ("不限（选择以缩小范围）", "请选择"), widget.key
