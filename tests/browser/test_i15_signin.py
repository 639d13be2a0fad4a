"""Real browser, issue 15: sign-in through Streamlit's st.login against a real OpenID Connect provider.

oidc-provider-mock (a real OIDC provider for tests: discovery, authorization form, signed ID tokens, end-session)
runs on loopback in this process; the app runs as `streamlit run` on another loopback port with a temporary
secrets.toml (`--secrets.files`: the repo's .streamlit folder is never written) and a private copy of the demo
workspace. The provider's form offers three predefined users:

- boss: boss@shop.example, an owner through the shop's email table;
- ann: ann@shop.example, not in the table, a marketer through the `segcore_role` claim of her ID token;
- stranger: stranger@else.example, neither: no access.
"""

from __future__ import annotations

import re
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Page, expect

from segcore.catalog import text
from segcore.export import mask_phone, valid_phone
from tests.browser.conftest import _free_port, artifact, hash_of, start_app, stop_app, wait_for_app
from tests.conftest import need

OWNER, MARKETER, STRANGER = "boss@shop.example", "ann@shop.example", "stranger@else.example"
SIZES = {1366: 768, 1920: 1080}  # the common laptop and desktop screens


@dataclass(frozen=True)
class SignInApp:
    url: str  # the app
    provider: str  # the OIDC provider
    workspace: Path
    log: Path  # the app's output, shown when a test fails


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """oidc-provider-mock on a free loopback port, in a thread of this process."""
    try:
        import werkzeug.serving
        from oidc_provider_mock import User
        from oidc_provider_mock import app as provider_app
    except ImportError:
        need(False, "oidc-provider-mock", ".venv/bin/pip install -r requirements-dev.txt")
    users = [
        User(sub="boss", claims={"email": OWNER, "email_verified": True, "name": "Boss"}),
        User(sub="ann", claims={"email": MARKETER, "email_verified": True, "segcore_role": "marketer"}),
        User(sub="stranger", claims={"email": STRANGER, "email_verified": True}),
    ]
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    server.server_close()


@pytest.fixture
def signin_app(provider: str, demo_workspace_file: Path, tmp_path: Path) -> Iterator[SignInApp]:
    """The app with sign-in turned on: `[auth]` pointing at the provider, `[access]` with the role claim and the
    owner's email; a private copy of the demo workspace."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(
        f"""[auth]
redirect_uri = "{url}/oauth2callback"
cookie_secret = "{secrets.token_hex(32)}"
client_id = "segcore-test"
client_secret = "{secrets.token_hex(16)}"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[access]
role_claim = "segcore_role"

[access.emails]
"{OWNER}" = "owner"
""",
        encoding="utf-8",
    )
    workspace = tmp_path / "segcore.duckdb"
    shutil.copy(demo_workspace_file, workspace)
    log = tmp_path / "streamlit.log"
    process, _ = start_app(workspace, port=port, extra_args=["--secrets.files", str(secrets_file)], log=log)
    try:
        yield SignInApp(url, provider, workspace, log)
    finally:
        stop_app(process)


@pytest.fixture
def open_tab(browser: object, request: pytest.FixtureRequest) -> Iterator[Callable[[str], Page]]:
    """New browser tabs (each its own context: its own cookies) in a locale; screenshots of every tab are kept in
    test-artifacts/ when the test fails."""
    contexts: list[object] = []

    def open_one(locale: str) -> Page:
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale=locale, accept_downloads=True)  # type: ignore[attr-defined]
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(45_000)
        return tab

    yield open_one
    report = getattr(request.node, "rep_call", None)
    for number, context in enumerate(contexts):
        if report is not None and report.failed:
            for tab in context.pages:  # type: ignore[attr-defined]
                name = f"FAILED-{request.node.originalname}-{hash_of(request.node.name)}-{number}.png"
                tab.screenshot(path=str(artifact(name)), full_page=True)
        context.close()  # type: ignore[attr-defined]


def _settled(tab: Page) -> None:
    """Wait until Streamlit has finished the script run (its running indicator is gone)."""
    tab.wait_for_timeout(500)
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)


def _sign_in_page(tab: Page, lang: str) -> None:
    expect(tab.locator("h1")).to_have_text(text("auth.title", lang), timeout=90_000)
    expect(tab.get_by_text(text("auth.intro", lang))).to_be_visible()
    expect(tab.get_by_role("button", name=text("auth.sign_in", lang))).to_be_visible()
    _settled(tab)


def _sign_in(tab: Page, app: SignInApp, sub: str, lang: str) -> None:
    """From the sign-in page, through the provider's form as `sub`, back to the app."""
    tab.get_by_role("button", name=text("auth.sign_in", lang)).click()
    tab.wait_for_url(f"{app.provider}/oauth2/authorize**")
    tab.get_by_role("button", name=sub, exact=True).click()
    tab.wait_for_url(re.compile(rf"^{re.escape(app.url)}/"))


