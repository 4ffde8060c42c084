"""Identity and proxy documents, and the checks of who is asking and on whose authority."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The documents panel of the case page; at disposal, every document's key is shredded
    (its file deleted) and the addresses and document number typed during the identity check are erased."""
    from sqlalchemy import func, or_

    from desk.cases import hooks
    from desk.i18n import current_language
    from desk.identity.models import Document, Verification
    from desk.identity.panel import documents_context, documents_summary
    from desk.identity.service import document_name

    app.jinja_env.filters["document_name"] = lambda document: document_name(document, current_language())
    hooks.add_panel(
        app,
        hooks.Panel(
            "staff/cases/panels/documents.html",
            order=20,
            permission="document.view",
            context=documents_context,
            title=("提出書類", "Documents"),
            summary=documents_summary,
        ),
    )
    hooks.erase_at_disposal(
        app,
        Document,
        or_(Document.wrapped_key.is_not(None), Document.deficiency.is_not(None)),
        {
            "wrapped_key": None,
            "deficiency": None,
            "destroyed_at": func.coalesce(Document.destroyed_at, hooks.DISPOSAL_MOMENT),
        },
        files=True,
    )
    hooks.erase_at_disposal(
        app,
        Verification,
        Verification.document_address.is_not(None)
        | Verification.records_address.is_not(None)
        | Verification.counter_number_tail.is_not(None),
        {"document_address": None, "records_address": None, "counter_number_tail": None},
    )
