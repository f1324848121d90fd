"""`POST /api/v1/webhooks/<slug>/`: a helpdesk tells EthicsKit a ticket was solved.

No session, no CSRF token, no API token: the signature over the raw body is the only proof.
The event's work is bounded (a few queries) and done at once, so the 202 names the interaction;
releasing the tickets held for an identity, which is unbounded, is the worker's, queued when an
admin maps it (services.mapping_add). A refused request stores nothing and its answer says why
in a JSON `detail`.
"""

import io
from datetime import UTC, datetime

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import JSONParser
from integrations.models import Connection
from integrations.payloads import PayloadError, read_event
from integrations.services import DEMO_SECRET, Replay, receive_event
from integrations.signing import SIGNATURE_HEADER, SignatureError, verify

MAX_BODY_BYTES = 64 * 1024

AcceptedSerializer = inline_serializer(
    "WebhookAccepted",
    {
        "status": serializers.ChoiceField(
            choices=["created", "updated", "unchanged", "held", "ignored"]
        ),
        "detail": serializers.CharField(),
        "interaction": serializers.IntegerField(allow_null=True),
        "topic_dropped": serializers.BooleanField(
            help_text="The topic looked like personal data, so it was not kept."
        ),
    },
)


def _refused(message: str, code: int) -> Response:
    return Response({"detail": message}, status=code)


class WebhookView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "webhook"

    @extend_schema(
        summary="A helpdesk's ticket-solved event, signed with the connection's secret",
        description=(
            "The body is the event shape of the connection's kind (generic: `ticket_id`, "
            "`agent`, `channel`, `solved_at`, optional `topic`). Sign it with "
            f'`{SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`; '
            "the timestamp must be within 5 minutes and each signature is accepted once. Only "
            "the ticket id, agent, channel, solved time and topic are kept."
        ),
        auth=[],
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                SIGNATURE_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="t=<unix seconds>,v1=<64 hex digits>",
            )
        ],
        responses={
            202: AcceptedSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="Not JSON, or not the shape of the kind."
            ),
            401: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Not signed, or the signature header is malformed.",
            ),
            403: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Wrong signature, a timestamp over 5 minutes off, or a replay.",
            ),
            404: OpenApiResponse(
                OpenApiTypes.OBJECT, description="No active connection at that address."
            ),
            413: OpenApiResponse(OpenApiTypes.OBJECT, description="The body is over 64 KB."),
        },
    )
    def post(self, request, slug):
        connection = Connection.objects.filter(slug=slug, is_active=True).first()
        if connection is None:
            return _refused("No active helpdesk connection at this address.", 404)
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            return _refused("The body is over 64 KB: send one ticket per event.", 413)
        body = request._request.body
        if len(body) > MAX_BODY_BYTES:
            return _refused("The body is over 64 KB: send one ticket per event.", 413)
        if connection.signing_secret == DEMO_SECRET and not settings.DEBUG:
            return _refused(
                "This connection still has the demo secret, which works only with DEBUG on: "
                "give it a new secret.",
                403,
            )
        try:
            signature = verify(
                connection.signing_secret, request.headers.get(SIGNATURE_HEADER), body
            )
        except SignatureError as error:
            return _refused(error.message, error.status)
        try:
            data = JSONParser().parse(io.BytesIO(body))
            event = read_event(connection.kind, data)
            outcome = receive_event(
                connection,
                event,
                sent_at=datetime.fromtimestamp(signature.timestamp, tz=UTC),
                signature=signature.digest,
            )
        except ParseError as error:
            return _refused(str(error.detail), 400)
        except PayloadError as error:
            return _refused(f"{error} Nothing was stored.", 400)
        except Replay:
            return _refused("This signed request was received before: sign each event anew.", 403)
        return Response(
            {
                "status": outcome.status,
                "detail": outcome.detail,
                "interaction": outcome.interaction_id,
                "topic_dropped": outcome.topic_dropped,
            },
            status=status.HTTP_202_ACCEPTED,
        )