def _sign_out(tab: Page, app: SignInApp, lang: str) -> None:
    """The sign-out button, the provider's end-session form, and back to the app's sign-in page."""
    tab.get_by_role("button", name=text("auth.sign_out", lang)).click()
    tab.wait_for_url(f"{app.provider}/oauth2/end_session**")
    tab.get_by_role("button", name="End session").click()
    tab.wait_for_url(re.compile(rf"^{re.escape(app.url)}/"))
    _sign_in_page(tab, lang)


def _shots(tab: Page, name: str, show: Callable[[], None] | None = None) -> None:
    """Screenshots of what the tab shows at 1366 and 1920 wide (after `show`, such as scrolling to a part)."""
    for width, height in SIZES.items():
        tab.set_viewport_size({"width": width, "height": height})
        tab.wait_for_timeout(600)
        if show is not None:
            show()
        tab.screenshot(path=str(artifact(f"i15-{name}-{width}.png")))
    tab.set_viewport_size({"width": 1366, "height": 768})


def _sidebar_identity(lang: str, user: str, role: str) -> str:
    return text("auth.signed_in_as", lang, user=user, role=text(f"role.{role}", lang))


@pytest.mark.parametrize(("lang", "locale"), [("en", "en-US"), ("zh", "zh-CN")])
def test_sign_in_no_access_and_the_signed_in_sidebar(
    signin_app: SignInApp, open_tab: Callable[[str], Page], lang: str, locale: str
) -> None:
    app = signin_app
    tab = open_tab(locale)
    # a deep link to a page, not signed in: the sign-in page and nothing of the app, not even its page list
    tab.goto(f"{app.url}/segments?lang={lang}")
    _sign_in_page(tab, lang)
    expect(tab.get_by_text("Page not found")).to_have_count(0)  # the app's addresses lead to the sign-in page
    expect(tab.locator('[data-testid="stSidebar"]')).to_have_count(0)
    expect(tab.get_by_role("link", name=text("nav.segments", lang))).to_have_count(0)
    expect(tab.locator('[data-testid="stMetric"]')).to_have_count(0)
    _shots(tab, f"sign-in-{lang}")

    # the stranger signs in at the provider and is told there is no role for them, with a way out
    _sign_in(tab, app, "stranger", lang)
    expect(tab.locator("h1")).to_have_text(text("auth.no_access_title", lang), timeout=90_000)
    expect(tab.get_by_text(text("auth.no_access", lang, user=STRANGER))).to_be_visible()
    expect(tab.get_by_role("link", name=STRANGER)).to_have_count(0)  # the email as words, not a mailto: link
    expect(tab.locator('[data-testid="stSidebar"]')).to_have_count(0)
    _settled(tab)
    _shots(tab, f"no-access-{lang}")
    _sign_out(tab, app, lang)

    # the owner signs in: the app, with who is signed in at the bottom of the sidebar
    _sign_in(tab, app, "boss", lang)
    wait_for_app(tab)
    sidebar = tab.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text(_sidebar_identity(lang, OWNER, "owner"))).to_be_visible()
    sign_out = sidebar.get_by_role("button", name=text("auth.sign_out", lang))
    expect(sign_out).to_be_visible()
    expect(sidebar.get_by_text(text("auth.local_mode", lang))).to_have_count(0)
    expect(tab.locator('[data-testid="stAlertContentWarning"]')).to_have_count(0)  # loopback, signed in: no warning
    _shots(tab, f"signed-in-{lang}", sign_out.scroll_into_view_if_needed)


def _customer_with_a_phone(workspace: Path) -> tuple[str, str]:
    with duckdb.connect(str(workspace), read_only=True) as con:
        customer, phone = con.execute(
            "select customer_id, phone from members where dataset_id = 'demo' and phone is not null "
            "order by customer_id limit 1"
        ).fetchone()
    return str(customer), str(phone)


