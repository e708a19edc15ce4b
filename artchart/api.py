"""The REST API at /api/v1/ (Django Ninja): same services and selectors as the web."""

from __future__ import annotations

import functools
import logging
from typing import Any, NamedTuple

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.parser import Parser
from ninja.security import HttpBearer

from artchart.core.access import Conflict
from artchart.core.api import ERROR_CODES, ApiError, error_body
from artchart.core.messages import UserMessage, refusal_code
from artchart.core.services import token_authenticate

logger = logging.getLogger("django.request")

FIELDS_TO_CORRECT = UserMessage("invalid", "Please correct the fields named.")
UNAUTHENTICATED = UserMessage("unauthenticated", "Send a valid API token: Authorization: Bearer <token>.")
NOT_FOUND = UserMessage("not_found", "Not found.")
NOT_FOUND_PATH = UserMessage("no_such_api_path", "No such API path: {path}. API paths have no trailing slash.")
METHOD_NOT_ALLOWED = UserMessage("method_not_allowed", "{method} is not allowed here; use {allowed}.")
TOO_LARGE = UserMessage("request_too_large", "This request is too large.")
BAD_REQUEST = UserMessage("unreadable_request", "This request could not be read.")
FORBIDDEN = UserMessage("forbidden", "Not allowed.")
SERVER_ERROR = UserMessage(
    "server_error", "Something went wrong on our side; nothing was changed. The error has been logged."
)


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


NUL_REFUSED = UserMessage("nul_character", "This text contains a NUL character, which cannot be stored.")


def _refuse_nul_characters(data: Any, field: str = "") -> None:
    if isinstance(data, str):
        if "\x00" in data:
            raise ValidationError({field or "__all__": NUL_REFUSED})
    elif isinstance(data, dict):
        for key, value in data.items():
            _refuse_nul_characters(value, f"{field}.{key}" if field else str(key))
    elif isinstance(data, list):
        for value in data:
            _refuse_nul_characters(value, field)


class StrictParser(Parser):
    """ninja's parser, refusing NUL characters: PostgreSQL cannot store them in
    text, so they would fail in the database instead of on their field."""

    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse_nul_characters(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul_characters(result)
        return result


class ArtChartAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # Every route names itself (url_name="clients_list", …) and the OpenAPI
        # operationId is that same name: the schema, reverse("api:…") and the
        # access tests all use one list of names.
        return operation.url_name or super().get_openapi_operation_id(operation)

    def validation_error_from_error_contexts(self, error_contexts) -> SchemaError:
        # A JSON body read into one schema parameter is located by ninja as
        # ("body", <parameter name>, field); the client never saw the parameter's
        # name, so drop it: errors then name "date_of_birth", as the model's do.
        errors = []
        for context in error_contexts:
            single = getattr(context.model, "__read_from_single_attr__", None)
            for error in super().validation_error_from_error_contexts([context]).errors:
                location = tuple(error["loc"])
                if single and location[1:2] == (single,):
                    location = location[:1] + location[2:]
                errors.append({**error, "loc": location})
        return SchemaError(errors)

    def _get_urls(self):
        # ninja answers a wrong method with an empty text/plain 405: answer it as every other error.
        # Its root, /api/v1/, would raise an Http404 outside the API's handlers (an HTML page).
        urls = super()._get_urls()
        for pattern in urls:
            pattern.callback = not_found if pattern.name == "api-root" else _json_405(pattern.callback)
        return urls

    def get_openapi_schema(self, *args, **kwargs):
        # Every operation may fail: say so in the schema, with the one error shape.
        schema = super().get_openapi_schema(*args, **kwargs)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["ApiError"] = ApiError.model_json_schema(ref_template="#/components/schemas/{model}")
        error = {
            "description": "An error: code, message, errors by field",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
        }
        for methods in schema["paths"].values():
            for operation in methods.values():
                operation["responses"].setdefault("default", error)
        return schema


def _json_405(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            message = METHOD_NOT_ALLOWED.format(method=request.method, allowed=allowed)
            json = JsonResponse(error_body(405, message), status=405)
            json["Allow"] = allowed
            return json
        return response

    return wrapped


def not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 (never Django's HTML page, nor a
    redirect to add a slash, which would turn a POST into a GET)."""
    # Published as the 404 status's "not_found" before the message had its own code.
    body = error_body(404, NOT_FOUND_PATH.format(path=request.path), code=ERROR_CODES[404])
    return JsonResponse(body, status=404)


api = ArtChartAPI(
    title="ArtChart API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    parser=StrictParser(),
    openapi_url="/openapi.json",
    docs_url=None,
)


def _error(
    request,
    status: int,
    message: str,
    errors: dict[str, list[str]] | None = None,
    refusal=None,
    code: str | None = None,
):
    """``refusal`` is the service's exception: the code of the message it refused with
    comes first; then ``code`` (a published status code), then the message's own."""
    code = (refusal_code(refusal) if refusal is not None else None) or code
    return api.create_response(request, error_body(status, message, errors, code=code), status=status)


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in ValidationError(errors).messages] for field, errors in exc.error_dict.items()}
    return {"__all__": list(exc.messages)}


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    return _error(request, 400, FIELDS_TO_CORRECT, _field_errors(exc), exc)


