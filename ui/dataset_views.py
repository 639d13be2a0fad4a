"""The Data page's dataset panels: the owner's settings, and a tier table computed on Spark loaded as a dataset."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from segcore import fmt
from segcore.access import Access
from segcore.currency import CURRENCIES
from segcore.errors import InputError
from segcore.tier_imports import import_tier_file
from ui import state
from ui.i18n import lang, t

__all__ = ["currency_label", "settings_panel", "tier_table_section"]


def currency_label(code: str) -> str:
    """A currency code in the reader's words (CNY: Chinese yuan / 人民币)."""
    return t(f"currency.{code}")


def settings_panel(ids: list[str], default: str | None, currencies: dict[str, str], access: Access) -> None:
    """The owner's dataset settings: the dataset new sessions open on, and each dataset's currency."""
    st.markdown(f"**{t('data.settings')}**")
    left, right = st.columns(2)
    picked = left.selectbox(
        t("data.settings_pick"),
        ids,
        index=ids.index(default) if default in ids else 0,
        key="data_settings_pick",
        placeholder=t("data.pick"),
    )
    if picked == default:
        left.caption(t("data.is_default"))
    elif left.button(t("data.make_default"), key="data_make_default"):
        state.workspace().set_default_dataset(picked, access=access)
        state.invalidate()
        st.rerun()
    new_currency = right.selectbox(
        t("data.settings_currency"),
        CURRENCIES,
        index=CURRENCIES.index(currencies[picked]),
        format_func=currency_label,
        key=f"data_settings_currency_{picked}",
        placeholder=t("data.pick"),
    )
    if right.button(
        t("data.settings_save_currency"), key="data_save_currency", disabled=new_currency == currencies[picked]
    ):
        state.workspace().set_currency(picked, new_currency, access=access)
        state.invalidate()
        st.session_state["data_currency_saved"] = (picked, new_currency)
        st.rerun()
    saved = st.session_state.pop("data_currency_saved", None)
    if saved is not None:
        st.success(t("data.settings_currency_saved", dataset=saved[0], currency=currency_label(saved[1])))


def tier_table_section(access: Access) -> None:
    """Load a tier table computed elsewhere (`tiers --engine spark --out F.parquet`) as a dataset's tiers."""
    with st.expander(t("imported.section"), icon=":material/cloud_download:"):
        st.caption(t("imported.section_help"))
        name = st.text_input(t("imported.dataset"), value="", key="imp_dataset", placeholder=t("data.new_name_hint"))
        upload = st.file_uploader(t("imported.file"), type=["parquet"], key="imp_file")
        if st.button(t("imported.load"), key="imp_load", disabled=upload is None or not name.strip()):
            assert upload is not None
            try:
                with state.workspace().writer() as con:
                    source = import_tier_file(
                        con, name.strip(), upload.getvalue(), upload.name, loaded_at=datetime.now(), access=access
                    )
            except InputError as exc:
                st.error(exc.message(lang()))
                return
            state.invalidate()
            n = fmt.count(source.customers, lang())
            st.success(t("imported.loaded", dataset=name.strip(), n=n, day=fmt.day(source.as_of, lang())))
