"""Which address a request came from, as the sign-in throttle and the audit log record it."""

import ipaddress

from django.conf import settings


def _valid(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, given `settings.TRUSTED_PROXY_COUNT` proxies in front of the app.

    With no trusted proxies (the default) it is the socket address and X-Forwarded-For is
    ignored. Behind N trusted proxies the client is the Nth address from the right of
    X-Forwarded-For; anything further left was written by the client and cannot be trusted.
    A header too short or not holding an address there counts as the socket address.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        address = _valid(forwarded[-proxies])
        if address is not None:
            return address
    return _valid(request.META.get("REMOTE_ADDR"))
