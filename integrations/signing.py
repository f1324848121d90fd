"""The webhook signature: `X-EthicsKit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`, the
HMAC taken with the connection's secret over "<t>.<raw body>". Every kind of helpdesk signs
this way; a request older or newer than five minutes is refused, and so is one seen before."""

import hashlib
import hmac
import re
import time
from dataclasses import dataclass

SIGNATURE_HEADER = "X-EthicsKit-Signature"
TOLERANCE_SECONDS = 5 * 60
HEADER_RE = re.compile(r"^t=(\d{1,12}),v1=([0-9a-fA-F]{64})$")


class SignatureError(Exception):
    """Why a request's signature is refused; `status` is 401 (not signed) or 403 (wrong)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Signature:
    timestamp: int
    digest: str  # lower-case hex


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" with `secret`."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value a sender puts on `body` (tests and the README's example use it)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def parse_header(value: str | None) -> Signature:
    if not value:
        raise SignatureError(
            f"Sign the request: send {SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 "
            'of "<t>.<raw body>" with the connection\'s secret>.',
            401,
        )
    match = HEADER_RE.match(value.strip())
    if match is None:
        raise SignatureError(
            f"{SIGNATURE_HEADER} is not in the form t=<unix seconds>,v1=<64 hex digits>.", 401
        )
    return Signature(timestamp=int(match[1]), digest=match[2].lower())


def verify(secret: str, header: str | None, body: bytes, now: float | None = None) -> Signature:
    """The request's signature when `header` signs `body` with `secret` within the tolerance;
    SignatureError otherwise. The digests are compared in constant time."""
    signature = parse_header(header)
    now = time.time() if now is None else now
    if abs(now - signature.timestamp) > TOLERANCE_SECONDS:
        raise SignatureError(
            "The signature's timestamp is more than 5 minutes from now: sign each request when "
            "sending it, and check the sender's clock.",
            403,
        )
    expected = sign(secret, signature.timestamp, body)
    if not hmac.compare_digest(expected, signature.digest):
        raise SignatureError(
            "The signature does not match the body: sign the exact raw body with this "
            "connection's secret.",
            403,
        )
    return signature
