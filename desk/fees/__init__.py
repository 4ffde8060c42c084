"""Fees: what an application owes, payments, and shortfall notices."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """A payment's note is personal data, erased at disposal."""
    from desk.cases import hooks
    from desk.fees.models import FeePayment

    hooks.erase_at_disposal(app, FeePayment, FeePayment.note.is_not(None), {"note": None})
