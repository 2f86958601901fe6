"""Fixtures of the coursework tests.

The service-side tests reuse the central record's fixtures (``engine`` on SQLite and
PostgreSQL, the seeded ``world``) from ``tests/record/conftest.py``; ``exchange_api`` is the
service in process with a test clock and a storage directory in ``tmp_path``. The
lifecycle and browser tests use the real hub of ``tests/conftest.py`` (``local_hub``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

RECORD_TESTS = Path(__file__).resolve().parent.parent / "record"
if str(RECORD_TESTS) not in sys.path:
    sys.path.insert(0, str(RECORD_TESTS))

from cwtools import Clock, ExchangeApi  # noqa: E402
from recordtools import hub_user, make_app  # noqa: E402

from hubtools import record_fixtures  # noqa: E402
from mesolab.coursework.storage import LocalDirectoryStorage  # noqa: E402

record_fixtures(globals())


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(tmp_path) -> LocalDirectoryStorage:
    return LocalDirectoryStorage(tmp_path / "coursework")


@pytest.fixture
def exchange_api(engine, world, clock, storage, monkeypatch):
    """The service in process: hub users of the seeded world, a test clock, local storage.

    Submission hooks registered by other modules (the grading queue) are set aside: these
    tests are about the exchange; the grading queue's tests cover its hook."""
    from mesolab.coursework import exchange

    monkeypatch.setattr(exchange, "_submission_hooks", [])
    users = {name: hub_user(name) for name in world.people}
    app = make_app(engine, users=users)
    app.state.clock = clock
    app.state.storage = storage
    with TestClient(app, raise_server_exceptions=False) as client:
        yield ExchangeApi(client, users, app)
