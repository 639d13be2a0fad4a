"""Who may do what on a shared dashboard: three roles, declared as data, and what each sees of a customer.

- owner: everything, including a customer's full phone on their card and unmasked exports;
- marketer: builds and exports lists, phones always masked; cannot change tier rules, delete data or unmask;
- viewer (the meeting-room screen): reads every page with phones and names masked; exports and changes nothing.

Every segcore function that shows or writes personal data, or changes the workspace, takes an `Access` and asks
it (`require`, `phone_on_card`, `mask_table`), so a page cannot forget. The role comes from the sign-in's ID-token
claims or an email -> role table (`role_for`); without sign-in the app's single local user, and the command line's
operating-system user, are owners.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from segcore.errors import InputError

__all__ = [
    "RIGHTS",
    "ROLES",
    "Access",
    "AccessDenied",
    "access_settings_problem",
    "mask_name",
    "owner",
    "role_for",
    "seen_as",
]

ROLES = ("owner", "marketer", "viewer")  # most powerful first

RIGHTS: dict[str, frozenset[str]] = {
    "owner": frozenset({
        "see_full_phone", "see_names", "export", "unmask", "make_lists", "load_data", "delete_data",
        "edit_rules", "change_settings", "read_export_log",
    }),
    "marketer": frozenset({"see_names", "export", "make_lists", "load_data"}),
    "viewer": frozenset(),
}  # fmt: skip
VIA = ("sign-in", "local", "cli")  # how the user reached the data: signed in, the app on localhost, the command line


class AccessDenied(InputError):
    """A user's role does not allow an action: one sentence naming both in the user's language."""

    def __init__(self, role: str, right: str) -> None:
        super().__init__("not_allowed", role=role, right=right)

    def message(self, lang: str = "en") -> str:
        from segcore.catalog import text

        role, right = self.details["role"], self.details["right"]
        return text("err.not_allowed", lang, role=text(f"role.{role}", lang), right=text(f"right.{right}", lang))


@dataclass(frozen=True)
class Access:
    """One user's identity and role. `user` is an email, a name from the sign-in, or the OS user on the CLI."""

    user: str
    role: str
    via: str

    def __post_init__(self) -> None:
        if self.role not in RIGHTS:
            raise ValueError(f"unknown role {self.role!r}")
        if self.via not in VIA:
            raise ValueError(f"unknown way in {self.via!r}")

    def can(self, right: str) -> bool:
        if not any(right in rights for rights in RIGHTS.values()):
            raise ValueError(f"unknown right {right!r}")
        return right in RIGHTS[self.role]

    def require(self, right: str) -> None:
        """AccessDenied (an InputError, code "not_allowed") naming the role and the refused action."""
        if not self.can(right):
            raise AccessDenied(self.role, right)

    def phone_on_card(self, phone: Any) -> str | None:
        """A phone as this user sees it on one customer's card: in full for the owner, else masked."""
        from segcore.export import mask_phone, valid_phone

        return valid_phone(phone) if self.can("see_full_phone") else mask_phone(phone)

    def name_shown(self, name: Any) -> str | None:
        if name is None or (isinstance(name, float) and pd.isna(name)):
            return None
        return str(name) if self.can("see_names") else mask_name(name)

    def mask_table(self, frame: pd.DataFrame, phone: str = "phone", name: str = "name") -> pd.DataFrame:
        """A table of many customers as this user sees it on screen: phones always masked (a list on a shared
        screen never needs them in full), names masked for a viewer. Other columns are left alone."""
        from segcore.export import mask_phone

        shown = frame.copy()
        if phone in shown.columns:
            shown[phone] = shown[phone].map(mask_phone)
        if name in shown.columns:
            shown[name] = shown[name].map(self.name_shown)
        return shown

    def export_masks_phones(self, chosen_mask: bool) -> bool:
        """Whether an export's phones are masked: as chosen (or recorded with the campaign), but always for a role
        that may not unmask."""
        return chosen_mask or not self.can("unmask")


def seen_as(role: str) -> Access:
    """Any user of a role, for reads whose answer depends only on the role (a cached customer card): it records
    nothing and names nobody."""
    return Access(user="", role=role, via="local")


def owner(user: str, via: str = "local") -> Access:
    """The single user of a shop without sign-in, or the command line's operating-system user."""
    return Access(user=user or "unknown", role="owner", via=via)


def mask_name(name: Any) -> str:
    """A name with all but its first character hidden: 张三丰 -> 张**, Alice Smith -> A****."""
    text = str(name).strip()
    if not text:
        return ""
    return text[0] + "*" * max(2, min(len(text) - 1, 4))


def role_for(claims: Mapping[str, Any], settings: Mapping[str, Any]) -> str | None:
    """The role of a signed-in user, or None (no access).

    `settings` is the `[access]` section of secrets.toml: `emails` (email -> role) and `role_claim` (the name of an
    ID-token claim holding a role or a list of roles). A listed email wins (the shop's own table); it is used only
    when the provider does not say the email is unverified. Otherwise the claim: the most powerful known role in
    it. Anything else, no access."""
    emails = {str(k).strip().lower(): str(v).strip().lower() for k, v in (settings.get("emails") or {}).items()}
    email = str(claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified") is not False and emails.get(email) in RIGHTS:
        return emails[email]
    claim_name = settings.get("role_claim")
    if not claim_name:
        return None
    value = claims.get(str(claim_name))
    values = [value] if isinstance(value, str) else list(value or []) if isinstance(value, list | tuple) else []
    named = {str(v).strip().lower() for v in values}
    return next((role for role in ROLES if role in named), None)


def access_settings_problem(settings: Mapping[str, Any]) -> str | None:
    """What is wrong with an `[access]` section (an unknown role in the email table), or None."""
    for email, role in (settings.get("emails") or {}).items():
        if str(role).strip().lower() not in RIGHTS:
            return f"{email} = {role}"
    return None
