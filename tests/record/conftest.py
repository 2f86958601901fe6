"""Fixtures of the central record's tests: both databases, a seeded world, an API client.

Every test that uses ``engine`` runs twice: on SQLite (a file in tmp_path) and on
PostgreSQL (a database created for the test session, emptied before each test). PostgreSQL
is $MESOLAB_TEST_POSTGRES or 127.0.0.1:5432 as ``postgres``; when it cannot be reached the
PostgreSQL runs skip, unless MESOLAB_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import os
import uuid

import pytest
from fastapi.testclient import TestClient
from recordtools import Api, World, hub_user, make_app, seed_world
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mesolab.record import db
from mesolab.record.models import TABLES_IN_ORDER

ADMIN_URL = os.environ.get("MESOLAB_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _require_postgres() -> bool:
    return os.environ.get("MESOLAB_REQUIRE_POSTGRES") == "1"


class PostgresServer:
    """Creates and drops uniquely named databases on the test PostgreSQL server."""

    def __init__(self, admin_url: str):
        self.admin = db.make_engine(admin_url, isolation_level="AUTOCOMMIT")
        self.created: list[str] = []

    def create(self) -> str:
        name = f"mesolab_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = PostgresServer(ADMIN_URL)
        with server.admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # no server, wrong credentials, no driver
        message = f"PostgreSQL not reachable at {make_url(ADMIN_URL).render_as_string()}: {exc.__class__.__name__}"
        if _require_postgres():
            pytest.fail(message + " (MESOLAB_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def postgres_engine(postgres_server):
    """One migrated PostgreSQL database for the session (emptied before each test)."""
    engine = db.make_engine(postgres_server.create())
    db.upgrade(engine)
    yield engine
    engine.dispose()


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def _truncate(engine) -> None:
    names = ", ".join(t.name for t in TABLES_IN_ORDER)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def engine(backend, tmp_path, request):
    """A migrated, empty record database: SQLite or PostgreSQL."""
    if backend == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path / 'record.sqlite'}")
        db.upgrade(eng)
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("postgres_engine")
        _truncate(eng)
        yield eng


@pytest.fixture
def empty_engine(backend, tmp_path, request):
    """A database with no tables at all (for migration and restore tests)."""
    if backend == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    else:
        eng = db.make_engine(request.getfixturevalue("postgres_server").create())
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine):
    return db.session_factory(engine)


@pytest.fixture
def world(sessions) -> World:
    return seed_world(sessions)


@pytest.fixture
def api(engine, world):
    users = {name: hub_user(name) for name in world.people}
    app = make_app(engine, users=users)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, users)
