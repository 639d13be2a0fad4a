"""The frame in the page's language: the sidebar's Streamlit words, the CSS covers of words Streamlit offers no
parameter for, and the shared format helpers added for issue 12."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from segcore import fmt
from tests.helpers import run_app
from ui.i18n import cover_css, streamlit_words_css
from ui.tables import number_text_config, readable


@pytest.mark.parametrize(("lang", "placeholder"), [("zh", "请选择数据集"), ("en", "Choose a dataset")])
def test_the_dataset_picker_has_a_placeholder_in_the_page_language(
    app_workspace: Path, lang: str, placeholder: str
) -> None:
    at = run_app(lang)
    assert at.sidebar.selectbox(key="_w_dataset").proto.placeholder == placeholder


def test_the_as_of_date_reads_year_month_day_with_slashes(app_workspace: Path) -> None:
    at = run_app("zh")
    assert at.sidebar.date_input(key="_w_as_of").proto.format == "YYYY/MM/DD"


def _styles(at: object) -> list[str]:
    event = at._tree.children[2]  # type: ignore[attr-defined]  # style-only st.html goes to the event container
    return [node.value for node in event.children.values() if getattr(node, "type", "") == "html"]


def test_a_chinese_page_covers_streamlits_input_hint(app_workspace: Path) -> None:
    styles = _styles(run_app("zh"))
    assert len(styles) == 1
    assert '[data-testid="InputInstructions"]::after{content:"按回车键确认"' in styles[0]


def test_an_english_page_covers_nothing(app_workspace: Path) -> None:
    assert _styles(run_app("en")) == []


def test_cover_css_hides_the_text_and_draws_the_words() -> None:
    assert cover_css('[data-testid="x"]', '按"回车"') == (
        '[data-testid="x"],[data-testid="x"] *{font-size:0 !important;line-height:0}'
        '[data-testid="x"]::after{content:"按\\"回车\\"";font-size:0.75rem;line-height:1.6}'
    )


def test_streamlit_words_css_takes_any_selector_and_catalog_key() -> None:
    assert streamlit_words_css("en") == ""
    css = streamlit_words_css("zh", (('[data-testid="stStatusWidget"] button', "ui.stop"),))
    assert css == (
        '<style>[data-testid="stStatusWidget"] button,[data-testid="stStatusWidget"] button *'
        "{font-size:0 !important;line-height:0}"
        '[data-testid="stStatusWidget"] button::after{content:"停止";font-size:0.75rem;line-height:1.6}</style>'
    )


@pytest.mark.parametrize(
    ("value", "lang", "currency", "expected"),
    [
        (12_000, "zh", "CNY", "+¥1.20万"),
        (12_000, "en", "CNY", "+¥12,000"),
        (-350, "zh", "CNY", "-¥350"),
        (0, "zh", "CNY", "¥0"),
        (123_456_789, "zh", "CNY", "+¥1.23亿"),
        (12_000, "zh", "GBP", "+£12,000"),
        (None, "zh", "CNY", "–"),
    ],
)
def test_signed_money(value: float | None, lang: str, currency: str, expected: str) -> None:
    assert fmt.signed_money(value, lang, currency=currency) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.123, "+12.3%"), (-0.05, "-5.0%"), (0.0, "0.0%"), (0.0004, "0.0%"), (None, "–")]
)
def test_signed_percent(value: float | None, expected: str) -> None:
    assert fmt.signed_percent(value) == expected


def test_readable_writes_p_values_and_keeps_the_other_formats() -> None:
    frame = pd.DataFrame({"tier": ["vip", None], "spend": [251_677.0, None], "p": [0.0004, 0.25]})
    shown = readable(frame, "zh", money=["spend"], p_values=["p"])
    assert shown.to_dict("list") == {"tier": ["vip", "–"], "spend": ["¥25.17万", "–"], "p": ["< 0.001", "0.250"]}


def test_number_text_config_right_aligns_the_named_columns() -> None:
    config = number_text_config(["金额", "人数"], help={"金额": "近12个月"})
    assert list(config) == ["金额", "人数"]
    assert config["金额"]["alignment"] == "right" and config["金额"]["help"] == "近12个月"
    assert config["人数"]["type_config"]["type"] == "text" and config["人数"]["help"] is None


def test_the_multiselect_select_all_option_reads_chinese() -> None:
    css = streamlit_words_css("zh")
    assert '[data-key="__select_all__"] [data-item-hl]::after{content:"全选";' in css
    assert '[data-key="__select_matches__"] [data-item-hl]::after{content:"选择全部匹配项";' in css
