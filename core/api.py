"""REST API plumbing shared by every app: key authentication, JSON parsing, paging, errors."""

import re
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import authentication, exceptions, parsers
from rest_framework.fields import BooleanField, CharField
from rest_framework.pagination import PageNumberPagination


class KeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` (or `Bearer <key>`); subclasses say which key is whose
    in `user_for_key`, returning (user, auth) or None for an unknown key."""

    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Token <key>'."
            )
        try:
            raw_key = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("That token is not valid.") from None
        found = self.user_for_key(raw_key)
        if found is None:
            raise exceptions.AuthenticationFailed("That token is not valid or has been revoked.")
        return found

    def user_for_key(self, raw_key: str):
        raise NotImplementedError

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) when credentials are missing or wrong.
        return 'Token realm="api"'


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(data) -> bool:
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing two things that would otherwise end as a 500.

    Escapes of lone surrogates such as "\\ud800": JSON allows them, but they are not
    characters, so no field could store one and even an error message quoting one could not be
    encoded into the reply. And bodies nested deeper than Python's recursion limit.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(
                "JSON parse error - the body is nested too deeply."
            ) from None
        if _has_lone_surrogate(data):
            raise exceptions.ParseError(
                "JSON parse error - the body has a lone surrogate escape (\\ud800 to \\udfff), "
                "which is not a character. Send the text as UTF-8."
            )
        return data


class Pagination(PageNumberPagination):
    """`?page=` from 1 and `?page_size=` from 1 to 200, both whole numbers: anything else is a
    400 naming the parameter, as the schema documents, rather than silently the default."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def _whole_number(self, request, name: str, maximum: int | None = None) -> int | None:
        raw = request.query_params.getlist(name)
        if not raw:
            return None
        if len(raw) > 1 or not raw[0].isascii() or not raw[0].isdigit():
            raise exceptions.ValidationError({name: ["Send one whole number."]})
        value = int(raw[0])
        if value < 1 or (maximum is not None and value > maximum):
            top = f" to {maximum}" if maximum is not None else " or more"
            raise exceptions.ValidationError({name: [f"Send a whole number from 1{top}."]})
        return value

    def paginate_queryset(self, queryset, request, view=None):
        self._whole_number(request, self.page_query_param, maximum=10**9)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        chosen = self._whole_number(request, self.page_size_query_param, self.max_page_size)
        return self.page_size if chosen is None else chosen

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": 10**9},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError from services as a 400 with field messages."""
    # Imported here: DRF loads this module while rest_framework.views is still importing.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_field_messages(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


class RuleRefused(exceptions.APIException):
    """422: the request matches the schema, but a rule about the data as it stands refuses it
    (a date too old, a person or interaction that is not yours, ratings of another rubric
    version). The body is shaped like a 400's: a message for each field, or non_field_errors."""

    status_code = 422
    default_detail = "The request is well formed, but a rule about the current data refuses it."
    default_code = "rule_refused"


class StateConflict(exceptions.APIException):
    """409: the thing the request acts on is no longer in a state that allows it (closed,
    already done)."""

    status_code = 409
    default_detail = "This can no longer be done."
    default_code = "conflict"


# A service marks an error with this code when the target's state, not the input, refuses it.
CONFLICT = "conflict"


def _field_messages(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return {
            "non_field_errors" if field == "__all__" else field: messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


@contextmanager
def data_rules():
    """Around the service call of a write, after its serializer has accepted the body's shape
    (a 400 otherwise): what the service still refuses is a rule about the current data, a 422,
    or a 409 when the service marks it as a conflict with the target's state."""
    try:
        yield
    except DjangoValidationError as error:
        whole = [] if hasattr(error, "error_dict") else error.error_list
        conflict = any(each.code == CONFLICT for each in whole)
        raise (StateConflict if conflict else RuleRefused)(_field_messages(error)) from None


ERROR_RESPONSES = {
    "400": "Invalid input: a message for each field, or non_field_errors.",
    "401": "No token, or the token is not valid.",
    "403": "Your role does not allow this.",
    "404": "Not found, or not yours to see.",
    "405": "Method not allowed.",
    "415": "Send JSON (Content-Type: application/json).",
    "429": "Too many requests: wait and retry.",
    "503": "The database is briefly unreachable: nothing was saved; retry after Retry-After seconds.",
}


def add_error_responses(result, generator, request, public):
    """Schema post-processing: document the JSON error answers every operation can give."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "description": "{'detail': '...'} or {'field': ['message', ...], ...}",
        "additionalProperties": True,
    }
    reference = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            # An operation's own error answers (a 409, a 422) name their rules; the body is an Error.
            for code, response in responses.items():
                if code.startswith(("4", "5")) and "content" not in response:
                    response["content"] = {"application/json": {"schema": reference}}
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


class StrictBooleanField(BooleanField):
    """JSON true or false only: DRF's own field also takes 0, 1, "yes" and "on", which the
    schema (type boolean) does not allow."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        self.fail("invalid", input=data)


NO_NUL = "^[^\\u0000]*$"


def document_text_rules(result, generator, request, public):
    """Schema post-processing: every text a client sends refuses the NUL character (DRF's
    CharField does, and PostgreSQL could not store it), so say so with a pattern."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for prop in component.get("properties", {}).values():
            # A text, an object of texts (comments per criterion) or a list of texts (usernames).
            for text in (prop, prop.get("additionalProperties"), prop.get("items")):
                if not isinstance(text, dict) or text.get("type") != "string":
                    continue
                if not {"format", "enum", "pattern"} & set(text):
                    text["pattern"] = NO_NUL
    return result


class StrictCharField(CharField):
    """JSON text only: DRF's own field turns a number into its digits, which the schema
    (type string) does not allow."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
