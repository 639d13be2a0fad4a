"""Personas (客户画像): who is in a segment against all customers, attribute by attribute; compare two segments and
open any bar as a target list."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from segcore.catalog import text
from segcore.keys import SCHEMES
from segcore.persona import MIN_COUNT, persona, segment_keys
from ui import cached, charts, persona_views, segment_views, state
from ui.guard import require_frame, url_choice
from ui.i18n import lang, t

require_frame("pages/personas.py")

code = lang()  # bound once: widgets keep their format functions
st.title(t("per.title"))
dataset = state.require_dataset()
as_of = state.as_of()
currency = state.currency()

scheme = segment_views.scheme_picker("per_scheme", code)
with st.spinner(t("per.computing")):
    cube = cached.persona_cube(dataset, as_of, scheme)
order = list(segment_keys(scheme))
filled = [s for s in order if cube.sizes.get(s, 0) > 0]
key = f"per_segment_{scheme}"
if st.session_state.get(key) not in order:
    st.session_state[key] = url_choice("segment", order, (filled or order)[0])
choices = [f"{s}:{k}" for s in SCHEMES for k in segment_keys(s)]

left, middle, right = st.columns([2, 2, 1.3], vertical_alignment="bottom")
segment = left.selectbox(
    t("per.segment"),
    order,
    key=key,
    format_func=lambda s: text(
        "per.segment_option",
        code,
        segment=charts.segment_label(scheme, s, code),
        n=fmt.count(cube.sizes.get(s, 0), code),
    ),
    placeholder=t("tgt.pick_one"),
)
st.query_params["segment"] = segment
other = middle.selectbox(
    t("per.compare"),
    ["", *(c for c in choices if c != f"{scheme}:{segment}")],
    format_func=lambda c: (
        text("per.compare_none", code)
        if not c
        else text(
            "per.compare_option",
            code,
            scheme=text(f"scheme.{c.split(':')[0]}", code),
            segment=charts.segment_label(c.split(":")[0], c.split(":")[1], code),
        )
    ),
    key="per_compare",
    placeholder=t("tgt.pick_one"),
)
min_count = int(
    right.number_input(
        t("per.min_count"), min_value=1, value=MIN_COUNT, step=5, key="per_min_count", help=t("per.min_count_help")
    )
)
st.caption(t("per.as_of", day=fmt.day(as_of, code)))

main = persona_views.Side(cube, segment, persona(cube, segment, min_count), code)
if main.size == 0:
    st.info(t("per.empty", segment=main.name, day=fmt.day(as_of, code)))
    st.stop()

second = None
if other:
    other_scheme, other_segment = other.split(":")
    other_cube = cube if other_scheme == scheme else cached.persona_cube(dataset, as_of, other_scheme)
    second = persona_views.Side(other_cube, other_segment, persona(other_cube, other_segment, min_count), code)

if second is None:
    persona_views.headline(main, code, currency, min_count)
st.caption(t("per.how_to_read", high=persona_views.HIGH, low=persona_views.LOW))
st.caption(t("per.min_rule", n=fmt.count(min_count, code)) + " " + t("per.click_hint"))
if second is None:
    persona_views.charts_grid(main, code, currency, min_count)
else:
    persona_views.side_by_side(main, second, code, currency, min_count)
st.divider()
persona_views.handover_panel(main, code, currency)
