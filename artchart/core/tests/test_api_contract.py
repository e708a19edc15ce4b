"""The contract of /api/v1 (docs/api.md), checked over its own OpenAPI schema:
one path style, one list envelope, one error shape, authentication everywhere,
and dates, times and durations that cannot break the server."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from artchart.api import (
    NOT_FOUND_PATH,
    SERVER_ERROR,
    UNAUTHENTICATED,
    api,
    api_operations,
)
from artchart.core import selectors as core_selectors
from artchart.core.api import DATE_OUT_OF_RANGE, MAX_LIST_LIMIT, NAIVE_DATETIME
from artchart.core.services import token_issue
from artchart.therapy.api.sessions import ENDS_AT_OUT_OF_RANGE
from artchart.therapy.models import Series, Session

ENVELOPE = {"count", "next", "previous", "results"}
ERROR_KEYS = {"code", "message", "errors"}
SIGN_IN = "auth_token"  # the one operation a caller without a token may use


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _ok_schema(schema: dict, op) -> dict:
    responses = schema["paths"][op.path][op.method.lower()]["responses"]
    ok = responses.get(200) or responses.get("200") or {}
    return _resolve(schema, ok.get("content", {}).get("application/json", {}).get("schema", {}))


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_issue(user=user)[1]}"})


def _is_error(response, status: int) -> bool:
    return (
        response.status_code == status
        and response["Content-Type"].startswith("application/json")
        and set(response.json()) >= ERROR_KEYS
    )


# --- one path style ---------------------------------------------------------------------


def test_every_path_has_no_trailing_slash(schema):
    assert [path for path in schema["paths"] if path.endswith("/")] == []


def test_the_other_slash_form_answers_a_json_404_not_a_redirect(therapist):
    response = _api(therapist).get("/api/v1/clients/")
    assert _is_error(response, 404)
    assert response.json()["message"] == NOT_FOUND_PATH.format(path="/api/v1/clients/")
    assert response.json()["code"] == "not_found"  # published before the message had its own code


def test_both_slash_forms_of_a_post_never_redirect_nor_list(therapist):
    caller = _api(therapist)
    for op in api_operations():
        if op.method != "POST":
            continue
        for path in (_concrete(op.path), _concrete(op.path) + "/"):
            response = caller.post(path, data="{}", content_type="application/json")
            assert not 300 <= response.status_code < 400, (op.name, path)
            body = response.json()
            assert not isinstance(body, list) or response.status_code == 201, (op.name, path, body)
            assert not (isinstance(body, dict) and "results" in body), (op.name, path)


def test_an_unknown_api_path_answers_a_json_404(therapist):
    assert _is_error(_api(therapist).get("/api/v1/no-such-thing"), 404)
    assert _is_error(_api(therapist).get("/api/v1/"), 404)
    assert _is_error(Client().post("/api/v2/clients", data={}), 404)


def test_a_wrong_method_answers_a_json_405(therapist):
    response = _api(therapist).delete("/api/v1/clients")
    assert _is_error(response, 405) and "GET" in response["Allow"]


# --- one list envelope ------------------------------------------------------------------


def _list_operations():
    return [op for op in api_operations() if op.name.endswith("_list")]


def test_every_list_operation_answers_the_envelope(schema):
    lists = _list_operations()
    assert len(lists) >= 20
    for op in lists:
        assert op.method == "GET", op
        ok = _ok_schema(schema, op)
        assert set(ok["properties"]) == ENVELOPE and set(ok["required"]) == ENVELOPE, op.name
        assert ok["properties"]["results"]["type"] == "array", op.name
        parameters = {
            p["name"]: p["schema"] for p in schema["paths"][op.path]["get"]["parameters"] if p["in"] == "query"
        }
        assert parameters["limit"]["maximum"] == MAX_LIST_LIMIT and parameters["limit"]["minimum"] == 1, op.name
        assert parameters["offset"]["minimum"] == 0 and "maximum" in parameters["offset"], op.name


def test_no_read_answers_a_bare_array(schema):
    bare = [op.name for op in api_operations() if op.method == "GET" and _ok_schema(schema, op).get("type") == "array"]
    assert bare == []


def test_a_list_pages_with_links(therapist, therapist2, admin):
    for user in (therapist, therapist2, admin):
        token_issue(user=therapist, name=f"token for {user.username}")
    caller = _api(therapist)
    first = caller.get("/api/v1/tokens", {"limit": 2}).json()
    assert first["count"] == 4 and len(first["results"]) == 2 and first["previous"] is None
    second = caller.get(first["next"]).json()
    assert len(second["results"]) == 2 and second["next"] is None and second["previous"].endswith("limit=2&offset=0")
    assert {t["id"] for t in first["results"]}.isdisjoint({t["id"] for t in second["results"]})


def test_a_limit_past_its_bound_is_refused(therapist):
    response = _api(therapist).get("/api/v1/tokens", {"limit": MAX_LIST_LIMIT + 1})
    assert _is_error(response, 400) and "limit" in response.json()["errors"]


# --- authentication and errors ------------------------------------------------------------


@pytest.mark.django_db
def test_every_operation_requires_authentication():
    anonymous = Client()
    for op in api_operations():
        if op.name == SIGN_IN:
            continue
        response = anonymous.generic(op.method, _concrete(op.path), data="{}", content_type="application/json")
        assert _is_error(response, 401), (op.name, response.status_code)
        assert response.json()["message"] == UNAUTHENTICATED


def test_every_operation_documents_the_error_shape(schema):
    for op in api_operations():
        default = schema["paths"][op.path][op.method.lower()]["responses"]["default"]
        assert default["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ApiError"}
    assert set(schema["components"]["schemas"]["ApiError"]["required"]) == ERROR_KEYS


def test_a_server_error_is_json_and_names_nothing_inside(therapist, monkeypatch):
    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(core_selectors, "tokens_of", broken)
    response = _api(therapist).get("/api/v1/tokens")
    assert _is_error(response, 500)
    assert response.json()["message"] == SERVER_ERROR and "secret" not in response.content.decode()


def test_a_body_too_large_is_a_json_413(therapist, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _api(therapist).post(
        "/api/v1/clients", data='{"x": "' + "a" * 2000 + '"}', content_type="application/json"
    )
    assert _is_error(response, 413)
    assert response.json()["code"] == "too_large"  # published; a photo's own limit holds that message code


def test_malformed_json_is_a_json_400(therapist):
    response = _api(therapist).post("/api/v1/clients", data="{not json", content_type="application/json")
    assert _is_error(response, 400)


# --- dates, times and durations ----------------------------------------------------------------


def _session(site, client_record, **fields):
    return {
        "client": client_record.pk,
        "site": site.pk,
        "starts_at": "2026-03-04T14:00:00-05:00",
        "duration_minutes": 50,
        **fields,
    }


def _post(user, path, body):
    return _api(user).post(path, data=body, content_type="application/json")


def test_a_time_without_its_zone_is_refused(therapist, site, client_record):
    response = _post(therapist, "/api/v1/sessions", _session(site, client_record, starts_at="2026-03-04T14:00:00"))
    assert _is_error(response, 400)
    assert response.json()["errors"]["starts_at"] == [f"Value error, {NAIVE_DATETIME}"]
    assert not Session.objects.exists()


def test_a_session_in_the_year_9999_is_refused(therapist, site, client_record):
    response = _post(therapist, "/api/v1/sessions", _session(site, client_record, starts_at="9999-12-31T23:00:00Z"))
    assert _is_error(response, 400)
    assert response.json()["errors"]["starts_at"] == [f"Value error, {DATE_OUT_OF_RANGE}"]


def test_a_duration_of_a_trillion_minutes_is_refused(therapist, site, client_record):
    response = _post(therapist, "/api/v1/sessions", _session(site, client_record, duration_minutes=10**12))
    assert _is_error(response, 400) and "duration_minutes" in response.json()["errors"]


def test_an_end_long_after_the_start_is_refused(therapist, site, client_record):
    body = _session(site, client_record, ends_at="2099-03-04T14:00:00Z")
    del body["duration_minutes"]
    response = _post(therapist, "/api/v1/sessions", body)
    assert _is_error(response, 400) and response.json()["errors"]["ends_at"] == [ENDS_AT_OUT_OF_RANGE]


def test_a_naive_time_or_huge_duration_never_breaks_an_update(therapist, site, client_record):
    created = _post(therapist, "/api/v1/sessions", _session(site, client_record))
    assert created.status_code == 201, created.json()
    path = f"/api/v1/sessions/{created.json()['id']}"
    for change in (
        {"starts_at": "2026-03-05T10:00:00"},
        {"duration_minutes": 10**12},
        {"ends_at": "9999-01-01T00:00:00Z"},
    ):
        response = _api(therapist).patch(path, data=change, content_type="application/json")
        assert _is_error(response, 400), (change, response.status_code)


def test_a_series_with_a_naive_time_or_huge_duration_is_refused(therapist, site, client_record):
    for change in ({"starts_at": "2026-03-04T14:00:00"}, {"duration_minutes": 10**12}, {"count": 10**9}):
        response = _post(therapist, "/api/v1/series", _session(site, client_record, **change))
        assert _is_error(response, 400), (change, response.status_code)
    assert not Series.objects.exists()


def test_a_review_date_in_2999_is_refused(therapist, client_record):
    plan = _post(therapist, f"/api/v1/clients/{client_record.pk}/plans", {})
    assert plan.status_code == 201, plan.json()
    response = _api(therapist).patch(
        f"/api/v1/clients/{client_record.pk}/plans/{plan.json()['id']}",
        data={"review_date": "2999-01-01"},
        content_type="application/json",
    )
    assert _is_error(response, 400) and response.json()["errors"]["review_date"] == [
        f"Value error, {DATE_OUT_OF_RANGE}"
    ]
