"""One error type for bad input: a stable code plus details, translated at the edge (UI or CLI)."""

from __future__ import annotations

from typing import Any

__all__ = ["InputError"]


class InputError(Exception):
    """Bad user input. `code` keys the message catalog (`err.<code>`); `details` fill its placeholders."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code
        self.details = details

    def message(self, lang: str = "en") -> str:
        """The one-line reason in the user's language."""
        from segcore.catalog import text

        return text(f"err.{self.code}", lang, **self.details)

    def __str__(self) -> str:
        return self.message("en")
