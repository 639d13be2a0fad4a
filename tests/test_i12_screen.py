"""The screen test: every page, in both languages, on the demo store, rendered through the frame with AppTest.

All text a person can read on the first view of a page is collected (titles, markdown, captions, alerts, metrics,
tab and expander labels, widget labels, options, placeholders and help, and every cell of every table) and checked:

- no "None", "nan", "NaN", "NaT" or "<NA>" as a cell or a word;
- on a zh page, none of Streamlit's own English defaults (a select box without a placeholder shows "Choose an
  option"; a file uploader shows "Upload" and "200MB per file" unless a CSS cover of `stFileUploader` is on the page);
- on a zh page, no amount of ¥10,000 or more written without 万 / 亿.

One test per page and language (`-k "segments and zh"` runs one), so each page's owner can run theirs. The scanner
itself is tested on hand-typed texts at the end of this file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.helpers import ROOT
from tests.helpers import app as _app

PAGES = sorted(path.name for path in (ROOT / "pages").glob("*.py"))
LANGS = ("zh", "en")

# Streamlit's English words, as its frontend draws them when the script gives none (streamlit 1.67).
ENGLISH_DEFAULTS = (
    "Choose options",
    "Choose an option",
    "Choose or add options",
    "Choose or add an option",
    "Add options",
    "Add an option",
    "Select...",
    "No options to select",
    "No results",
    "Drag and drop",
    "Browse files",
    "200MB per file",
    "Press Enter to apply",
    "Press Enter to submit form",
    "In progress...",
    "Running...",
)
UPLOADER_DEFAULTS = ("Upload", "200MB per file")  # what st.file_uploader shows in 1.67 before anything is dragged

_EMPTY_WORD = re.compile(r"(?<![A-Za-z0-9_])(None|nan|NaN|NaT|<NA>)(?![A-Za-z0-9_])")
# ¥ (or the full-width ￥), an optional space and sign, a number with or without thousands separators and decimals.
_YUAN = re.compile(r"[¥￥]\s*[-−]?\s*(\d[\d,]*(?:\.\d+)?)(\s*[万亿])?")
_WORD_DEFAULTS = {"Upload"}  # short defaults that must be the whole text, not a part of a sentence


def problems(texts: Iterable[str], lang: str) -> list[str]:
    """What is wrong in these rendered texts for a page in `lang`: one line per offending text."""
    found: list[str] = []
    for text in texts:
        if _EMPTY_WORD.search(text):
            found.append(f"empty value shown as a word: {text!r}")
        if lang != "zh":
            continue
        for default in ENGLISH_DEFAULTS:
            if default in text:
                found.append(f"Streamlit's English {default!r}: {text!r}")
        if text.strip() in _WORD_DEFAULTS:
            found.append(f"Streamlit's English {text.strip()!r}")
        for match in _YUAN.finditer(text):
            number = float(match.group(1).replace(",", "") or 0)
            if number >= 10_000 and not match.group(2):
                found.append(f"amount without 万/亿: {match.group(0)!r} in {text!r}")
    return found


# ---- collecting the rendered text of an AppTest run ----------------------------------------------------------------


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    for child in (getattr(node, "children", None) or {}).values():
        yield from _nodes(child)


def _attr(node: Any, name: str) -> Any:
    try:
        return getattr(node, name)
    except (AttributeError, ValueError, TypeError):
        return None


def _table_texts(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(column) for column in frame.columns)
    if not isinstance(frame.index, pd.RangeIndex):
        yield from (str(label) for label in frame.index)
    for column in frame.columns:
        yield from (str(value) for value in frame[column].astype(object))


def _select_placeholder(node: Any) -> str:
    """The placeholder a select box shows: its own, else Streamlit's English default (as the frontend picks it)."""
    shown = str(_attr(node.proto, "placeholder") or "")
    if shown:
        return shown
    if not list(_attr(node.proto, "options") or []):
        return "No options to select"
    return "Choose options" if node.type == "multiselect" else "Choose an option"


