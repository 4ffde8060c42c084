"""Japanese first, English second.

desk speaks exactly two languages, so text is written as a (ja, en) pair where it is used
instead of going through gettext catalogues: a reviewer reads both side by side and no
compile step can drift. Flask-Babel still negotiates the locale and formats dates.
"""

from __future__ import annotations

from flask import has_request_context, request, session
from flask_babel import get_locale

LANGUAGES = ("ja", "en")


def select_locale() -> str:
    """?lang= wins and is remembered; then the browser's Accept-Language; then Japanese."""
    if not has_request_context():
        return "ja"
    asked = request.args.get("lang")
    if request.path.startswith("/api/"):
        # The API reads no cookie: ?lang= for this call, else Accept-Language.
        if asked in LANGUAGES:
            return asked
        return request.accept_languages.best_match(LANGUAGES, default="ja") or "ja"
    if asked in LANGUAGES:
        session["lang"] = asked
        return asked
    if session.get("lang") in LANGUAGES:
        return session["lang"]
    return request.accept_languages.best_match(LANGUAGES, default="ja") or "ja"


def current_language() -> str:
    if not has_request_context():
        return "ja"
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "ja"


def tr(ja: str, en: str, lang: str | None = None) -> str:
    return en if (lang or current_language()) == "en" else ja


def count_en(n: int, one: str, many: str | None = None) -> str:
    """An English count with its noun in the right number: 1 letter, 2 letters, 1 time."""
    return f"{n} {one if n == 1 else many or one + 's'}"


class LazyText:
    """A (ja, en) pair resolved when rendered: for form labels and validator messages
    that are defined at import time but shown in the requester's language."""

    __slots__ = ("ja", "en")

    def __init__(self, ja: str, en: str):
        self.ja, self.en = ja, en

    def __str__(self) -> str:
        return tr(self.ja, self.en)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __mod__(self, other):
        return str(self) % other

    def format(self, *args, **kwargs) -> str:
        return str(self).format(*args, **kwargs)

    def __len__(self) -> int:
        return len(str(self))

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash((self.ja, self.en))


def lazy(ja: str, en: str) -> LazyText:
    return LazyText(ja, en)


def label(item, lang: str | None = None) -> str:
    """The label of a catalogue entry (anything with .ja and .en) in the current language."""
    if item is None:
        return ""
    return item.en if (lang or current_language()) == "en" else item.ja
