"""Who is using this session: the signed-in user's Access (role from the ID token or the email table in
secrets.toml), or, without an `[auth]` section, the shop's single local user as the owner.

Pages pass `current_access()` (or its role) to segcore and to every cached function whose answer depends on it;
nothing cached reads the user inside.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from segcore.access import Access, access_settings_problem, owner, role_for
from segcore.catalog import LANGS
from ui.i18n import lang, t

__all__ = [
    "access_settings",
    "auth_configured",
    "current_access",
    "exposed_address",
    "gate",
    "identity",
    "page_access",
    "providers",
    "refusal",
    "signed_in_claims",
    "warn_if_exposed",
]

_LANG_LABELS = {"zh": "中文", "en": "English"}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _code(value: str) -> str:
    """A user's email or name, or a line of secrets.toml, inside a markdown sentence: as code, so it reads as it is
    (no markup) and an email is not made a mailto: link (Streamlit links emails even when escaped)."""
    return "`" + value.replace("`", "'").replace("\n", " ") + "`"


def _secrets_section(name: str) -> Mapping[str, Any]:
    try:
        section = st.secrets.get(name)
    except (FileNotFoundError, OSError, KeyError, ValueError):
        return {}
    except Exception:  # a malformed secrets.toml: Streamlit raises its own parse error type
        return {}
    return section if isinstance(section, Mapping) else {}


def auth_configured() -> bool:
    """Whether `.streamlit/secrets.toml` has an `[auth]` section: then every page requires sign-in."""
    return bool(_secrets_section("auth"))


def access_settings() -> Mapping[str, Any]:
    """The `[access]` section: `emails` (email -> role) and `role_claim`."""
    return _secrets_section("access")


def signed_in_claims() -> dict[str, Any] | None:
    """The signed-in user's identity claims, or None when nobody is signed in."""
    if not st.user.get("is_logged_in"):
        return None
    return {str(key): value for key, value in st.user.to_dict().items()}


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def current_access() -> Access | None:
    """This session's Access: the local owner without sign-in; with sign-in, the user's role, or None when
    nobody is signed in or the signed-in user has no role (the frame then shows the sign-in or no-access page)."""
    if not auth_configured():
        return owner(_local_user(), via="local")
    claims = signed_in_claims()
    if claims is None:
        return None
    role = role_for(claims, access_settings())
    if role is None:
        return None
    user = str(claims.get("email") or claims.get("name") or claims.get("sub") or "?")
    return Access(user=user, role=role, via="sign-in")


def refusal(access: Access, right: str) -> str:
    """The one line a page shows in place of what this role may not do: "Your role (marketer) cannot …"."""
    return t("auth.not_for_role", role=t(f"role.{access.role}"), right=t(f"right.{right}"))


def page_access() -> Access:
    """The Access of a page's run: the frame has already stopped any run without one."""
    access = current_access()
    if access is None:  # a page reached without the frame's gate (cannot happen through app.py)
        st.stop()
    assert access is not None
    return access


# --- the frame's gate, the sidebar's identity block and the exposed-address warning ------------------------------


_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url", "authorize_url", "api_base_url")


def _is_provider(section: Any) -> bool:
    """A section holding one provider's settings, as Streamlit tells them apart (not `client_kwargs`)."""
    return isinstance(section, Mapping) and any(key in section for key in _PROVIDER_KEYS)


def providers() -> list[str | None]:
    """The providers of `[auth]` in file order, each a button on the sign-in page: None for the settings in `[auth]`
    itself (`st.login()`), and the name of each sub-section such as `[auth.google]` (`st.login("google")`)."""
    section = _secrets_section("auth")
    named: list[str | None] = [str(name) for name, value in section.items() if _is_provider(value)]
    return ([None] if _is_provider(section) or not named else []) + named


def _provider_label(name: str) -> str:
    return name[:1].upper() + name[1:]


def _user_label(claims: Mapping[str, Any]) -> str:
    return _code(str(claims.get("email") or claims.get("name") or claims.get("sub") or "?"))


def _keep_lang() -> None:
    st.session_state["lang"] = st.session_state["_w_gate_lang"]  # the frame's init_lang puts it in the URL


def _language_switch() -> None:
    """The sidebar's language switch, on the pages shown before the frame's sidebar (sign-in, no access)."""
    st.session_state["_w_gate_lang"] = lang()
    st.radio(
        t("sidebar.language"),
        LANGS,
        key="_w_gate_lang",
        format_func=_LANG_LABELS.__getitem__,
        horizontal=True,
        on_change=_keep_lang,
    )


