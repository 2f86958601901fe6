"""Benchmark of the central record: grade ingestion and a paginated list at national scale.

Seeds 15,000 students and 900 teachers (30 schools, one course per teacher, five
assignments per course) on SQLite and PostgreSQL, then measures, in the same run:

* grade ingestion: a stock baseline (naive per-row ORM: look up, insert or update, commit
  per event, no audit) against ``ingest_grade_event`` (the API path: one event per
  transaction, idempotency and audit included) and ``ingest_grade_events`` (batches);
* a paginated list (``GET /grades?school=…&limit=50&offset=…`` as a school admin, through
  the whole FastAPI stack) against a stock baseline that loads the school's grades and
  slices the list in Python.

Prints events or requests per second and the ratios. Not part of ``make test``::

    .venv/bin/python bench/record_bench.py [--students 15000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid

from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from mesolab.record import db
from mesolab.record.grades import ingest_grade_event, ingest_grade_events
from mesolab.record.models import Assignment, Course, Enrolment, Grade, GradeEvent, Person, School
from mesolab.service.app import create_app
from mesolab.service.auth import current_user
from mesolab.service.config import DEFAULT_PREFIX, MesoLabService

PG_ADMIN = os.environ.get("MESOLAB_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def seed(engine, students: int, teachers: int, schools: int = 30):
    """Bulk-insert the population; return (student usernames by course, assignment ids by course)."""
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    stamp = {"created_at": now, "updated_at": now}
    with engine.begin() as conn:
        conn.execute(
            insert(School),
            [
                {
                    "id": f"shkolla-{s:02d}",
                    "name_sq": f"Shkolla {s} ë",
                    "name_en": f"School {s}",
                    "language": "sq",
                    "timezone": "Europe/Tirane",
                    "active": True,
                    **stamp,
                }
                for s in range(schools)
            ],
        )
        people = [
            {
                "username": f"nxenes{i:05d}",
                "first_name": "Ënxhi",
                "last_name": "Çela",
                "school_id": f"shkolla-{i % schools:02d}",
                "role": "student",
                "active": True,
                **stamp,
            }
            for i in range(students)
        ] + [
            {
                "username": f"mesues{i:04d}",
                "first_name": "Drita",
                "last_name": "Hoxha",
                "school_id": f"shkolla-{i % schools:02d}",
                "role": "teacher",
                "active": True,
                **stamp,
            }
            for i in range(teachers)
        ]
        conn.execute(insert(Person), people)
        ids = dict(conn.execute(select(Person.username, Person.id)).all())
        conn.execute(
            insert(Course),
            [
                {
                    "school_id": f"shkolla-{i % schools:02d}",
                    "code": f"K{i:04d}",
                    "name": "Programim",
                    "qualification_code": "TIK-3",
                    "year": 2025,
                    "term": 1,
                    **stamp,
                }
                for i in range(teachers)
            ],
        )
        courses = conn.execute(select(Course.id, Course.school_id).order_by(Course.id)).all()
        by_school: dict[str, list[int]] = {}
        for cid, sid in courses:
            by_school.setdefault(sid, []).append(cid)
        enrol = [
            {
                "person_id": ids[f"mesues{i:04d}"],
                "course_id": courses[i][0],
                "role": "teacher",
                "active_from": dt.date(2025, 9, 15),
                **stamp,
            }
            for i in range(teachers)
        ]
        course_students: dict[int, list[str]] = {}
        for i in range(students):
            school = f"shkolla-{i % schools:02d}"
            for cid in rng.sample(by_school[school], 2):
                enrol.append(
                    {
                        "person_id": ids[f"nxenes{i:05d}"],
                        "course_id": cid,
                        "role": "student",
                        "active_from": dt.date(2025, 9, 15),
                        **stamp,
                    }
                )
                course_students.setdefault(cid, []).append(f"nxenes{i:05d}")
        conn.execute(insert(Enrolment), enrol)
        conn.execute(
            insert(Assignment),
            [
                {"course_id": cid, "name": f"Detyra {n}", "max_score": 10.0, **stamp}
                for cid, _ in courses
                for n in range(5)
            ],
        )
        assignments: dict[int, list[int]] = {}
        for aid, cid in conn.execute(select(Assignment.id, Assignment.course_id)):
            assignments.setdefault(cid, []).append(aid)
    return course_students, assignments


def events(course_students, assignments, n: int, rng: random.Random) -> list[dict]:
    courses = list(course_students)
    out = []
    for _ in range(n):
        cid = rng.choice(courses)
        out.append(
            {
                "event_id": uuid.uuid4().hex,
                "student": rng.choice(course_students[cid]),
                "assignment_id": rng.choice(assignments[cid]),
                "score": round(rng.uniform(0, 10), 1),
                "version": rng.randint(1, 5),
                "source": "nbgrader",
            }
        )
    return out


def naive_ingest(sessions, evs: list[dict]) -> None:
    """The stock way: per event, look everything up with the ORM and commit."""
    for ev in evs:
        with sessions() as s:
            if s.scalar(select(GradeEvent.id).where(GradeEvent.event_id == ev["event_id"])):
                continue
            student = s.scalar(select(Person).where(Person.username == ev["student"]))
            grade = s.scalar(
                select(Grade).where(Grade.student_id == student.id, Grade.assignment_id == ev["assignment_id"])
            )
            if grade is None:
                s.add(
                    Grade(
                        student_id=student.id,
                        assignment_id=ev["assignment_id"],
                        score=ev["score"],
                        max_score=10.0,
                        source="nbgrader",
                        graded_at=dt.datetime.now(dt.UTC),
                        graded_by="bench",
                        version=ev["version"],
                        event_id=ev["event_id"],
                    )
                )
            elif grade.version < ev["version"]:
                grade.score, grade.version, grade.event_id = ev["score"], ev["version"], ev["event_id"]
            s.add(
                GradeEvent(
                    event_id=ev["event_id"],
                    student_id=student.id,
                    assignment_id=ev["assignment_id"],
                    version=ev["version"],
                    outcome="applied",
                    payload=ev,
                    actor="bench",
                )
            )
            s.commit()


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds else float("inf")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_backend(name: str, url: str, args) -> dict:
    engine = db.make_engine(url)
    db.upgrade(engine)
    sessions = db.session_factory(engine)
    t = timed(lambda: None)
    start = time.perf_counter()
    course_students, assignments = seed(engine, args.students, args.teachers)
    print(f"[{name}] seeded {args.students} students, {args.teachers} teachers in {time.perf_counter() - start:.1f}s")
    rng = random.Random(11)
    out: dict[str, float] = {}

    base = events(course_students, assignments, args.single, rng)
    t = timed(lambda: naive_ingest(sessions, base))
    out["naive"] = rate(len(base), t)

    single = events(course_students, assignments, args.single, rng)

    def one_by_one():
        for ev in single:
            with db.transaction(sessions, "bench") as s:
                ingest_grade_event(s, ev, "bench")

    out["single"] = rate(len(single), timed(one_by_one))

    batch = events(course_students, assignments, args.batch, rng)

    def batched():
        for i in range(0, len(batch), 1000):
            with db.transaction(sessions, "bench") as s:
                ingest_grade_events(s, batch[i : i + 1000], "bench")

    out["batch"] = rate(len(batch), timed(batched))
    with db.transaction(sessions, "bench") as s:  # replaying a batch is all duplicates
        start = time.perf_counter()
        replay = ingest_grade_events(s, batch[:1000], "bench")
        out["replay"] = rate(1000, time.perf_counter() - start)
        assert {r.outcome for r in replay} == {"duplicate"}

    # paginated list through the whole stack, as a school admin, deep in the list
    school = "shkolla-00"
    app = create_app(MesoLabService(base_url=DEFAULT_PREFIX), engine)
    app.dependency_overrides[current_user] = lambda: {
        "name": "drejtor",
        "kind": "user",
        "groups": [school, f"{school}.school-admins"],
    }
    with TestClient(app) as client:
        url_ = f"{DEFAULT_PREFIX}api/v1/grades"
        total = client.get(url_, params={"school": school, "limit": 1}).json()["total"]
        offsets = [rng.randrange(0, max(total - 50, 1)) for _ in range(args.pages)]
        t = timed(
            lambda: [
                client.get(url_, params={"school": school, "limit": 50, "offset": o}).raise_for_status()
                for o in offsets
            ]
        )
        out["page"] = rate(len(offsets), t)

    def naive_pages():
        for o in offsets:
            with sessions() as s:
                rows = s.scalars(
                    select(Grade)
                    .join(Assignment, Assignment.id == Grade.assignment_id)
                    .join(Course, Course.id == Assignment.course_id)
                    .where(Course.school_id == school)
                ).all()
                rows.sort(key=lambda g: (g.assignment_id, g.student_id))
                _ = rows[o : o + 50]

    out["naive_page"] = rate(len(offsets), timed(naive_pages))
    out["grades_in_school"] = total
    engine.dispose()
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--students", type=int, default=15000)
    p.add_argument("--teachers", type=int, default=900)
    p.add_argument("--single", type=int, default=1500, help="events for the per-event measurements")
    p.add_argument("--batch", type=int, default=30000, help="events for the batch measurement")
    p.add_argument("--pages", type=int, default=100, help="list requests")
    p.add_argument("--backends", default="sqlite,postgresql")
    args = p.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.backends.split(","):
            if name == "sqlite":
                results[name] = run_backend(name, f"sqlite:///{tmp}/bench.sqlite", args)
                continue
            admin = db.make_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            dbname = f"mesolab_bench_{uuid.uuid4().hex[:8]}"
            try:
                with admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{dbname}"'))
            except Exception as exc:
                print(f"[postgresql] skipped: {exc.__class__.__name__}: cannot create a database", file=sys.stderr)
                continue
            try:
                results[name] = run_backend(
                    name, make_url(PG_ADMIN).set(database=dbname).render_as_string(hide_password=False), args
                )
            finally:
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
                admin.dispose()
    print()
    print(
        f"{'backend':<11} {'naive ev/s':>11} {'single ev/s':>12} {'batch ev/s':>11} {'batch/naive':>12} {'replay ev/s':>12} {'page req/s':>11} {'naive page':>11} {'page/naive':>11}"
    )
    for name, r in results.items():
        print(
            f"{name:<11} {r['naive']:>11.0f} {r['single']:>12.0f} {r['batch']:>11.0f} {r['batch'] / r['naive']:>11.1f}x "
            f"{r['replay']:>12.0f} {r['page']:>11.1f} {r['naive_page']:>11.1f} {r['page'] / r['naive_page']:>10.1f}x"
        )
    print("\nsingle = ingest_grade_event, one transaction per event, with idempotency and audit (the API path);")
    print(
        "naive = per-row ORM without idempotency checks of content or audit; page = GET /grades?school=&limit=50&offset="
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
