"""How staff-account events reach the audit trail.

desk.auth and desk.audit sit in one layer and import neither the other: the audit area
hands its writer to the app when it wires itself up (desk.audit.register), and auth finds it
there. An app built without the audit area cannot sign anyone in: the lookup fails loudly
rather than leave sign-ins unrecorded.
"""

from __future__ import annotations

from flask import current_app


def record(action: str, **details) -> str:
    """desk.audit.service.record, as the app was given it: same arguments, same transaction."""
    return current_app.extensions["desk.audit.record"](action, **details)
