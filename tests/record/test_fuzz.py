"""API fuzzing with schemathesis, in process: whatever the input, never a 5xx answer.

Every operation of the OpenAPI document gets a few generated requests (bounded by
MAX_EXAMPLES) as a national admin, who reaches every code path, on both databases. Errors
must be the JSON ``{"error", "message"}`` shape.
"""

import schemathesis
from hypothesis import HealthCheck, given, settings
from recordtools import API, NATIONAL

MAX_EXAMPLES = 15


def test_no_server_errors(api):
    schema = schemathesis.openapi.from_asgi(f"{API}/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
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
    # every operation was really exercised (a schema the generator cannot use would be silent)
    assert set(calls) == {op.label for op in operations}, sorted({op.label for op in operations} - set(calls))
