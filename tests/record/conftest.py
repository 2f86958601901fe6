"""Fixtures of the central record's tests: both databases, a seeded world, an API client.

Every test that uses ``engine`` runs twice: on SQLite (a file in tmp_path) and on
PostgreSQL (a database created for the test session, emptied before each test). PostgreSQL
is $MESOLAB_TEST_POSTGRES or 127.0.0.1:5432 as ``postgres``; when it cannot be reached the
PostgreSQL runs skip, unless MESOLAB_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mesolab.record import db
from mesolab.record.errors import NotAuthenticated
from mesolab.record.grades import ingest_grade_event
from mesolab.record.models import TABLES_IN_ORDER, Assignment, Course, Enrolment, Person, School
from mesolab.service.app import create_app
from mesolab.service.auth import current_user
from mesolab.service.config import DEFAULT_PREFIX, MesoLabService

ADMIN_URL = os.environ.get("MESOLAB_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
API = DEFAULT_PREFIX + "api/v1"
A, B = "ict-tirana", "mek-durres"


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


BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


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


# --- a small world: two schools, every role in each ---------------------------------------

NAMES = {
    "drejtor": ("Ëngjëll", "Çela"),
    "mesues": ("Drita", "Hoxha"),
    "trajner": ("Çlirim", "Dushku"),
    "nxenes": ("Ënxhi", "Shehu"),
    "nxenes2": ("Besë", "Kaçi"),
}
ROLE_OF = {"drejtor": "school-admin", "mesues": "teacher", "trajner": "trainer", "nxenes": "student", "nxenes2": "student"}
NATIONAL = "admin.kombetar"


def username(kind: str, school: str) -> str:
    return f"{kind}.{school.split('-')[0]}"


def hub_user(name: str) -> dict:
    """The hub's user model of a world member (what HubAuth returns)."""
    if name == NATIONAL:
        return {"name": name, "kind": "user", "groups": ["national-admins"]}
    kind, short = name.split(".")
    school = A if short == A.split("-")[0] else B
    role = ROLE_OF[kind]
    return {"name": name, "kind": "user", "groups": [school, f"{school}.{role}s"]}


@dataclass
class World:
    people: dict[str, int] = field(default_factory=dict)
    courses: dict[str, int] = field(default_factory=dict)
    assignments: dict[str, int] = field(default_factory=dict)
    enrolments: dict[str, list[int]] = field(default_factory=dict)

    def school_people(self, school: str) -> set[str]:
        return {u for u in self.people if u != NATIONAL and u.endswith("." + school.split("-")[0])}


def seed_world(sessions) -> World:
    w = World()
    with db.transaction(sessions, actor="seed") as s:
        s.add_all(
            [
                School(id=A, name_sq="Shkolla Profesionale e TIK, Tiranë", name_en="ICT School, Tirana"),
                School(id=B, name_sq="Shkolla Mekanike, Durrës", name_en="Mechanics School, Durrës"),
                Person(username=NATIONAL, first_name="Arbër", last_name="Gjoçi", role="national-admin"),
            ]
        )
        s.flush()
        for school in (A, B):
            for kind, (first, last) in NAMES.items():
                s.add(Person(username=username(kind, school), first_name=first, last_name=last, school_id=school, role=ROLE_OF[kind], external_id=f"oidc-{kind}-{school}"))
            for n in (1, 2):
                s.add(Course(school_id=school, code=f"PRG{n}", name=f"Programim {n}", qualification_code="TIK-3", year=2025, term=n))
        s.flush()
        for p in s.query(Person):
            w.people[p.username] = p.id
        for c in s.query(Course):
            w.courses[f"{c.school_id}/{c.code}"] = c.id
        for school in (A, B):
            c1, c2 = w.courses[f"{school}/PRG1"], w.courses[f"{school}/PRG2"]
            plan = [
                ("mesues", c1, "teacher"),
                ("trajner", c2, "trainer"),
                ("nxenes", c1, "student"),
                ("nxenes", c2, "student"),
                ("nxenes2", c1, "student"),
            ]
            for kind, course, role in plan:
                e = Enrolment(person_id=w.people[username(kind, school)], course_id=course, role=role, active_from=dt.date(2025, 9, 15))
                s.add(e)
            for code, course in (("PRG1", c1), ("PRG2", c2)):
                a = Assignment(course_id=course, name="Detyra 1 — çështje", max_score=10, due_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC))
                s.add(a)
                s.flush()
                w.assignments[f"{school}/{code}"] = a.id
            s.flush()
            for kind, code in (("nxenes", "PRG1"), ("nxenes", "PRG2"), ("nxenes2", "PRG1")):
                ingest_grade_event(
                    s,
                    {"event_id": f"seed-{school}-{kind}-{code}", "student": username(kind, school), "assignment_id": w.assignments[f"{school}/{code}"], "score": 7},
                    "seed",
                )
    return w


@pytest.fixture
def world(sessions) -> World:
    return seed_world(sessions)


# --- the API, in process, with the hub user injected --------------------------------------


class Caller:
    """Requests to the API (paths relative to ``/services/mesolab/api/v1``) as one hub user."""

    def __init__(self, client: TestClient, user: str | None):
        self.client = client
        self.headers = {"X-Test-User": user} if user else {}

    def __getattr__(self, method):
        def call(path: str, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return self.client.request(method.upper(), API + path, headers=headers, **kwargs)

        return call


@dataclass
class Api:
    client: TestClient
    users: dict[str, dict]

    def as_(self, name: str | None) -> Caller:
        return Caller(self.client, name)


def fake_current_user(users: dict[str, dict]):
    async def dependency(request) -> dict:
        name = request.headers.get("x-test-user")
        if not name:
            raise NotAuthenticated("no X-Test-User header in this test request")
        return users.get(name) or {"name": name, "kind": "user", "groups": []}

    # FastAPI inspects the signature: annotate the request parameter.
    from fastapi import Request

    dependency.__annotations__["request"] = Request
    return dependency


def make_app(engine, settings=None, users=None):
    app = create_app(MesoLabService(base_url=DEFAULT_PREFIX), engine, settings)
    app.dependency_overrides[current_user] = fake_current_user(users if users is not None else {})
    return app


@pytest.fixture
def api(engine, world):
    users = {name: hub_user(name) for name in world.people}
    app = make_app(engine, users=users)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, users)
