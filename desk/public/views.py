"""Public pages that are not the request form: the notice page and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from desk.extensions import db

blueprint = Blueprint("public", __name__)


def article_ja(article: str) -> str:
    """Article references as written in Japanese law: "35(3),(5); 27(2)" ->
    "第35条第3項・第5項、第27条第2項"."""
    parts = []
    for ref in article.split(";"):
        ref = ref.strip()
        number, _, rest = ref.partition("(")
        paragraphs = [p.strip("() ") for p in ("(" + rest).split(",")] if rest else []
        text = f"第{number.strip()}条"
        if paragraphs:
            text += "・".join(f"第{p}項" for p in paragraphs if p)
        parts.append(text)
    return "、".join(parts)


@blueprint.route("/")
def index():
    """The public notice (Art. 32(1)): everything here comes from settings and the catalogue."""
    return render_template("public/index.html", article_ja=article_ja)


@blueprint.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", whatever its type
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
