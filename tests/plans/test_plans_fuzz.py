"""The learning-plan endpoints fuzzed with schemathesis (as the record's API is): never a 5xx,
errors always ``{"error", "message"}``, on both databases."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from recordtools import API, NATIONAL

MAX_EXAMPLES = 20
MINE = ("/plans", "/frameworks", "/plan-templates")


def test_no_server_errors(api, plans):
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", api.client.app)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.removeprefix(API).startswith(MINE)]
    assert len(operations) >= 20
    calls: dict[str, int] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call(headers={"X-Test-User": NATIONAL})
            calls[case.operation.label] = calls.get(case.operation.label, 0) + 1
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.status_code,
                response.text[:300],
            )
            if response.status_code >= 400:
                body = response.json()
                assert "error" in body and "message" in body, body

        check()
    assert set(calls) == {op.label for op in operations}
