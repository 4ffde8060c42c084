"""The JSON API, /api/v1/, described by an OpenAPI 3.1 document at /api/v1/openapi.json:
the public request and status endpoints and, with an API key, the integration endpoints.
Administrators make and revoke keys at /staff/admin/api-keys (and `desk api-key`)."""

from __future__ import annotations

from flask import Flask, request


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def register(app: Flask) -> None:
    """The API blueprint, CSRF-exempt (it authenticates by key, never by cookie), problem
    responses for every error under /api/, and the administrator's key pages."""
    from desk.api.admin import blueprint as admin_blueprint
    from desk.api.views import blueprint, http_problem
    from desk.extensions import csrf

    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)
    app.register_blueprint(admin_blueprint)
    app.extensions.setdefault("desk_upload_endpoints", set()).update({"api.submit_request", "api.register_case"})
    # Every error under /api/ (no such route, a wrong method, a throttle, a crash) answers
    # as a problem document instead of the HTML error page.
    app.extensions.setdefault("desk_error_formats", []).append((is_api_request, http_problem))
