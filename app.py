"""The frame: page config, language, navigation, shared state and the sidebar. Pages do the rest."""

from __future__ import annotations

import streamlit as st

from ui import sidebar, state
from ui.i18n import init_lang, t

st.set_page_config(page_title="Segcore", page_icon=":material/groups:", layout="wide")
init_lang()
# st.navigation comes first: until a session calls it, Streamlit would list the files of pages/ by itself.
page = st.navigation(
    [
        st.Page("pages/overview.py", title=t("nav.overview"), icon=":material/home:", default=True),
        st.Page("pages/data.py", title=t("nav.data"), icon=":material/upload_file:", url_path="data"),
    ]
)
state.ensure_demo()
sidebar.render()
page.run()