def _covers_uploader(nodes: list[Any]) -> bool:
    """A CSS cover of the file uploader's words is on the page: a style (st.html or markdown) that names a
    stFileUploader element and draws content in its place."""
    for node in nodes:
        if getattr(node, "type", "") in {"html", "markdown"}:
            body = str(_attr(node, "value") or "")
            if "stFileUploader" in body and "content:" in body:
                return True
    return False


_TEXT_ELEMENTS = {
    *("markdown", "caption", "heading", "title", "header", "subheader", "text", "code", "latex"),
    *("alert", "error", "warning", "info", "success", "toast", "exception"),
}


def _where(node: Any) -> str:
    """The element a text comes from, for the failure message: its kind and its label or key."""
    kind = str(getattr(node, "type", "?"))
    name = _attr(node, "label") or _attr(node, "key")
    return f"{kind} {name!r}" if isinstance(name, str) and name else kind


def rendered_items(at: Any) -> list[tuple[str, str]]:
    """(where, text) for every text a reader sees on the run's first view, widgets and table cells included
    (charts excepted)."""
    nodes = [node for root in at._tree.children.values() for node in _nodes(root)]
    covered_uploader = _covers_uploader(nodes)
    items: list[tuple[str, str]] = []
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "html":
            continue  # CSS and markup, not text
        texts: list[str] = []
        if kind in {"dataframe", "table"}:
            frame = node.value
            items.extend((kind, str(column)) for column in frame.columns)
            if not isinstance(frame.index, pd.RangeIndex):
                items.extend((f"{kind} index", str(label)) for label in frame.index)
            for column in frame.columns:
                items.extend((f"{kind} column {column!r}", str(value)) for value in frame[column].astype(object))
            continue
        if kind in _TEXT_ELEMENTS:
            texts.append(str(node.value))
        elif kind == "metric":
            texts.extend(str(_attr(node, name) or "") for name in ("label", "value", "delta", "help"))
        for name in ("label", "help"):
            value = _attr(node, name) if kind not in {"metric"} else None
            if isinstance(value, str) and value:
                texts.append(value)
        if kind in {"selectbox", "multiselect", "radio", "select_slider", "button_group"}:
            texts.extend(str(option) for option in (_attr(node.proto, "options") or []))
        if kind in {"selectbox", "multiselect"}:
            texts.append(_select_placeholder(node))
        elif kind in {"text_input", "text_area", "number_input", "chat_input"}:
            placeholder = _attr(node.proto, "placeholder")
            if placeholder:
                texts.append(str(placeholder))
        elif kind == "file_uploader" and not covered_uploader:
            texts.extend(UPLOADER_DEFAULTS)
        elif kind == "progress":
            texts.append(str(_attr(node.proto, "text") or ""))
        items.extend((_where(node), text) for text in texts if text)
    return items


def rendered_texts(at: Any) -> list[str]:
    """Every text a reader sees on the run's first view (see rendered_items)."""
    return [text for _, text in rendered_items(at)]


def _run_page(page: str, lang: str) -> Any:
    at = _app(lang=lang).run()
    if page != "overview.py":
        at.switch_page(f"pages/{page}").run()
    return at


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES, ids=[Path(name).stem for name in PAGES])
def test_every_page_reads_right(app_workspace: Path, page: str, lang: str) -> None:
    at = _run_page(page, lang)
    assert not at.exception, f"{page} [{lang}] raised: {[e.value for e in at.exception]}"
    found = list(dict.fromkeys(f"{where}: {p}" for where, text in rendered_items(at) for p in problems([text], lang)))
    if found:
        pytest.fail(f"{page} [{lang}] shows {len(found)} problem(s):\n  " + "\n  ".join(found), pytrace=False)


# ---- the scanner itself, on hand-typed texts -----------------------------------------------------------------------

