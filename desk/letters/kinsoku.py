"""Japanese line breaking (禁則処理) for letters, replacing reportlab's CJK wrap.

reportlab's ``wordWrap='CJK'`` (reportlab.lib.textsplit / paragraph.cjkFragSplit) only
knows "cannot start a line", lets exactly one such character hang in the margin and then
starts the next line with the second one (。」 → 」 at a line start), never looks at
"cannot end a line" (its ALL_CANNOT_END list is unused), misses ！？：；，．〉》 ’” and the
half-width ｡｣､･ﾞﾟ, splits runs of ―― and ……, and measures every glyph through stringWidth
(most of a letter's rendering time). This module keeps reportlab's line objects but chooses
the break points by the rules in docs LETTERS.md:

- a line may not start with NO_START nor end with NO_END;
- runs of ―― and …… stay together;
- a run of Latin letters/digits (a reference number, a postcode, an English word) is not
  split unless it is longer than a line;
- one of 、。，． may hang in the right margin (ぶら下げ); otherwise characters are pushed to
  the next line (追い出し).
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines, _handleBulletWidth

#: Must not start a line (LETTERS.md), plus the ASCII closers reportlab already had.
NO_START = frozenset(
    "！％），．：；？］｝°’”‰′″℃、。々〉》」』】〕゛゜ゝゞ・ヽヾー"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "｡｣､･ﾞﾟ"
    "!),.:;?]}，"
)
#: Must not end a line.
NO_END = frozenset("（［｛「『【〔〈《＄£¥￥‘“｢([{〒")
#: Characters whose runs must not be split.
NO_SPLIT_RUN = frozenset("―…‥")
#: Punctuation allowed to hang one character into the right margin.
HANGING = frozenset("、。，．､｡")

_FUZZ = 1e-6
_width_cache: dict[tuple[str, float], dict[str, float]] = {}


def char_widths(text: str, font_name: str, font_size: float) -> list[float]:
    """Glyph widths, cached per font and size (stringWidth per glyph is slow)."""
    cache = _width_cache.setdefault((font_name, font_size), {})
    widths = []
    for ch in text:
        w = cache.get(ch)
        if w is None:
            w = cache[ch] = stringWidth(ch, font_name, font_size)
        widths.append(w)
    return widths


def _wordish(ch: str) -> bool:
    """Part of a Latin word or number, which is not broken inside."""
    return bool(ch) and ord(ch) < 0x2000 and not ch.isspace()


def allowed_break(chars, k: int, start: int) -> bool:
    """May a line end before chars[k] (the line being chars[start:k])?"""
    if k <= start:
        return False
    if k >= len(chars):
        return True
    before, after = chars[k - 1], chars[k]
    if after in NO_START or before in NO_END:
        return False
    if before == after and after in NO_SPLIT_RUN:
        return False
    return not (_wordish(before) and _wordish(after))


def break_points(chars, widths, max_widths, hard_breaks=None) -> list[tuple[int, int, float]]:
    """Split a sequence of glyphs into lines: [(start, end, width used)], end exclusive.

    `max_widths[i]` is the width of line i (the last one repeats); `hard_breaks` marks
    glyphs (e.g. <br/>) after which a line must end."""
    n = len(chars)
    lines: list[tuple[int, int, float]] = []
    start = 0
    while start < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        used, i, hard = 0.0, start, False
        while i < n:
            if used + widths[i] > max_width + _FUZZ and i > start:
                break
            used += widths[i]
            i += 1
            if hard_breaks and hard_breaks[i - 1]:
                hard = True
                break
        if hard or i >= n:
            lines.append((start, i, used))
            start = i
            continue
        # chars[i] does not fit: choose where this line ends.
        end = None
        if chars[i] in HANGING and allowed_break(chars, i + 1, start):
            end = i + 1  # ぶら下げ: the comma or full stop hangs in the margin
        else:
            for k in range(i, start, -1):
                if allowed_break(chars, k, start):
                    end = k
                    break
        if end is None:
            end = i  # nothing allowed (e.g. a very long word): break where it overflows
        used = sum(widths[start:end])
        lines.append((start, end, used))
        start = end
        while start < n and chars[start] == " " and not (hard_breaks and hard_breaks[start]):
            start += 1  # a space at a wrap disappears
    return lines


def wrap_text(text: str, width: float, font_name: str, font_size: float) -> list[str]:
    """Lines of plain text broken with the kinsoku rules (for canvas drawing and tests)."""
    if not text:
        return [""]
    widths = char_widths(text, font_name, font_size)
    return [text[s:e].rstrip(" ") for s, e, _ in break_points(text, widths, [width])]


class KinsokuParagraph(Paragraph):
    """A reportlab Paragraph that breaks Japanese lines with the rules above.

    Use it with a style whose wordWrap is 'CJK' (set by desk.letters.frame's Japanese
    styles); everything else (markup, splitting over pages, alignment) is reportlab's.
    Lines are built per run of one fragment, not per glyph as reportlab does (which was
    most of a letter's rendering time)."""

    def breakLinesCJK(self, maxWidths):
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        frags = self.frags
        if not frags:
            return ParaLines(
                kind=0,
                fontSize=style.fontSize,
                fontName=style.fontName,
                textColor=style.textColor,
                lines=[],
                ascent=style.fontSize,
                descent=-0.2 * style.fontSize,
            )
        chars: list[str] = []
        widths: list[float] = []
        hard: list[bool] = []
        owner: list[int] = []
        for index, frag in enumerate(frags):
            text = frag.text
            if isinstance(text, bytes):
                text = text.decode("utf8")
            cb_width = getattr(getattr(frag, "cbDefn", None), "width", 0)
            if text and not cb_width:
                chars.extend(text)
                widths.extend(char_widths(text, frag.fontName, frag.fontSize))
                hard.extend([False] * len(text))
                owner.extend([index] * len(text))
            else:
                chars.append(text or "")
                widths.append(cb_width or 0)
                hard.append(hasattr(frag, "lineBreak"))
                owner.append(index)
        metrics = {}
        lines = []
        for number, (start, end, used) in enumerate(break_points(chars, widths, maxWidths, hard)):
            max_width = maxWidths[min(number, len(maxWidths) - 1)]
            words, size, ascent, descent = [], 0, 0, 0
            run_start = start
            for k in range(start, end + 1):
                if k == end or owner[k] != owner[run_start]:
                    frag = frags[owner[run_start]]
                    word = frag.clone()
                    word.text = "".join(chars[run_start:k])
                    words.append(word)
                    key = (frag.fontName, frag.fontSize)
                    if key not in metrics:
                        metrics[key] = getAscentDescent(*key)
                    a, d = metrics[key]
                    size, ascent, descent = max(size, frag.fontSize), max(ascent, a), min(descent, d)
                    run_start = k
            line_break = bool(hard[end - 1]) if end > start else False
            lines.append(
                FragLine(
                    kind=1,
                    extraSpace=max_width - used,
                    wordCount=1,
                    words=words,
                    fontSize=size,
                    ascent=ascent,
                    descent=descent,
                    maxWidth=max_width,
                    currentWidth=used,
                    lineBreak=line_break,
                )
            )
        return ParaLines(kind=1, lines=lines)
