"""Every API operation, signed in as a planner, with schema-valid and schema-invalid input.

schemathesis's default checks run on every answer (no server error, a documented status, a
documented content type, a body matching the documented schema); one violation fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from rtis.orgs.models import User

pytestmark = pytest.mark.django_db



@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_answer_of_any_operation_breaks_the_documented_contract(
    planner: User, plan: Any, private_plan: Any, keep_test_connection: None,
    mode: GenerationMode,
) -> None:
    signed_in = Client()
    signed_in.force_login(planner)
    token = "0123456789abcdef" * 2
    cookies = {"sessionid": signed_in.cookies["sessionid"].value, "csrftoken": token}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 20
    failures: list[str] = []
    statuses: list[int] = []
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=8, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: Any) -> None:
            # Rules no JSON Schema states (spent ≤ committed) make some valid input a 422, and
            # the schema cannot state every refusal either: both acceptance checks are off. The
            # session is a real one on purpose (who may do what is the permission matrix's test).
            response = case.call_and_validate(
                headers={"X-CSRFToken": token}, cookies=cookies,
                excluded_checks=[positive_data_acceptance, negative_data_rejection,
                                 ignored_auth])
            statuses.append(response.status_code)

        try:
            check()
        except Unsatisfiable:
            # No parameters to break (e.g. GET /plans): nothing negative to send.
            assert mode == GenerationMode.NEGATIVE, label
        except Exception as exc:  # collected so that one run names every broken operation
            failures.append(f"{label}: {exc}")
    assert not failures, "\n\n".join(failures[:10])
    assert 500 not in statuses
