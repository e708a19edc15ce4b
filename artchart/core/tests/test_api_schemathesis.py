"""Schemathesis walks every operation of /api/v1 with inputs made from its own
OpenAPI schema, in-process over WSGI, as a therapist of a small demo-like
practice: no input may cause a server error, and every answer must be what the
schema says (status, content type, body)."""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from artchart.api import api
from artchart.core.services import token_issue
from artchart.tests.factories import SessionFactory

# The schema as served at /api/v1/openapi.json (JSON round trip: status codes become strings).
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema())))
schema.app = get_wsgi_application()

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
QUICK = settings(
    max_examples=2,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
DEEP = settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(autouse=True)
def one_connection_for_the_test():
    """The WSGI app closes the database connection after each request, as a server should; the test's
    transaction lives on that connection (PostgreSQL really closes it), so keep it open, as Django's
    own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def practice(client_record, therapist, site):
    """The fixtures' practice (a client with a care team) and a session of the therapist's, signed in by token."""
    SessionFactory(client=client_record, therapist=therapist, site=site)
    return {"Authorization": f"Bearer {token_issue(user=therapist)[1]}"}


@schema.parametrize()
@QUICK
def test_no_input_breaks_the_api(case, practice):
    case.call_and_validate(headers=practice, checks=CHECKS)


@pytest.mark.slow
@schema.parametrize()
@DEEP
def test_no_input_breaks_the_api_deeply(case, practice):
    case.call_and_validate(headers=practice, checks=CHECKS)
