"""Helpers of the central record's tests: a seeded world of two schools and an API caller."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.testclient import TestClient

from mesolab.record import db
from mesolab.record.errors import NotAuthenticated
from mesolab.record.grades import ingest_grade_event
from mesolab.record.models import Assignment, Course, Enrolment, Person, School
from mesolab.service.app import create_app
from mesolab.service.auth import current_user
from mesolab.service.config import DEFAULT_PREFIX, MesoLabService

API = DEFAULT_PREFIX + "api/v1"
A, B = "ict-tirana", "mek-durres"


# --- a small world: two schools, every role in each ---------------------------------------

NAMES = {
    "drejtor": ("Ëngjëll", "Çela"),
    "mesues": ("Drita", "Hoxha"),
    "trajner": ("Çlirim", "Dushku"),
    "nxenes": ("Ënxhi", "Shehu"),
    "nxenes2": ("Besë", "Kaçi"),
}
ROLE_OF = {
    "drejtor": "school-admin",
    "mesues": "teacher",
    "trajner": "trainer",
    "nxenes": "student",
    "nxenes2": "student",
}
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
                s.add(
                    Person(
                        username=username(kind, school),
                        first_name=first,
                        last_name=last,
                        school_id=school,
                        role=ROLE_OF[kind],
                        external_id=f"oidc-{kind}-{school}",
                    )
                )
            for n in (1, 2):
                s.add(
                    Course(
                        school_id=school,
                        code=f"PRG{n}",
                        name=f"Programim {n}",
                        qualification_code="TIK-3",
                        year=2025,
                        term=n,
                    )
                )
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
                e = Enrolment(
                    person_id=w.people[username(kind, school)],
                    course_id=course,
                    role=role,
                    active_from=dt.date(2025, 9, 15),
                )
                s.add(e)
            for code, course in (("PRG1", c1), ("PRG2", c2)):
                a = Assignment(
                    course_id=course,
                    name="Detyra 1 — çështje",
                    max_score=10,
                    due_at=dt.datetime(2025, 10, 1, tzinfo=dt.UTC),
                )
                s.add(a)
                s.flush()
                w.assignments[f"{school}/{code}"] = a.id
            s.flush()
            for kind, code in (("nxenes", "PRG1"), ("nxenes", "PRG2"), ("nxenes2", "PRG1")):
                ingest_grade_event(
                    s,
                    {
                        "event_id": f"seed-{school}-{kind}-{code}",
                        "student": username(kind, school),
                        "assignment_id": w.assignments[f"{school}/{code}"],
                        "score": 7,
                    },
                    "seed",
                )
    return w


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
    async def dependency(request: Request) -> dict:
        name = request.headers.get("x-test-user")
        if not name:
            raise NotAuthenticated("no X-Test-User header in this test request")
        return users.get(name) or {"name": name, "kind": "user", "groups": []}

    return dependency


def make_app(engine, settings=None, users=None):
    app = create_app(MesoLabService(base_url=DEFAULT_PREFIX), engine, settings)
    app.dependency_overrides[current_user] = fake_current_user(users if users is not None else {})
    return app
