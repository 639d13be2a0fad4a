"""Issue 15, sign-in: the frame's gate and the sidebar's identity block, as AppTest sees them.

With an `[auth]` section in secrets.toml nobody reaches a page without signing in, and a signed-in user reaches
them only with a role: from the shop's email table (when the provider does not say the email is unverified) or
from an ID-token claim. Without `[auth]` the app is the single local owner's, and says so in the sidebar; served
beyond this machine without sign-in it warns on every page.

The sign-in button itself (st.login) needs a real server and provider: tests/browser/test_i15_signin.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from segcore.catalog import text
from tests.helpers import app
from ui.auth import _code
from ui.guard import WANTED_PAGE

if TYPE_CHECKING:
    from streamlit.testing.v1 import AppTest

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret-of-32-chars!",
    "client_id": "segcore",
    "client_secret": "not-a-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ACCESS = {
    "role_claim": "segcore_role",
    "emails": {"boss@shop.example": "owner", "Ann@Shop.Example": "marketer", "screen@shop.example": "viewer"},
}
OVERVIEW_TITLE = {"en": text("overview.title", "en"), "zh": text("overview.title", "zh")}


def _gated(
    user: dict[str, Any] | None = None,
    lang: str = "en",
    access: dict[str, Any] | None = None,
    auth: dict[str, Any] | None = None,
) -> AppTest:
    at = app(lang=lang)
    at.secrets["auth"] = dict(AUTH if auth is None else auth)
    at.secrets["access"] = dict(ACCESS if access is None else access)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def served_on(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], None]:
    """Set the address the app is served on, as `st.get_option("server.address")` reads it."""
    import streamlit as st

    real = st.get_option

    def serve(address: str | None) -> None:
        monkeypatch.setattr(st, "get_option", lambda name: address if name == "server.address" else real(name))

    return serve


def _signed_in(email: str, **claims: Any) -> dict[str, Any]:
    return {"is_logged_in": True, "email": email, "sub": f"sub-{email}", **claims}


def _small(words: str) -> str:
    return words.removeprefix(":small[").removesuffix("]")


def _sidebar_words(at: AppTest) -> list[str]:
    return [_small(m.value) for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]


def _on_a_page(at: AppTest, lang: str = "en") -> bool:
    return [title.value for title in at.title] == [OVERVIEW_TITLE[lang]]


def _no_access(at: AppTest, user: str, lang: str = "en", reason: str = "auth.no_access") -> bool:
    return [title.value for title in at.title] == [text("auth.no_access_title", lang)] and [
        m.value for m in at.markdown
    ] == [text(reason, lang, user=_code(user))]


# --- not signed in ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_page(app_workspace: Path, lang: str) -> None:
    at = _gated(lang=lang)  # AppTest's default user has an email but is not logged in
    assert [title.value for title in at.title] == [text("auth.title", lang)]
    assert [m.value for m in at.markdown] == [text("auth.intro", lang)]
    assert [b.label for b in at.button] == [text("auth.sign_in", lang)]
    assert at.radio(key="_w_gate_lang").value == lang  # the language can be switched before signing in
    # no page ran: no sidebar (no dataset picker, no identity block), no metric, no warning about the address
    assert len(at.sidebar) == 0
    assert not at.metric and not at.warning and not at.dataframe
    assert at.user == {"email": "test@example.com"}


def test_the_sign_in_page_switches_language(app_workspace: Path) -> None:
    at = _gated(lang="en")
    at.radio(key="_w_gate_lang").set_value("zh").run()
    assert [title.value for title in at.title] == ["登录"]
    assert [b.label for b in at.button] == ["登录"]
    assert at.query_params["lang"] == "zh"


def test_a_visitor_who_signed_out_sees_the_sign_in_page(app_workspace: Path) -> None:
    at = _gated(user={"is_logged_in": False})
    assert [title.value for title in at.title] == ["Sign in"]


def test_the_sign_in_page_is_the_only_page(app_workspace: Path) -> None:
    """No page file of the app is registered; its addresses (/segments, a shared link) are the sign-in page's, so
    a link opened before signing in shows the sign-in page, not "Page not found" (tests/browser/test_i15_signin)."""
    at = _gated()
    addresses = "'campaigns', 'data', 'forecast', 'migration', 'overview', 'personas', 'segments', 'targets', "
    addresses += "'tier_rules', 'weekly'"
    with pytest.raises(ValueError, match=re.escape(f"Known pages: ['Sign in', {addresses}]")):
        at.switch_page("pages/segments.py")


def test_named_providers_get_a_button_each(app_workspace: Path) -> None:
    auth = {
        "redirect_uri": AUTH["redirect_uri"],
        "cookie_secret": AUTH["cookie_secret"],
        "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
        "casdoor": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
    }
    at = _gated(lang="zh", auth=auth)
    assert [b.label for b in at.button] == ["使用 Google 登录", "使用 Casdoor 登录"]


# --- signed in: the role --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_signed_in_user_without_a_role_gets_the_no_access_page(app_workspace: Path, lang: str) -> None:
    at = _gated(_signed_in("stranger@else.example"), lang=lang)
    assert _no_access(at, "stranger@else.example", lang)
    assert [b.label for b in at.button] == [text("auth.sign_out", lang)]
    assert len(at.sidebar) == 0 and not at.metric


def test_the_no_access_page_names_a_user_without_an_email_by_name(app_workspace: Path) -> None:
    at = _gated({"is_logged_in": True, "name": "Wang_Wei", "sub": "wx-123"})
    assert _no_access(at, "Wang_Wei")
    assert "`Wang_Wei`" in at.markdown[0].value  # shown as it is, not as italics


def test_sign_out_on_the_no_access_page_leads_back_to_sign_in(app_workspace: Path) -> None:
    at = _gated(_signed_in("stranger@else.example"))
    at.button(key="auth_sign_out_no_access").click().run()
    assert at.user == {"is_logged_in": False}  # st.logout(); a browser is sent on to Streamlit's logout
    at.run()
    assert [title.value for title in at.title] == ["Sign in"]


@pytest.mark.parametrize(
    ("email", "role", "note"),
    [("boss@shop.example", "owner", None), ("ann@shop.example", "marketer", "auth.marketer_note")],
)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_email_table_gives_the_role(
    app_workspace: Path, email: str, role: str, note: str | None, lang: str
) -> None:
    at = _gated(_signed_in(email.upper(), email_verified=True), lang=lang)  # emails match in any case
    assert _on_a_page(at, lang)
    words = _sidebar_words(at)
    assert text("auth.signed_in_as", lang, user=_code(email.upper()), role=text(f"role.{role}", lang)) in words
    notes = {text("auth.marketer_note", lang), text("auth.viewer_note", lang)}
    assert [w for w in words if w in notes] == ([text(note, lang)] if note else [])
    assert text("auth.local_mode", lang) not in words
    assert at.sidebar.button(key="auth_sign_out").label == text("auth.sign_out", lang)
    assert not at.warning  # signed in: no warning about the address


def test_a_viewer_from_the_table_reads_the_meeting_screen_note(app_workspace: Path) -> None:
    at = _gated(_signed_in("screen@shop.example"))
    assert _on_a_page(at)
    words = _sidebar_words(at)
    assert "Signed in as `screen@shop.example` · meeting-screen viewer" in words
    assert text("auth.viewer_note", "en") in words


@pytest.mark.parametrize(
    ("claim", "role"),
    [
        ("marketer", "marketer"),
        (["viewer", "marketer"], "marketer"),  # a list: the most powerful known role in it
        (["staff", "Owner"], "owner"),
        ("viewer", "viewer"),
    ],
)
def test_the_role_claim_gives_the_role(app_workspace: Path, claim: Any, role: str) -> None:
    at = _gated(_signed_in("someone@else.example", segcore_role=claim))
    assert _on_a_page(at)
    assert f"Signed in as `someone@else.example` · {text(f'role.{role}', 'en')}" in _sidebar_words(at)


def test_a_claim_without_a_known_role_gives_no_access(app_workspace: Path) -> None:
    at = _gated(_signed_in("someone@else.example", segcore_role=["staff", "admin"]))
    assert _no_access(at, "someone@else.example")


def test_the_claim_is_read_only_when_the_settings_name_it(app_workspace: Path) -> None:
    at = _gated(_signed_in("someone@else.example", segcore_role="owner"), access={"emails": ACCESS["emails"]})
    assert _no_access(at, "someone@else.example")


def test_an_unverified_email_does_not_use_the_table(app_workspace: Path) -> None:
    at = _gated(_signed_in("boss@shop.example", email_verified=False))
    assert _no_access(at, "boss@shop.example", reason="auth.unverified")  # the reason, not "ask to be added"
    assert "not verified" in text("auth.unverified", "en") and "尚未验证" in text("auth.unverified", "zh")
    # with a claim as well, the claim's role and not the table's
    at = _gated(_signed_in("boss@shop.example", email_verified=False, segcore_role="viewer"))
    assert _on_a_page(at)
    assert "Signed in as `boss@shop.example` · meeting-screen viewer" in _sidebar_words(at)


def _identity_block() -> None:
    import streamlit as st

    from ui import auth

    auth.identity()
    st.title("after the block")


def test_sign_out_in_the_sidebar_signs_out_and_stops_the_page(app_workspace: Path) -> None:
    # AppTest runs a page's later runs without the frame (Streamlit's pages/ folder mode): the block on its own
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_identity_block)
    at.secrets["auth"] = dict(AUTH)
    at.secrets["access"] = dict(ACCESS)
    at.user = _signed_in("boss@shop.example")
    at.run()
    assert [m.value for m in at.markdown] == [":small[Signed in as `boss@shop.example` · owner]"]
    at.button(key="auth_sign_out").click().run()
    assert at.user == {"is_logged_in": False}
    assert not at.title  # nothing more of the page once signed out


# --- the settings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_role_in_the_table_stops_everyone_who_signed_in(app_workspace: Path, lang: str) -> None:
    access = {"emails": {"boss@shop.example": "owner", "ann@shop.example": "admin"}}
    problem = text("auth.settings_problem", lang, entry="`ann@shop.example = admin`")
    at = _gated(_signed_in("boss@shop.example"), lang=lang, access=access)  # even the owner
    assert [e.value for e in at.error] == [problem]
    assert not at.title and not at.metric and len(at.sidebar) == 0
    assert [b.label for b in at.button] == [text("auth.sign_out", lang)]
    # a visitor not signed in sees the sign-in page, not the table's emails
    at = _gated(lang=lang, access=access)
    assert [title.value for title in at.title] == [text("auth.title", lang)] and not at.error


def test_an_unknown_role_in_the_table_stops_the_local_app_too(app_workspace: Path) -> None:
    at = app(lang="en")
    at.secrets["access"] = {"emails": {"ann@shop.example": "boss"}}
    at.run()
    assert [e.value for e in at.error] == [text("auth.settings_problem", "en", entry="`ann@shop.example = boss`")]
    assert not at.button and not at.metric


# --- without sign-in ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_auth_the_local_user_is_the_owner_and_the_sidebar_says_so(app_workspace: Path, lang: str) -> None:
    at = app(lang=lang).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _on_a_page(at, lang)
    words = _sidebar_words(at)
    assert text("auth.local_mode", lang) in words
    assert not any(word.startswith(text("auth.signed_in_as", lang, user="", role="")[:6]) for word in words)
    assert not at.sidebar.button  # nothing to sign out of
    assert not at.warning  # the repo's config serves on localhost


@pytest.mark.parametrize(
    ("address", "shown"),
    [("", "0.0.0.0"), ("0.0.0.0", "0.0.0.0"), ("192.168.1.20", "192.168.1.20"), ("shop-pc.lan", "shop-pc.lan")],
)
def test_served_beyond_this_machine_without_sign_in_the_page_warns(
    app_workspace: Path, served_on: Callable[[str | None], None], address: str, shown: str
) -> None:
    served_on(address or None)
    at = app(lang="zh").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.warning[0].value == text("auth.exposed", "zh", address=shown)


@pytest.mark.parametrize("page", ["pages/segments.py", "pages/campaigns.py", "pages/data.py"])
def test_the_warning_is_on_every_page(app_workspace: Path, served_on: Callable[[str | None], None], page: str) -> None:
    served_on("0.0.0.0")
    at = app(lang="en")
    at.session_state[WANTED_PAGE] = page  # a deep link's first run: through the frame to the page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [title.value for title in at.title] != [OVERVIEW_TITLE["en"]]
    assert at.warning[0].value == text("auth.exposed", "en", address="0.0.0.0")


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1", "::1", "[::1]", "127.0.1.1"])
def test_served_on_this_machine_only_nothing_warns(
    app_workspace: Path, served_on: Callable[[str | None], None], address: str
) -> None:
    served_on(address)
    at = app(lang="en").run()
    assert not at.exception and not at.warning


def test_with_sign_in_an_open_address_does_not_warn(
    app_workspace: Path, served_on: Callable[[str | None], None]
) -> None:
    served_on("0.0.0.0")
    at = _gated(_signed_in("boss@shop.example"))
    assert _on_a_page(at) and not at.warning
