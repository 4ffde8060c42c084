"""Charts drawn on the server as SVG: no JavaScript, no CDN, works offline and prints.

Colours come from classes styled in static/desk.css (the CSP forbids inline styles);
geometry uses presentation attributes. Every chart has a <title> and <desc>, and the page
puts the same numbers in a table beneath it for screen readers.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

from markupsafe import Markup, escape

FONT = 13


def _text_width(text: str, size: int = FONT) -> float:
    """Rough width of a label: full-width (CJK) characters take 1em, others about 0.6em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in str(text))


def nice_max(value: float) -> tuple[float, float]:
    """A round axis maximum at or above value, and the step between grid lines."""
    if value <= 0:
        return 1, 1
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if step < 1:
        step = 1
    return step * math.ceil(value / step), step


def _fit(text: str, width: float, size: int = FONT) -> str:
    """The label cut with an ellipsis to fit width (the full text stays in the table and the tooltip)."""
    text = str(text)
    if _text_width(text, size) <= width:
        return text
    while text and _text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _open(title: str, desc: str, width: float, height: float, css: str = "") -> list[str]:
    return [
        f'<svg class="chart {css}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
    ]


def _empty(parts: list[str], width: float, height: float, message: str) -> Markup:
    parts.append(
        f'<text class="chart-empty" x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'font-size="{FONT + 2}">{escape(message)}</text></svg>'
    )
    return Markup("".join(parts))


def column_chart(
    x_labels: Sequence[tuple[str, str]],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    desc: str,
    empty: str,
    stacked: bool = True,
    unit: str = "",
    reference: tuple[float, str] | None = None,
    width: int = 1100,
    height: int = 300,
) -> Markup:
    """Vertical bars per x slot, stacked or side by side. x_labels are (line 1, line 2) pairs.
    series: (name, values per slot); colour class s0, s1, … in series order."""
    legend_h = 22 * math.ceil(len(series) / 3) if len(series) > 1 else 0
    left, right, top, bottom = 44, 12, 14 + legend_h, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = _open(title, desc, width, height)
    totals = (
        [
            sum(s[1][i] or 0 for s in series) if stacked else max((s[1][i] or 0) for s in series)
            for i in range(len(x_labels))
        ]
        if series
        else []
    )
    if not totals or max(totals) == 0:
        return _empty(parts, width, height, empty)
    peak = max(max(totals), reference[0] if reference else 0)
    axis_max, step = nice_max(peak)
    # legend
    for i, (name, _values) in enumerate(series if len(series) > 1 else ()):
        x, y = left + (i % 3) * (plot_w / 3), 4 + (i // 3) * 22
        parts.append(
            f'<rect class="s{i}" x="{x:.0f}" y="{y}" width="12" height="12"/>'
            f'<text x="{x + 17:.0f}" y="{y + 11}" font-size="{FONT}">{escape(name)}</text>'
        )
    # grid and y axis
    tick = 0.0
    while tick <= axis_max + 1e-9:
        y = top + plot_h - tick / axis_max * plot_h
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="{FONT - 1}">'
            f"{_number(tick)}{escape(unit)}</text>"
        )
        tick += step
    slot = plot_w / len(x_labels)
    bar_w = slot * (0.62 if stacked else 0.8 / max(len(series), 1))
    for i, (line1, line2) in enumerate(x_labels):
        x0 = left + i * slot
        base = top + plot_h
        for j, (name, values) in enumerate(series):
            value = values[i] or 0
            if value <= 0:
                continue
            h = value / axis_max * plot_h
            if stacked:
                x, y = x0 + (slot - bar_w) / 2, base - h
                base -= h
            else:
                x, y = x0 + slot * 0.1 + j * bar_w, top + plot_h - h
            parts.append(
                f'<rect class="s{j}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                f"<title>{escape(line1)} {escape(line2)} {escape(name)}: {_number(value)}{escape(unit)}</title></rect>"
            )
        if stacked and totals[i]:
            parts.append(
                f'<text class="value" x="{x0 + slot / 2:.1f}" y="{base - 4:.1f}" text-anchor="middle" '
                f'font-size="{FONT - 1}">{_number(totals[i])}</text>'
            )
        parts.append(
            f'<text class="axis" x="{x0 + slot / 2:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle" '
            f'font-size="{FONT - 1}">{escape(line1)}</text>'
        )
        if line2:
            parts.append(
                f'<text class="axis" x="{x0 + slot / 2:.1f}" y="{top + plot_h + 31:.1f}" '
                f'text-anchor="middle" font-size="{FONT - 2}">{escape(line2)}</text>'
            )
    if reference:
        y = top + plot_h - reference[0] / axis_max * plot_h
        parts.append(
            f'<line class="reference" x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}"/>'
            f'<text class="reference-label" x="{width - right - 4}" y="{y - 5:.1f}" text-anchor="end" '
            f'font-size="{FONT - 1}">{escape(reference[1])}</text>'
        )
    parts.append(f'<line class="axis-line" x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    desc: str,
    empty: str,
    css_class: str = "s0",
    width: int = 560,
) -> Markup:
    """Horizontal bars, one row per label: long Japanese labels stay readable."""
    row = 28
    label_w = min(max((_text_width(label) for label in labels), default=0) + 12, width * 0.55)
    left, right, top = label_w, 48, 6
    height = top * 2 + row * max(len(labels), 1)
    parts = _open(title, desc, width, max(height, 60))
    if not values or max(values) == 0:
        return _empty(parts, width, max(height, 60), empty)
    axis_max = max(values)
    plot_w = width - left - right
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        parts.append(
            f'<text class="axis" x="{left - 8:.0f}" y="{y + row / 2 + 4:.1f}" text-anchor="end" '
            f'font-size="{FONT}">{escape(_fit(label, left - 12))}</text>'
        )
        w = value / axis_max * plot_w if value else 0
        parts.append(
            f'<rect class="{css_class}" x="{left:.0f}" y="{y + 5}" width="{w:.1f}" height="{row - 10}">'
            f"<title>{escape(label)}: {_number(value)}</title></rect>"
            f'<text class="value" x="{left + w + 6:.1f}" y="{y + row / 2 + 4:.1f}" font-size="{FONT}">'
            f"{_number(value)}</text>"
        )
    parts.append(f'<line class="axis-line" x1="{left:.0f}" y1="{top}" x2="{left:.0f}" y2="{top + row * len(labels)}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