def _sign_in_page() -> None:
    st.title(t("auth.title"))
    st.write(t("auth.intro"))
    for name in providers():
        label = t("auth.sign_in") if name is None else t("auth.sign_in_with", provider=_provider_label(name))
        if st.button(label, type="primary", key=f"auth_sign_in_{name or 'default'}", icon=":material/login:"):
            st.login(name)
    _language_switch()


def _sign_out_button(key: str) -> None:
    if st.button(t("auth.sign_out"), key=key, icon=":material/logout:"):
        st.logout()
        st.stop()  # nothing more of the page for a user who has just signed out


def _no_access_page(claims: Mapping[str, Any]) -> None:
    st.title(t("auth.no_access_title"))
    listed = {str(e).strip().lower() for e in (access_settings().get("emails") or {})}
    unverified = claims.get("email_verified") is False and str(claims.get("email") or "").strip().lower() in listed
    st.write(t("auth.unverified" if unverified else "auth.no_access", user=_user_label(claims)))
    _sign_out_button("auth_sign_out_no_access")
    _language_switch()


def _settings_problem_page(problem: str, claims: Mapping[str, Any] | None) -> None:
    st.error(t("auth.settings_problem", entry=_code(problem)), icon=":material/error:")
    if claims is not None:
        _sign_out_button("auth_sign_out_problem")


_PAGES_FOLDER = Path(__file__).resolve().parent.parent / "pages"


def _stop_with(page: Any, title: str) -> None:
    """Show one page of the gate as the session's only page (no navigation: the app's pages are not listed) and
    stop the run. The app's page addresses (a shared link such as /segments) show the same page, not Streamlit's
    "Page not found"."""
    aliases = [st.Page(page, title=title, url_path=path.stem) for path in sorted(_PAGES_FOLDER.glob("*.py"))]
    st.navigation([st.Page(page, title=title, default=True), *aliases], position="hidden").run()
    st.stop()


def gate() -> Access:
    """The frame's gate, before navigation: this session's Access, or a page in its place and the run stopped.

    Without `[auth]` the local owner passes. With it, a visitor who is not signed in gets the sign-in page; a
    signed-in user whose email and claims give no role, the no-access page with a sign-out button. A broken
    `[access]` table (an unknown role) stops everyone, once signed in, with the line to fix; a visitor still
    signing in sees only the sign-in page, so the table's emails are not shown to strangers."""
    claims = signed_in_claims() if auth_configured() else None
    if auth_configured() and claims is None:
        _stop_with(_sign_in_page, t("auth.title"))
    problem = access_settings_problem(access_settings())
    if problem is not None:

        def settings_problem() -> None:
            _settings_problem_page(problem, claims)

        _stop_with(settings_problem, t("auth.title"))
    access = current_access()
    if access is None:

        def no_access() -> None:
            _no_access_page(claims or {})

        _stop_with(no_access, t("auth.no_access_title"))
    assert access is not None
    return access


def identity() -> None:
    """The identity block at the bottom of the sidebar: who is signed in, their role and a sign-out button, or
    the single-user mode's note."""
    access = current_access()
    st.divider()
    if access is None or access.via != "sign-in":
        st.caption(t("auth.local_mode"))
        return
    st.markdown(f":small[{t('auth.signed_in_as', user=_code(access.user), role=t(f'role.{access.role}'))}]")
    if access.role in ("marketer", "viewer"):
        st.caption(t(f"auth.{access.role}_note"))
    _sign_out_button("auth_sign_out")


def exposed_address() -> str | None:
    """The address the app listens on when it is reachable from other machines without sign-in, else None.
    An empty `server.address` means every interface."""
    if auth_configured():
        return None
    address = str(st.get_option("server.address") or "").strip()
    if not address:
        return "0.0.0.0"  # every interface, as the warning names it
    if address.lower() in _LOOPBACK_NAMES:
        return None
    try:
        if ipaddress.ip_address(address.strip("[]")).is_loopback:
            return None
    except ValueError:
        pass  # a host name other than localhost: reachable as far as we know
    return address


def warn_if_exposed() -> None:
    """The warning on every page of an app served beyond this machine without sign-in."""
    address = exposed_address()
    if address is not None:
        st.warning(t("auth.exposed", address=address), icon=":material/public:")