def _card_phone(tab: Page, app: SignInApp, customer: str, lang: str) -> str:
    """The phone on the customer's card of the Segments page, as the signed-in user sees it."""
    tab.goto(f"{app.url}/segments?customer={customer}&lang={lang}")
    wait_for_app(tab)
    label = text("seg.profile.phone", lang)
    facts = tab.locator('[data-testid="stMarkdownContainer"]').filter(has_text=re.compile(rf"{label}\s"))
    expect(facts.first).to_be_visible(timeout=90_000)
    found = re.search(rf"{label}\s+(\S+)", facts.first.inner_text())
    assert found, facts.first.inner_text()
    return found.group(1)


def _download_the_send_list(tab: Page, app: SignInApp, lang: str, name: str) -> str:
    tab.goto(f"{app.url}/campaigns?lang={lang}")
    wait_for_app(tab)
    # a table's own toolbar offers no unrecorded "Download as CSV" (client.disableDataExport), only its other tools
    tab.locator('[data-testid="stDataFrame"]').first.hover()
    expect(tab.locator('[data-testid="stElementToolbar"]').first.get_by_role("button").first).to_be_visible()
    expect(tab.get_by_role("button", name="Download as CSV")).to_have_count(0)
    button = tab.get_by_role("button", name=text("camp.download_csv", lang))
    button.scroll_into_view_if_needed(timeout=90_000)
    with tab.expect_download() as waiting:
        button.click()
    path = artifact(name)
    waiting.value.save_as(str(path))
    return path.read_text(encoding="utf-8-sig")


def test_owner_and_marketer_see_phones_as_their_roles_allow_and_the_owner_reads_the_export_log(
    signin_app: SignInApp, open_tab: Callable[[str], Page]
) -> None:
    app, lang = signin_app, "en"
    customer, phone = _customer_with_a_phone(app.workspace)
    tab = open_tab("en-US")
    tab.goto(f"{app.url}/?lang={lang}")
    _sign_in_page(tab, lang)

    # the owner: the full phone on the card; downloads the campaign's send list
    _sign_in(tab, app, "boss", lang)
    wait_for_app(tab)
    assert _card_phone(tab, app, customer, lang) == valid_phone(phone)
    owner_file = _download_the_send_list(tab, app, lang, "i15-send-list-owner.csv")
    assert owner_file.count("\n") > 1
    _sign_out(tab, app, lang)

    # the marketer, by the claim of her ID token: the phone masked on the card and in her file
    _sign_in(tab, app, "ann", lang)
    wait_for_app(tab)
    sidebar = tab.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text(_sidebar_identity(lang, MARKETER, "marketer"))).to_be_visible()
    expect(sidebar.get_by_text(text("auth.marketer_note", lang))).to_be_visible()
    sidebar.get_by_role("button", name=text("auth.sign_out", lang)).scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("i15-signed-in-marketer-en-1366.png")))
    assert _card_phone(tab, app, customer, lang) == mask_phone(phone)
    marketer_file = _download_the_send_list(tab, app, lang, "i15-send-list-marketer.csv")
    assert marketer_file.count("\n") > 1
    assert not re.search(r"(?<!\d)1\d{10}(?!\d)", marketer_file)  # no full mobile number anywhere in the file
    tab.goto(f"{app.url}/data?lang={lang}")  # the export log is the owner's to read
    wait_for_app(tab)
    expect(tab.locator("h1")).to_have_text(text("data.title", lang))
    expect(tab.get_by_text(text("log.title", lang), exact=True)).to_have_count(0)
    _sign_out(tab, app, lang)

    # the owner again: the Data page's export log lists both files
    _sign_in(tab, app, "boss", lang)
    wait_for_app(tab)
    tab.goto(f"{app.url}/data?lang={lang}")
    wait_for_app(tab)
    expect(tab.get_by_text(text("log.title", lang), exact=True)).to_be_visible(timeout=90_000)
    count = tab.get_by_text(text("log.count", lang, n=2))
    expect(count).to_be_visible()
    count.scroll_into_view_if_needed()
    tab.screenshot(path=str(artifact("i15-export-log-en.png")))
    with duckdb.connect(str(app.workspace), read_only=True) as con:
        rows = con.execute("select user_name, role from export_log order by exported_at").fetchall()
    assert rows == [(OWNER, "owner"), (MARKETER, "marketer")]