@api.exception_handler(Conflict)
def on_conflict(request, exc: Conflict):
    """Refused by the record's state (a signed plan): nothing was changed."""
    return _error(request, 409, " ".join(exc.messages), refusal=exc)


@api.exception_handler(SchemaError)
def on_schema_error(request, exc: SchemaError):
    """Malformed input (a date that is not a date, a missing field) in the same shape as model errors."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())[1:]]  # after the source: body, query, form…
        errors.setdefault(".".join(location) or "__all__", []).append(error.get("msg", "Invalid value."))
    return _error(request, 400, FIELDS_TO_CORRECT, errors)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # ninja turns any failure to parse a JSON body into "400 Cannot parse request
    # body"; a NUL refused by StrictParser is a field error like any other.
    if isinstance(exc.__cause__, ValidationError):
        return on_validation_error(request, exc.__cause__)
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, UNAUTHENTICATED)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, NOT_FOUND)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, str(exc) or FORBIDDEN, refusal=exc)


@api.exception_handler(RequestDataTooBig)
def on_too_large(request, exc):
    # Published as "too_large" before the message had its own code (a photo's own limit holds that code).
    return _error(request, 413, TOO_LARGE, code=ERROR_CODES[413])


@api.exception_handler(SuspiciousOperation)
def on_unreadable(request, exc):
    return _error(request, 400, BAD_REQUEST)


@api.exception_handler(Exception)
def on_server_error(request, exc):
    # Logged as Django logs an unhandled error (and mailed to the admins if so set up).
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request}
    )
    return _error(request, 500, SERVER_ERROR)


api.add_router("/auth/", "artchart.core.api.auth_router")
api.add_router("/tokens", "artchart.core.api.tokens_router")
api.add_router("/lockouts", "artchart.core.api.lockouts_router")
api.add_router("/clients", "artchart.clients.api.router")
api.add_router("/clients", "artchart.plans.api.router")
api.add_router("/programs", "artchart.programs.api.router")
for _area in ("sessions", "groups", "notes", "confidential"):
    api.add_router("/", f"artchart.therapy.api.{_area}.router")
api.add_router("/", "artchart.artworks.api.router")
api.add_router("/", "artchart.measures.api.router")
api.add_router("/", "artchart.reports.api.router")
api.add_router("/hours", "artchart.supervision.api.router")


class ApiOperation(NamedTuple):
    name: str  # the url_name and operationId: reverse(f"api:{name}", kwargs=...)
    method: str  # GET, POST, PATCH, DELETE
    path: str  # as in the OpenAPI schema, e.g. /api/v1/clients/{client_id}


def api_operations() -> list[ApiOperation]:
    """Every operation of the API, from its OpenAPI schema (for tests that walk them all)."""
    paths = api.get_openapi_schema()["paths"]
    return sorted(
        ApiOperation(operation["operationId"], method.upper(), path)
        for path, methods in paths.items()
        for method, operation in methods.items()
    )
