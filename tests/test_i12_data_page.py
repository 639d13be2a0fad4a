"""Issue 12, Data page: files grouped by headers (one mapping per group), the whole load's totals, every rejected
line in one CSV, the currency chosen at upload, the default dataset, and the page itself (AppTest)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from segcore.access import owner
from segcore.currency import dataset_currency
from segcore.ingest import FileSpec, load_files, preview_file
from segcore.load_summary import (
    FileGroup,
    amount_derived,
    group_by_headers,
    load_rejects,
    propose_currency,
    rejects_csv,
    summarize_load,
)
from tests.helpers import run_app

OWNER = owner("tester")  # the tests act as the shop's owner unless they test a role

LOADED_AT = datetime(2026, 3, 1, 9, 0)

# Two files with the same headers (three rejected lines between them, a refund, C1 in both) and one without an
# amount column (quantity x unit price).
A_CSV = """customer,order,date,amount
C1,O1,2026-01-05,100.00
C2,O2,2026-01-06,50.50
,O3,2026-01-07,20.00
C3,O4,notadate,10.00
"""
B_CSV = """customer,order,date,amount
C1,O5,2026-02-01,-30.00
C4,O6,2026-02-02,abc
C4,O7,2026-02-03,5.25
"""
C_CSV = """member,day,qty,price
C5,2026-02-10,2,3.50
"""
AB_MAPPING = {"customer_id": "customer", "order_id": "order", "order_date": "date", "amount": "amount"}
C_MAPPING = {"customer_id": "member", "order_date": "day", "quantity": "qty", "unit_price": "price"}


def _write(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def _load_three(con, tmp_path: Path, currency: str | None = None):
    specs = [
        FileSpec(_write(tmp_path, "a.csv", A_CSV), "sales", AB_MAPPING),
        FileSpec(_write(tmp_path, "b.csv", B_CSV), "sales", AB_MAPPING),
        FileSpec(_write(tmp_path, "c.csv", C_CSV), "sales", C_MAPPING),
    ]
    return load_files(con, "shop", specs, loaded_at=LOADED_AT, currency=currency, access=OWNER)


# --- grouping by headers ----------------------------------------------------------------------------------------


def test_files_with_the_same_headers_share_one_group(tmp_path: Path) -> None:
    paths = [
        _write(tmp_path, "a.csv", A_CSV),
        _write(tmp_path, "c.csv", C_CSV),
        _write(tmp_path, "b.csv", B_CSV),
        _write(tmp_path, "reordered.csv", "order,customer,date,amount\nO9,C9,2026-01-01,1\n"),
        _write(tmp_path, "m.csv", "customer,order,date,amount\nC1,O1,2026-01-05,1\n"),
    ]
    kinds = ["sales", "sales", "sales", "sales", "members"]
    headers = [(kind, preview_file(path, kind).info.headers) for path, kind in zip(paths, kinds, strict=True)]
    assert group_by_headers(headers) == [
        FileGroup("sales", ("customer", "order", "date", "amount"), (0, 2)),
        FileGroup("sales", ("member", "day", "qty", "price"), (1,)),
        FileGroup("sales", ("order", "customer", "date", "amount"), (3,)),  # another order: another mapping
        FileGroup("members", ("customer", "order", "date", "amount"), (4,)),  # another kind: another mapping
    ]


def test_thirty_files_with_identical_headers_make_one_group() -> None:
    headers = ("InvoiceNo", "CustomerID", "InvoiceDate", "Quantity", "UnitPrice")
    assert group_by_headers([("sales", headers)] * 30) == [FileGroup("sales", headers, tuple(range(30)))]


@pytest.mark.parametrize(
    "mapping, derived",
    [
        pytest.param({"amount": "a", "quantity": "q", "unit_price": "p"}, False, id="amount-column-wins"),
        pytest.param({"quantity": "q", "unit_price": "p"}, True, id="quantity-times-price"),
        pytest.param({"quantity": "q"}, False, id="no-price"),
        pytest.param({}, False, id="nothing"),
    ],
)
def test_amount_is_derived_only_without_an_amount_column(mapping: dict[str, str], derived: bool) -> None:
    assert amount_derived(mapping) is derived


# --- the whole load's totals ------------------------------------------------------------------------------------


def test_whole_load_totals_count_distinct_customers_and_every_reject(con, tmp_path: Path) -> None:
    reports = _load_three(con, tmp_path, currency="GBP")
    summary = summarize_load(con, reports, "GBP")
    assert (summary.dataset_id, summary.currency, summary.files, summary.files_loaded) == ("shop", "GBP", 3, 3)
    assert (summary.rows_read, summary.rows_kept, summary.rows_rejected) == (8, 5, 3)
    assert summary.rejects_by_reason == {"bad_amount": 1, "bad_date": 1, "missing_customer_id": 1}
    assert summary.customers == 4  # C1 (in a.csv and b.csv), C2, C4, C5; per-file counts would add to 5
    assert (summary.date_min, summary.date_max) == (datetime(2026, 1, 5), datetime(2026, 2, 10))
    assert summary.amount_total == pytest.approx(132.75)  # 100 + 50.50 - 30 + 5.25 + 2 x 3.50
    assert (summary.refund_lines, summary.derived_files, summary.members, summary.files_duplicate) == (1, 1, None, 0)


def test_a_file_loaded_again_is_counted_as_skipped(con, tmp_path: Path) -> None:
    _load_three(con, tmp_path)
    again = load_files(
        con, "shop", [FileSpec(tmp_path / "a.csv", "sales", AB_MAPPING)], loaded_at=LOADED_AT, access=OWNER
    )
    summary = summarize_load(con, again, "CNY")
    assert (summary.files, summary.files_loaded, summary.files_duplicate, summary.rows_read) == (1, 0, 1, 0)
    assert (summary.customers, summary.date_min, summary.amount_total) == (0, None, 0.0)


# --- every rejected line in one CSV -----------------------------------------------------------------------------


def test_all_rejects_make_one_csv_with_a_file_column(con, tmp_path: Path) -> None:
    reports = _load_three(con, tmp_path)
    frame = load_rejects(con, "shop", [r.load_id for r in reports])
    assert (
        rejects_csv(frame, "en")
        == (
            "\ufefffile,line,reason,customer,order,date,amount\n"
            "a.csv,3,missing customer id,,O3,2026-01-07,20.00\n"
            "a.csv,4,unreadable date,C3,O4,notadate,10.00\n"
            "b.csv,2,unreadable amount,C4,O6,2026-02-02,abc\n"
        ).encode()
    )
    assert rejects_csv(frame, "zh").decode("utf-8-sig").splitlines()[:2] == [
        "文件,行号,拒收原因,customer,order,date,amount",
        "a.csv,3,缺少会员号,,O3,2026-01-07,20.00",
    ]


def test_rejects_of_other_loads_are_left_out(con, tmp_path: Path) -> None:
    reports = _load_three(con, tmp_path)
    b_only = [r.load_id for r in reports if r.file_name == "b.csv"]
    assert (
        rejects_csv(load_rejects(con, "shop", b_only), "en")
        == (
            "\ufefffile,line,reason,customer,order,date,amount\nb.csv,2,unreadable amount,C4,O6,2026-02-02,abc\n"
        ).encode()
    )


# --- currency ---------------------------------------------------------------------------------------------------


def test_the_currency_chosen_at_upload_is_the_datasets(con, tmp_path: Path) -> None:
    _load_three(con, tmp_path, currency="EUR")
    assert dataset_currency(con, "shop") == "EUR"


@pytest.mark.parametrize(
    "guesses, current, expected",
    [
        pytest.param(["GBP", None, "GBP", "EUR"], "CNY", ("GBP", "guessed"), id="most-frequent-guess"),
        pytest.param([None, None], "HKD", ("HKD", "current"), id="dataset-current"),
        pytest.param([None], None, ("CNY", "default"), id="yuan-by-default"),
    ],
)
def test_currency_proposed_at_upload(guesses, current, expected) -> None:
    assert propose_currency(guesses, current) == expected


# --- the uploader's texts on a zh page --------------------------------------------------------------------------


def test_uploader_css_covers_streamlits_english_texts_in_chinese_only() -> None:
    from ui.uploads import uploader_css

    assert uploader_css("en", types=["csv"], max_mb=200) == ""
    css = uploader_css("zh", types=["csv", "xlsx"], max_mb=200)
    assert css.startswith("<style>") and css.endswith("</style>")
    assert '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after' in css
    assert 'content: "上传文件"' in css
    assert 'content: "每个文件不超过 200MB • CSV、XLSX"' in css
    assert 'content: "将文件拖放到这里"' in css
    scoped = uploader_css("zh", types=["csv"], max_mb=5, scope=".st-key-x")
    assert '.st-key-x [data-testid="stFileUploaderDropzoneInstructions"] span::after' in scoped


# --- the page ---------------------------------------------------------------------------------------------------

SAME_HEADERS = "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Country\n"


def _day_file(day: int) -> tuple[str, bytes, str]:
    body = SAME_HEADERS + f"5{day:02d}01,C{day},2011-01-{day:02d} 10:00,2,1.50,United Kingdom\n"
    if day == 2:
        body += f"5{day:02d}02,,2011-01-{day:02d} 11:00,1,1.00,United Kingdom\n"  # rejected: no customer
    return (f"day-{day:02d}.csv", body.encode(), "text/csv")


def _data_page(lang: str = "en"):
    at = run_app(lang)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


def test_page_shows_one_mapping_for_files_with_the_same_headers_and_totals_first(app_workspace: Path) -> None:
    at = _data_page()
    at.text_input(key="data_new_name").input("uk").run()
    at.file_uploader(key="data_sales_0").set_value([_day_file(d) for d in range(1, 6)]).run()
    assert not at.exception
    editors = [w for w in at.selectbox if w.key and w.key.endswith("_map_customer_id")]
    assert len(editors) == 1 and editors[0].value == "CustomerID"
    assert [s.value for s in at.subheader][:1] == ["Sales · 5 files with the same columns"]
    assert "This mapping applies to all 5 files of this group." in [c.value for c in at.caption]
    labels = sorted(e.label for e in at.expander if e.label != "Load a tier table computed on Spark")  # collapsed
    # previews, three columns side by side (the other expander is the tier-table section, issue 14)
    assert labels == ["day-01.csv · 1 rows", "day-02.csv · 2 rows", "day-03.csv · 1 rows", "day-04.csv · 1 rows",
                      "day-05.csv · 1 rows"]  # fmt: skip
    assert "each line's amount will be computed as quantity × unit price" in at.info[0].value
    currency = at.selectbox(key="data_currency_0_GBP")  # guessed from the Country column
    assert currency.value == "GBP"
    at.button(key="data_load").click().run()
    assert not at.exception
    labels = [(m.label, m.value) for m in at.metric]
    assert labels == [
        ("Files", "5"),
        ("Rows read", "6"),
        ("Rows kept", "5"),
        ("Rows rejected", "1"),
        ("Customers", "5"),  # defined in the caption right below and in the help
    ]
    assert "1 rows rejected: missing customer id" in [w.value for w in at.warning]
    per_file = at.dataframe[0].value
    assert list(per_file["File"]) == [f"day-{d:02d}.csv" for d in range(1, 6)]
    assert list(per_file["Amount from"]) == ["quantity × unit price"] * 5
    assert list(per_file["Net amount"]) == ["£3"] * 5
    [download] = at.get("download_button")
    assert download.proto.label == "Download the rejected rows (all files, one CSV)"
    from segcore.workspace import Workspace

    assert Workspace(app_workspace).currency("uk") == "GBP"


def test_page_passes_the_chosen_currency_to_the_workspace(app_workspace: Path) -> None:
    at = _data_page()
    at.text_input(key="data_new_name").input("hk").run()
    at.file_uploader(key="data_sales_0").set_value([_day_file(1)]).run()
    at.selectbox(key="data_currency_0_GBP").set_value("HKD").run()
    at.button(key="data_load").click().run()
    assert not at.exception
    from segcore.workspace import Workspace

    assert Workspace(app_workspace).currency("hk") == "HKD"


def test_page_changes_a_datasets_currency_and_the_default_dataset(app_workspace: Path) -> None:
    at = _data_page()
    table = at.dataframe[0].value
    assert list(table["Default"]) == ["✓"] and list(table["Currency"]) == ["CNY"]
    assert "New sessions (and the meeting screen) open on: **demo**" in [m.value for m in at.markdown]
    at.selectbox(key="data_settings_currency_demo").set_value("USD").run()
    at.button(key="data_save_currency").click().run()
    assert not at.exception
    assert list(at.dataframe[0].value["Currency"]) == ["USD"]
    assert "demo now shows its amounts in US dollar ($)." in [s.value for s in at.success]


def test_page_makes_another_dataset_the_default(app_workspace: Path) -> None:
    at = _data_page()
    at.text_input(key="data_new_name").input("uk").run()
    at.file_uploader(key="data_sales_0").set_value([_day_file(1)]).run()
    at.button(key="data_load").click().run()
    assert not at.exception
    at.selectbox(key="data_settings_pick").set_value("uk").run()
    at.button(key="data_make_default").click().run()
    assert not at.exception
    from segcore.workspace import Workspace

    assert Workspace(app_workspace).default_dataset() == "uk"
    table = at.dataframe[-1].value
    assert dict(zip(table["Dataset"], table["Default"], strict=True)) == {"uk": "✓", "demo (demo)": ""}


def test_page_in_chinese_labels_counts_and_covers_the_uploader(app_workspace: Path) -> None:
    at = _data_page("zh")
    assert "顾客数（有销售行）" in list(at.dataframe[0].value.columns)
    assert any("将文件拖放到这里" in m.value for m in at.markdown)
    assert at.selectbox(key="data_target").placeholder == "请选择…"
