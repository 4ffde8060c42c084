"""Which role may do what. Every staff route names one permission; nothing else decides."""

from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

OFFICER, SUPERVISOR, ADMIN, AUDITOR = "officer", "supervisor", "admin", "auditor"

#: permission -> roles that hold it. Administrators run the system, not cases: they do
#: not read requests or documents (least privilege). Auditors read everything, change nothing.
PERMISSIONS: dict[str, frozenset[str]] = {
    "case.view": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "case.work": frozenset({OFFICER, SUPERVISOR}),
    "case.register": frozenset({OFFICER, SUPERVISOR}),
    "document.view": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "document.mask": frozenset({OFFICER, SUPERVISOR}),
    "decision.approve": frozenset({SUPERVISOR}),
    "retention.view": frozenset({SUPERVISOR, AUDITOR, ADMIN}),
    "retention.hold": frozenset({SUPERVISOR}),
    "dashboard.view": frozenset({SUPERVISOR, AUDITOR, ADMIN}),
    "register.export": frozenset({SUPERVISOR, AUDITOR}),
    "suppression.view": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "suppression.manage": frozenset({OFFICER, SUPERVISOR}),
    "provisions.view": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "provisions.record": frozenset({OFFICER, SUPERVISOR}),
    #: Counterparties (提供先・提供元) are kept by a supervisor.
    "provisions.counterparties": frozenset({SUPERVISOR}),
    #: Marketing consent: opt-ins, opt-outs, their history and the consent log.
    "consent.view": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "consent.manage": frozenset({OFFICER, SUPERVISOR}),
    "letters.print": frozenset({OFFICER, SUPERVISOR}),
    #: Inquiries and complaints (desk.inquiries): read like cases, worked like cases.
    "inquiry.view": frozenset({OFFICER, SUPERVISOR, AUDITOR}),
    "inquiry.work": frozenset({OFFICER, SUPERVISOR}),
    "audit.view": frozenset({AUDITOR, SUPERVISOR, ADMIN}),
    "settings.edit": frozenset({ADMIN}),
    "staff.manage": frozenset({ADMIN}),
    #: API keys for the systems around the desk (desk/api).
    "api.keys": frozenset({ADMIN}),
    #: One's own account: password, two-step sign-in.
    "account.own": frozenset({OFFICER, SUPERVISOR, ADMIN, AUDITOR}),
}


def can(user, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    return user.role in PERMISSIONS[permission]


def require(permission: str, *, before_password_change: bool = False):
    """Guard a staff view: sign-in first, then a temporary password changed (unless the
    view is where it is changed), then the role; 403 otherwise."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
            if getattr(current_user, "must_change_password", False) and not before_password_change:
                return redirect(url_for("auth.change_password"))
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        guarded.permission = permission
        return guarded

    return decorator
