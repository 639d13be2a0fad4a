"""The frame: page config, language, navigation, shared state and the sidebar. Pages do the rest."""

from __future__ import annotations

import streamlit as st

from ui import auth, sidebar, state
from ui.guard import FRAME_READY, WANTED_PAGE, restore_query, workspace_run
from ui.i18n import cover_streamlit_words, init_lang, t

st.set_page_config(page_title="Segcore", page_icon="👥", layout="wide")
restore_query()
init_lang()
cover_streamlit_words()  # Streamlit's own English words (input hints, Stop) in the page's language
auth.gate()  # with [auth] in secrets.toml: the sign-in or no-access page, and nothing more, for anyone without a role
# st.navigation comes first: until a session calls it, Streamlit would list the files of pages/ by itself.
pages = {
    "pages/overview.py": st.Page("pages/overview.py", title=t("nav.overview"), icon=":material/home:", default=True),
    "pages/weekly.py": st.Page("pages/weekly.py", title=t("nav.weekly"), icon=":material/co_present:"),
    "pages/segments.py": st.Page("pages/segments.py", title=t("nav.segments"), icon=":material/donut_small:"),
    "pages/personas.py": st.Page("pages/personas.py", title=t("nav.personas"), icon=":material/person_search:"),
    "pages/forecast.py": st.Page("pages/forecast.py", title=t("nav.forecast"), icon=":material/trending_up:"),
    "pages/migration.py": st.Page("pages/migration.py", title=t("nav.migration"), icon=":material/swap_vert:"),
    "pages/targets.py": st.Page("pages/targets.py", title=t("nav.targets"), icon=":material/checklist:"),
    "pages/campaigns.py": st.Page("pages/campaigns.py", title=t("nav.campaigns"), icon=":material/campaign:"),
    "pages/data.py": st.Page("pages/data.py", title=t("nav.data"), icon=":material/upload_file:"),
    "pages/tier_rules.py": st.Page("pages/tier_rules.py", title=t("nav.tier_rules"), icon=":material/tune:"),
}
page = st.navigation(list(pages.values()))
st.session_state[FRAME_READY] = True
if WANTED_PAGE in st.session_state:
    st.switch_page(pages[st.session_state.pop(WANTED_PAGE)])
with workspace_run():  # the file is open for this run only; between runs other programs can use it
    state.ensure_demo()
    sidebar.render()
    auth.warn_if_exposed()  # served beyond this machine without sign-in: said at the top of every page
    page.run()
