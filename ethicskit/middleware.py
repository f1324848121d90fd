"""Cross-cutting request handling: browser feature policy and database outages."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# What a lost or refused database connection raises; a bad query raises other errors and stays a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable_response(request) -> HttpResponse:
    """The 503 answer, built without the database: no session, no user, no context processors."""
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "The service is briefly unavailable. Please try again shortly."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A cached outage page would outlive the outage.
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page while PostgreSQL cannot be reached.

    Django's own connection handling recovers on its own once the database is back: a failed
    connection is discarded at the end of the request and the next request opens a new one, and
    every write runs inside `transaction.atomic`, which PostgreSQL rolls back when the connection
    drops. Errors raised in other middleware (a session saved after the view) reach the 500 handler
    instead, which hands them back here (see `ethicskit.views.server_error`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning(
                "Database unavailable for %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable_response(request)
        return None


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header from `settings.PERMISSIONS_POLICY`."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response


class ApiJsonNotFoundMiddleware:
    """Any 404 under /api/ answers in JSON, as the schema documents, also with DEBUG on (where
    Django would otherwise show its HTML debug page for a URL that matches no route)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            return JsonResponse({"detail": "Not found."}, status=404)
        return response
