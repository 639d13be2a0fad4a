"""Forecast (预测): who is likely still active, what each customer will buy in the next days and what that is worth;
the valuable customers slipping away, and how well the model did on past purchases."""

from __future__ import annotations

import streamlit as st

from segcore import fmt
from ui import cached, forecast_views, state
from ui.guard import require_frame
from ui.i18n import lang, t

require_frame("pages/forecast.py")

code = lang()
st.title(t("fc.title"))
dataset = state.require_dataset()
as_of = state.as_of()
currency = state.currency()

horizon, discount = forecast_views.settings(code)
result = forecast_views.obtain(dataset, as_of, horizon, discount, code)
st.caption(t("fc.intro", day=fmt.day(as_of, code), days=horizon, rate=forecast_views.rate_text(discount, code)))
forecast_views.warnings_box(result, code)
forecast_views.headline(result, code, currency)

st.subheader(t("fc.alive.title"), anchor=False)
st.caption(t("fc.alive.caption"))
st.plotly_chart(
    forecast_views.alive_figure(result.scores, code), width="stretch", key="fc_alive", config={"displayModeBar": False}
)
details = cached.forecast_details(dataset, as_of, horizon, discount)
st.divider()
forecast_views.segment_panel(details, result, code, currency)
st.divider()
forecast_views.slipping_panel(details, result, code, currency)
st.divider()
forecast_views.accuracy_panel(result, code)