_PASSES_IN_ZH = [
    "¥25.17万",
    "¥1.00亿",
    "¥9,999",
    "¥9999.50",
    "-¥1,200",
    "¥ 3.5 万",
    "近12个月销售额 ¥1,234.56",
    "–",
    "Nonetheless",  # a longer word is not the word None
    "banana",
    "NaTional",
    "12,345 位顾客",  # a count, not an amount
    "£251,677",  # pounds keep their grouping
    "请选择",
]
_FAILS_IN_ZH = [
    ("¥10,000", "amount"),
    ("¥100,293,373", "amount"),
    ("销售额 ¥251677 元", "amount"),
    ("￥12,000.00", "amount"),
    ("¥ 50000", "amount"),
    ("None", "empty"),
    ("nan", "empty"),
    ("NaT", "empty"),
    ("<NA>", "empty"),
    ("渠道：None", "empty"),
    ("上次购买 NaT 天前", "empty"),
    ("Choose options", "English"),
    ("Choose an option", "English"),
    ("Select...", "English"),
    ("No options to select", "English"),
    ("Drag and drop files here", "English"),
    ("Browse files", "English"),
    ("Limit 200MB per file • CSV", "English"),
    ("Upload", "English"),
]


@pytest.mark.parametrize("text", _PASSES_IN_ZH)
def test_scanner_passes_good_chinese_texts(text: str) -> None:
    assert problems([text], "zh") == []


@pytest.mark.parametrize(("text", "kind"), _FAILS_IN_ZH, ids=[text for text, _ in _FAILS_IN_ZH])
def test_scanner_flags_bad_chinese_texts(text: str, kind: str) -> None:
    found = problems([text], "zh")
    assert len(found) >= 1
    assert {"amount": "万/亿", "empty": "empty value", "English": "English"}[kind] in found[0]
    assert repr(text) in found[0] or text in found[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¥100,293,373", []),  # English pages write amounts in full
        ("Choose options", []),  # English words are right on an English page
        ("Upload", []),
        ("None", ["empty value shown as a word: 'None'"]),
        ("Last order: NaT", ["empty value shown as a word: 'Last order: NaT'"]),
    ],
)
def test_scanner_on_english_pages(text: str, expected: list[str]) -> None:
    assert problems([text], "en") == expected


def test_scanner_lists_each_problem_of_one_text() -> None:
    assert problems(["None ¥12,345"], "zh") == [
        "empty value shown as a word: 'None ¥12,345'",
        "amount without 万/亿: '¥12,345' in 'None ¥12,345'",
    ]


def test_table_cells_are_read_as_shown() -> None:
    frame = pd.DataFrame(
        {"渠道": ["微信", None], "金额": [float("nan"), 1.0], "日": [pd.NaT, pd.Timestamp("2026-11-15")]}
    )
    cells = list(_table_texts(frame))
    assert cells == ["渠道", "金额", "日", "微信", "None", "nan", "1.0", "NaT", "2026-11-15 00:00:00"]
    assert len(problems(cells, "zh")) == 3


class _Node:
    def __init__(self, kind: str, value: str) -> None:
        self.type, self.value = kind, value


@pytest.mark.parametrize(
    ("nodes", "covered"),
    [
        ([_Node("html", '<style>[data-testid="stFileUploaderDropzone"] button::after{content:"上传"}</style>')], True),
        ([_Node("markdown", '<style>[data-testid="stFileUploader"] small::before{content:"最大 200MB"}')], True),
        ([_Node("html", '<style>[data-testid="stFileUploader"] small{color:red}</style>')], False),  # no words drawn
        ([_Node("html", '<style>[data-testid="InputInstructions"]::after{content:"按回车键确认"}</style>')], False),
        ([_Node("markdown", "上传文件")], False),
    ],
    ids=["html-after", "markdown-before", "no-content", "other-element", "plain-text"],
)
def test_an_uploader_counts_as_covered_only_with_a_css_cover_of_its_words(nodes: list[_Node], covered: bool) -> None:
    assert _covers_uploader(nodes) is covered
