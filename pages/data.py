"""Data: upload sales and members files, confirm the column mapping, read the quality report, manage datasets."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from ui import state, uploads
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/data.py")

_FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "parquet"]

st.title(t("data.title"))
st.caption(t("data.intro"))

datasets = state.datasets()
existing = [d for d in datasets["dataset_id"] if d != "demo"]
target = st.selectbox(t("data.target"), [*existing, t("data.new_dataset")], key="data_target")
if target == t("data.new_dataset"):
    target = st.text_input(t("data.new_name"), value="", key="data_new_name", placeholder=t("data.new_name_hint"))

# A new key after each load empties the uploaders, so loaded files are not saved again on the next run.
upload_round = st.session_state.setdefault("data_upload_round", 0)
sales_files = st.file_uploader(
    t("data.sales_files"), type=_FILE_TYPES, accept_multiple_files=True, key=f"data_sales_{upload_round}"
)
member_file = st.file_uploader(t("data.members_file"), type=_FILE_TYPES, key=f"data_members_{upload_round}")

pending = []
for kind, upload in [("sales", f) for f in sales_files or []] + ([("members", member_file)] if member_file else []):
    key = f"data_{kind}_{upload.file_id}"
    path = uploads.saved_upload(upload)
    with st.expander(f"{t('data.kind.' + kind)} · {upload.name}", expanded=True):
        found = uploads.preview(path, kind, upload.name, key)
        if found is None:
            continue
        preview, sheet = found
        st.caption(t("data.preview_rows", n=fmt.count(preview.rows, lang())))
        st.dataframe(preview.sample, hide_index=True)
        st.markdown(t("data.confirm_mapping"))
        mapping = uploads.mapping_editor(preview, kind, key)
        problem = uploads.mapping_problems(mapping, kind, preview)
        if problem:
            st.error(problem)
            continue
        pending.append((path, upload.name, kind, mapping, sheet))

ready = bool(pending) and bool(target and target.strip())
if (sales_files or member_file) and not (target and target.strip()):
    st.warning(t("err.empty_dataset_name"))
if st.button(t("data.load"), type="primary", disabled=not ready, key="data_load"):
    with st.status(t("data.loading"), expanded=True) as status:
        reports = uploads.load_all(pending, target.strip())  # one upload is one transaction: all files, or none
        status.update(label=t("data.loaded", n=len(reports)), state="complete" if reports else "error")
    if reports:  # on an error, stay: the message is on the page and the files are still in the uploaders
        st.session_state["data_upload_round"] = upload_round + 1
        st.session_state["data_reports"] = reports
        st.session_state["dataset_request"] = target.strip()
        st.rerun()

if st.session_state.get("data_reports"):
    st.subheader(t("data.quality_report"))
    for report in st.session_state["data_reports"]:
        with st.container(border=True):
            uploads.quality_report(report)

st.subheader(t("data.datasets"))
st.dataframe(uploads.datasets_table(state.datasets(), lang()), hide_index=True, width="stretch")
doomed = st.selectbox(
    t("data.delete_which"),
    [None, *datasets["dataset_id"]],
    key="data_delete_pick",
    format_func=lambda d: "—" if d is None else d,
)
if doomed is not None:
    st.warning(t("data.delete_confirm", dataset=doomed))
    if st.button(t("data.delete"), key="data_delete"):
        state.workspace().delete_dataset(doomed)
        state.invalidate()
        st.session_state.pop("data_delete_pick", None)
        st.rerun()
