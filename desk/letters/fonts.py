"""Japanese fonts for every PDF desk makes (letters, the application form, certificates).

IPAex Mincho/Gothic TrueType files are embedded (subset), so a letter prints the same on
any machine. Where they are not installed, reportlab's built-in CID fonts stand in: they
need no files but are not embedded, so the viewer needs a Japanese font. That is logged
once, as a warning.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

SEARCH_PATHS = (
    "/usr/share/fonts/opentype/ipaexfont-mincho",
    "/usr/share/fonts/opentype/ipaexfont-gothic",
    "/usr/share/fonts/truetype/ipaexfont",
    "/usr/share/fonts/opentype/ipaexfont",
    "/usr/share/fonts/ipaexfont",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    str(Path.home() / ".fonts"),
)


@dataclass(frozen=True)
class LetterFonts:
    mincho: str
    gothic: str
    embedded: bool


def _find(filename: str, font_dir: str | None) -> Path | None:
    for directory in ([font_dir] if font_dir else []) + list(SEARCH_PATHS):
        candidate = Path(directory) / filename
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=4)
def _register(font_dir: str | None) -> LetterFonts:
    mincho, gothic = _find("ipaexm.ttf", font_dir), _find("ipaexg.ttf", font_dir)
    if mincho and gothic:
        for name, path in (("IPAexMincho", mincho), ("IPAexGothic", gothic)):
            font = TTFont(name, str(path))
            # Each PDF's subset copies the same tables (name, OS/2, cvt, fpgm, prep) out of
            # the font file; they never change, so copy them once.
            font.face.get_table = lru_cache(maxsize=None)(font.face.get_table)
            pdfmetrics.registerFont(font)
        return LetterFonts("IPAexMincho", "IPAexGothic", embedded=True)
    log.warning(
        "IPAex fonts not found (install fonts-ipaexfont or set DESK_LETTER_FONT_DIR); "
        "letters use reportlab's built-in CID fonts, which are not embedded"
    )
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    return LetterFonts("HeiseiMin-W3", "HeiseiKakuGo-W5", embedded=False)


def letter_fonts() -> LetterFonts:
    from flask import current_app, has_app_context

    font_dir = (
        current_app.config.get("LETTER_FONT_DIR") if has_app_context() else os.environ.get("DESK_LETTER_FONT_DIR")
    )
    return _register(font_dir)
