"""The one error of the suppression area: bad input, in both languages, with the line of a file it is on."""

from __future__ import annotations


class SuppressionError(Exception):
    """Bad input, with a message in both languages and, for files, the line it is on."""

    def __init__(
        self, ja: str, en: str, *, line: int | None = None, field: str | None = None, record: int | None = None
    ):
        self.ja, self.en, self.line, self.field, self.record = ja, en, line, field, record
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        text = self.en if lang == "en" else self.ja
        if self.line is not None:
            text = (f"line {self.line}: " if lang == "en" else f"{self.line}行目: ") + text
        return text
