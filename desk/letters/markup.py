"""Letter templates: Jinja text templates under templates/letters/<lang>/ that write a
small line-based markup, turned here into the frame's flowables.

Each block starts on a new line with a directive; a line without one continues the block
before it. Values from the case are HTML-escaped by Jinja (which is also reportlab's
paragraph markup), every line break in them (U+2028 included) becomes <br/> and their
"@" and "|" character references, so nothing typed by anyone (form, CLI, an old row) can
start or break a directive or inject markup.

    @title TEXT            centred title
    @lead TEXT             paragraph without indent (拝啓 …)
    @p TEXT                body paragraph (indented first line in Japanese)
    @h TEXT                section heading (kept with what follows)
    @item TEXT             indented paragraph
    @sub TEXT              indented paragraph with a hanging first character (・ lists)
    @field LABEL | VALUE   label/value row of the decisions
    @ki [WORD]             記, centred      @ijo [WORD]   以上, right-aligned
    @right TEXT            right-aligned     @center TEXT   centred
    @small TEXT            small print       @contact TEXT  the contact block
    @space [MM]            vertical space    @pagebreak
    @attachment KEY | HEADING   the table `tables[KEY]` on a new page, header repeated
"""

from __future__ import annotations

import re
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from desk.config import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates" / "letters"
DIRECTIVES = frozenset(
    {
        "title",
        "lead",
        "p",
        "h",
        "item",
        "sub",
        "field",
        "ki",
        "ijo",
        "right",
        "center",
        "small",
        "contact",
        "space",
        "pagebreak",
        "attachment",
    }
)


class MarkupError(ValueError):
    pass


#: Every character str.splitlines() breaks a line at, so none of them in a value can end the
#: line of a directive and start another; "@" and "|" as character references, so a value
#: at the start of a line cannot be a directive, nor move the " | " of @field or @attachment.
_LINE_BREAKS = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _finalize(value):
    if value is None:
        return ""
    if isinstance(value, Markup) or hasattr(value, "__html__"):
        return value
    text = str(escape(str(value))).replace("@", "&#64;").replace("|", "&#124;")
    return Markup(_LINE_BREAKS.sub("<br/>", text))


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        lstrip_blocks=True,
        finalize=_finalize,
        undefined=StrictUndefined,
        auto_reload=False,
    )


def render_markup(template: str, context: dict) -> str:
    return environment().get_template(template).render(**context)


def parse(text: str, lang: str = "ja") -> list[tuple[str, str]]:
    """[(directive, argument)] from the markup; continuation lines join their block."""
    joiner = "" if lang == "ja" else " "
    blocks: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("@"):
            name, _, rest = line[1:].partition(" ")
            if name not in DIRECTIVES:
                raise MarkupError(f"unknown letter directive @{name}")
            blocks.append([name, rest.strip()])
        elif blocks:
            blocks[-1][1] = f"{blocks[-1][1]}{joiner}{line}" if blocks[-1][1] else line
        else:
            raise MarkupError("letter text before the first directive")
    return [(name, arg) for name, arg in blocks]


def flowables(blocks: list[tuple[str, str]], frame, tables: dict | None = None) -> list:
    tables = tables or {}
    story: list = []
    pending: list[tuple[str, str]] = []  # consecutive @field rows become one table
    for name, arg in blocks:
        if name == "field":
            label, _, value = arg.partition(" | ")
            pending.append((label.strip(), value.strip()))
            continue
        if pending:
            story.append(frame.fields(pending))
            pending = []
        if name == "title":
            story.append(frame.title(arg))
        elif name in ("lead", "p", "item", "sub", "right", "center", "small"):
            story.append(frame.para(arg, "body" if name == "p" else name))
        elif name == "h":
            story.append(frame.para(arg, "heading"))
        elif name == "ki":
            story.append(frame.ki(arg or "記"))
        elif name == "ijo":
            story.append(frame.ijo(arg or "以上"))
        elif name == "contact":
            story.append(frame.spacer(6))
            story.append(frame.para(arg, "contact"))
        elif name == "space":
            story.append(frame.spacer(float(arg or 4)))
        elif name == "pagebreak":
            story.append(frame.page_break())
        elif name == "attachment":
            key, _, heading = arg.partition(" | ")
            columns, rows = tables[key.strip()]
            story.append(frame.page_break())
            story.append(frame.para(heading.strip(), "heading"))
            story.append(frame.spacer(2))
            story.append(frame.table(columns, rows))
    if pending:
        story.append(frame.fields(pending))
    return story
