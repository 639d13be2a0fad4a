"""Data: upload sales and members files, confirm one mapping per group of files with the same headers, read the
whole load's quality report, manage datasets (currency, default, delete)."""

from __future__ import annotations

import zlib

import pandas as pd
import streamlit as st

from segcore import fmt
from segcore.currency import CURRENCIES
from segcore.export_log import export_log, export_log_csv, readable_log
from segcore.load_summary import amount_derived, group_by_headers, propose_currency, rejects_export
from ui import dataset_views, state, uploads
from ui.auth import page_access, refusal
from ui.downloads import recorded_download
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/data.py")
access = page_access()

_FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "parquet"]
LOG_SHOWN = 200  # the export log's newest rows on the page; the download has every row
_PREVIEW_COLUMNS = 3  # collapsed previews side by side, so 30 files take 10 lines


def _upload_section(datasets: pd.DataFrame) -> None:
    """Pick or name a dataset, upload files, confirm their mappings and load them in one transaction."""
    existing = [d for d in datasets["dataset_id"] if d != "demo"]
    target = st.selectbox(
        t("data.target"), [*existing, t("data.new_dataset")], key="data_target", placeholder=t("data.pick")
    )
    is_new = target == t("data.new_dataset")
    if is_new:
        target = st.text_input(t("data.new_name"), value="", key="data_new_name", placeholder=t("data.new_name_hint"))

    # A new key after each load empties the uploaders, so loaded files are not saved again on the next run.
    upload_round = st.session_state.setdefault("data_upload_round", 0)
    sales_files = st.file_uploader(
        t("data.sales_files"), type=_FILE_TYPES, accept_multiple_files=True, key=f"data_sales_{upload_round}"
    )
    member_file = st.file_uploader(t("data.members_file"), type=_FILE_TYPES, key=f"data_members_{upload_round}")

    # Preview every file (a sheet is asked for where an XLSX has several), then group them by their headers.
    files = []
    for kind, upload in [("sales", f) for f in sales_files or []] + ([("members", member_file)] if member_file else []):
        path = uploads.saved_upload(upload)
        found = uploads.preview(path, kind, upload.name, f"data_{kind}_{upload.file_id}")
        if found is not None:
            files.append((kind, upload.name, path, *found))

    pending = []
    for group in group_by_headers([(kind, preview.info.headers) for kind, _, _, preview, _ in files]):
        members = [files[i] for i in group.files]
        first = members[0][3]
        key = f"data_group_{upload_round}_{group.kind}_{zlib.crc32(chr(31).join(group.headers).encode()):08x}"
        kind_name = t(f"data.kind.{group.kind}")
        with st.container(border=True):
            if len(members) > 1:
                st.subheader(t("data.group_many", kind=kind_name, n=fmt.count(len(members), lang())))
            else:
                st.subheader(t("data.group_one", kind=kind_name, file=members[0][1]))
            st.markdown(t("data.confirm_mapping"))
            mapping = uploads.mapping_editor(first, group.kind, key)
            if group.kind == "sales" and amount_derived(mapping):
                st.info(t("data.amount_derived"))
            problem = uploads.mapping_problems(mapping, group.kind, first)
            empty = [name for _, name, _, preview, _ in members if preview.rows == 0]
            if empty and not problem:
                problem = t("data.empty_files", files="、".join(empty) if lang() == "zh" else ", ".join(empty))
            if problem:
                st.error(problem)
            elif len(members) > 1:
                st.caption(t("data.group_applies", n=fmt.count(len(members), lang())))
            st.caption(t("data.group_previews"))
            grid = st.columns(min(_PREVIEW_COLUMNS, len(members)))
            for i, (_, name, _, preview, _) in enumerate(members):
                with grid[i % len(grid)].expander(t("data.file_preview", file=name, n=fmt.count(preview.rows, lang()))):
                    st.dataframe(preview.sample, hide_index=True)
        if not problem:
            pending += [(path, name, kind, mapping, sheet) for kind, name, path, _, sheet in members]

    chosen_currency = None
    sales_previews = [preview for kind, _, _, preview, _ in files if kind == "sales"]
    if sales_previews:
        current = None if is_new or not target else state.workspace().currency(target)
        proposed, why = propose_currency([p.currency for p in sales_previews], current)
        chosen_currency = st.selectbox(
            t("data.currency"),
            CURRENCIES,
            index=CURRENCIES.index(proposed),
            format_func=dataset_views.currency_label,
            key=f"data_currency_{upload_round}_{proposed}",  # a new guess (other files) proposes afresh
            placeholder=t("data.pick"),
        )
        st.caption(t(f"data.currency_{why}"))

    ready = bool(pending) and bool(target and target.strip())
    if (sales_files or member_file) and not (target and target.strip()):
        st.warning(t("err.empty_dataset_name"))
    if st.button(t("data.load"), type="primary", disabled=not ready, key="data_load"):
        with st.status(t("data.loading"), expanded=True) as status:
            # one upload is one transaction: all files, or none
            reports, summary = uploads.load_all(pending, target.strip(), chosen_currency, access)
            if reports:
                status.update(label=t("data.loaded", n=len(reports)), state="complete")
            else:
                status.update(label=t("data.load_failed"), state="error", expanded=True)
        if reports:  # on an error, stay: the message is on the page and the files are still in the uploaders
            st.session_state["data_upload_round"] = upload_round + 1
            st.session_state["data_reports"] = reports
            st.session_state["data_summary"] = summary
            st.session_state["dataset_request"] = target.strip()
            st.rerun()


