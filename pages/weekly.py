"""Weekly review: one screen for the Monday meeting (presentation mode for the projector) and the report after."""

from __future__ import annotations

import streamlit as st

from ui import cached, state, weekly_views
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/weekly.py")

code = lang()
dataset = state.dataset_id()
if dataset is None:
    st.title(t("weekly.title"))
    st.info(t("overview.no_data"))
    st.stop()
state.require_dataset()  # a dataset of tier tables loaded from Spark has no sales to show here

present = weekly_views.presentation_toggle()
week_end = weekly_views.week_picker(state.as_of(), code, show=not present)
with st.spinner(t("weekly.computing")):
    review = cached.weekly_review(dataset, week_end, code, state.currency())
st.title(t("weekly.title"))
st.caption(weekly_views.week_caption(review, code))

if present:
    sections = review.sections_with_content()  # a section with nothing this week gets no slide
    weekly_views.step_controls(sections)
    weekly_views.draw(weekly_views.current_section(sections), review, present, code)
    weekly_views.keyboard_steps()
else:
    for section in weekly_views.SECTIONS:
        weekly_views.draw(section, review, present, code)
    weekly_views.report_buttons(review, code)
