"""Electronic delivery: the reply and the disclosed data as a package on the requester's page."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The offered methods for the form and notice; packages are erased (keys shredded, files removed) when their case is disposed of."""
    from desk.cases import hooks
    from desk.delivery.models import DeliveryPackage
    from desk.delivery.service import offered_methods

    app.add_template_global(offered_methods, "delivery_methods")

    hooks.erase_at_disposal(
        app,
        DeliveryPackage,
        DeliveryPackage.wrapped_key.is_not(None),
        {"wrapped_key": None, "destroyed_at": hooks.DISPOSAL_MOMENT},
        files=True,
    )