st.markdown(
    uploads.uploader_css(lang(), types=_FILE_TYPES, max_mb=uploads.max_upload_bytes() // 2**20),
    unsafe_allow_html=True,
)
st.title(t("data.title"))
st.caption(t("data.intro"))

# The last load's report first: it is what the owner came back to read.
summary = st.session_state.get("data_summary")
reports = st.session_state.get("data_reports") or []
if summary is not None and reports:
    st.subheader(t("data.quality_report"))
    with st.container(border=True):
        st.markdown(f"**{t('data.load_totals')}** → `{summary.dataset_id}`")
        uploads.load_totals(summary)
        loaded_ids = tuple(r.load_id for r in reports if r.status == "loaded" and r.rows_rejected)
        if loaded_ids and access.can("unmask"):  # the lines as the files had them: phones in full
            code = lang()
            recorded_download(
                st.container(),
                t("data.download_all_rejects"),
                lambda con: rejects_export(con, summary.dataset_id, loaded_ids, code, access=access),
                access=access,
                file_name=f"rejected-{summary.dataset_id}.csv",
                mime="text/csv",
                key="data_dl_rejects",
            )
    st.markdown(f"**{t('data.per_file')}**")
    st.dataframe(uploads.files_table(reports, lang(), summary.currency), hide_index=True, width="stretch")
    for report in reports:
        if uploads.needs_details(report):
            with st.expander(t("data.file_details", file=report.file_name)):
                uploads.file_details(report, summary.currency)
    st.subheader(t("data.upload_more"))


datasets = state.datasets()
if access.can("load_data"):
    _upload_section(datasets)
    dataset_views.tier_table_section(access)
else:
    st.caption(refusal(access, "load_data"))

st.subheader(t("data.datasets"))
default = state.default_dataset()
ids = list(datasets["dataset_id"])
currencies = {d: state.workspace().currency(d) for d in ids}
st.dataframe(
    uploads.datasets_table(state.datasets(), lang(), default=default, currencies=currencies),
    hide_index=True,
    width="stretch",
)
st.caption(t("data.customers_def"))
if default is not None:
    st.markdown(t("data.default_now", dataset=default))

if ids and access.can("change_settings"):
    dataset_views.settings_panel(ids, default, currencies, access)

if access.can("delete_data"):
    doomed = st.selectbox(
        t("data.delete_which"),
        [None, *datasets["dataset_id"]],
        key="data_delete_pick",
        format_func=lambda d: "—" if d is None else d,
        placeholder=t("data.pick"),
    )
    if doomed is not None:
        st.warning(t("data.delete_confirm", dataset=doomed))
        if st.button(t("data.delete"), key="data_delete"):
            state.workspace().delete_dataset(doomed, access=access)
            state.invalidate()
            st.session_state.pop("data_delete_pick", None)
            st.rerun()

if access.can("read_export_log"):
    st.subheader(t("log.title"))
    st.caption(t("log.caption"))
    with state.workspace().reader() as con:
        log = export_log(con, access)
    if log.empty:
        st.markdown(t("log.empty"))
    else:
        code = lang()
        st.markdown(t("log.count", n=fmt.count(len(log), code)))
        st.dataframe(readable_log(log.head(LOG_SHOWN), code), hide_index=True, width="stretch", key="data_log")
        recorded_download(
            st.container(),
            t("log.download"),
            lambda con: export_log_csv(con, access, code),
            access=access,
            file_name="export-log.csv",
            mime="text/csv",
            key="data_log_download",
        )
