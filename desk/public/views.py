"""Public pages that are not the request form: the notice page and the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from desk.extensions import db

blueprint = Blueprint("public", __name__)


@blueprint.route("/")
def index():
    return render_template("public/index.html")


@blueprint.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy", whatever its type
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
