"""Idempotent grade ingestion: once per event id, newer versions win, everything audited."""

import pytest
from recordtools import NATIONAL, A, username
from sqlalchemy import func, select

from mesolab.record import db
from mesolab.record.errors import Conflict, ValidationFailed
from mesolab.record.grades import ingest_grade_event, ingest_grade_events
from mesolab.record.models import AuditEntry, Grade, GradeEvent

STUDENT = username("nxenes", A)


def event(world, event_id, score, version, student=STUDENT, code="PRG1"):
    return {
        "event_id": event_id,
        "student": student,
        "assignment_id": world.assignments[f"{A}/{code}"],
        "score": score,
        "version": version,
    }


def current(sessions, world, student=STUDENT, code="PRG1"):
    with sessions() as s:
        return s.scalar(
            select(Grade)
            .join(Grade.student)
            .where(Grade.assignment_id == world.assignments[f"{A}/{code}"], Grade.student.has(username=student))
        )


def count(sessions, model, *where):
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_same_event_twice_is_stored_once(sessions, world):
    audits = count(sessions, AuditEntry)
    for _ in range(2):
        with db.transaction(sessions, "mesues.ict") as s:
            result = ingest_grade_event(s, event(world, "nbg-1", 9, 2), "mesues.ict")
    assert result.outcome == "duplicate"
    assert count(sessions, GradeEvent, GradeEvent.event_id == "nbg-1") == 1
    assert current(sessions, world).score == 9
    assert count(sessions, AuditEntry) == audits + 1  # one change, one entry


def test_older_version_never_overwrites(sessions, world):
    with db.transaction(sessions, "x") as s:
        assert ingest_grade_event(s, event(world, "v3", 9.5, 3), "x").outcome == "applied"
        assert ingest_grade_event(s, event(world, "v2", 2, 2), "x").outcome == "stale"
        assert ingest_grade_event(s, event(world, "v3-again", 4, 3), "x").outcome == "stale"
    g = current(sessions, world)
    assert (g.score, g.version, g.event_id) == (9.5, 3, "v3")
    assert count(sessions, GradeEvent, GradeEvent.outcome == "stale") == 2


def test_changed_content_under_same_id_is_a_conflict(sessions, world):
    with db.transaction(sessions, "x") as s:
        ingest_grade_event(s, event(world, "same", 5, 2), "x")
    with pytest.raises(Conflict, match="different content"), db.transaction(sessions, "x") as s:
        ingest_grade_event(s, event(world, "same", 6, 2), "x")


def test_every_change_is_audited(sessions, world):
    with db.transaction(sessions, "mesues.ict") as s:
        ingest_grade_event(s, event(world, "a1", 8, 2), "mesues.ict")
    with sessions() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity == "grade").order_by(AuditEntry.id.desc())).first()
    assert (entry.actor, entry.action, entry.school_id) == ("mesues.ict", "update", A)
    assert (entry.before["score"], entry.after["score"], entry.after["version"]) == (7, 8, 2)


@pytest.mark.parametrize(
    "change,message",
    [
        ({"score": 11}, "not between 0 and 10"),
        ({"student": username("mesues", A)}, "not a student"),
        ({"student": username("nxenes2", A), "assignment_id": None}, "not enrolled"),
    ],
)
def test_bad_events_are_refused(sessions, world, change, message):
    ev = {**event(world, "bad", 5, 2), **change}
    if ev["assignment_id"] is None:
        ev["assignment_id"] = world.assignments[f"{A}/PRG2"]
    with pytest.raises(ValidationFailed, match=message), db.transaction(sessions, "x") as s:
        ingest_grade_event(s, ev, "x")


def test_batch_follows_the_same_rules(sessions, world):
    events = [
        event(world, "b1", 9, 2),
        event(world, "b1", 9, 2),  # duplicate in the batch
        event(world, "b0", 1, 1),  # stale (seed is version 1)
        event(world, "b2", 3, 1, student=username("nxenes", A), code="PRG2"),  # stale too
        event(world, "b3", 10, 4),
    ]
    with db.transaction(sessions, "x") as s:
        outcomes = [r.outcome for r in ingest_grade_events(s, events, "x")]
    assert outcomes == ["applied", "duplicate", "stale", "stale", "applied"]
    assert (current(sessions, world).score, current(sessions, world).version) == (10, 4)
    with db.transaction(sessions, "x") as s:
        assert [r.outcome for r in ingest_grade_events(s, events[:1], "x")] == ["duplicate"]
    with sessions() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "grade", AuditEntry.actor == "x")).all()
    assert [(e.action, e.after["score"]) for e in entries] == [("update", 9), ("update", 10)]


def test_batch_creates_new_grades(sessions, world):
    ev = event(world, "new", 6, 1, student=username("nxenes2", A))
    with db.transaction(sessions, "x") as s:
        s.execute(Grade.__table__.delete().where(Grade.student_id == world.people[username("nxenes2", A)]))
    with db.transaction(sessions, "x") as s:
        assert [r.outcome for r in ingest_grade_events(s, [ev], "x")] == ["applied"]
    assert current(sessions, world, student=username("nxenes2", A)).score == 6


def test_api_events(api, world):
    caller = api.as_(username("mesues", A))
    ev = event(world, "api-1", 9, 2)
    first = caller.post("/grades/events", json=ev).json()
    again = caller.post("/grades/events", json=ev).json()
    assert (first["outcome"], again["outcome"]) == ("applied", "duplicate")
    assert first["grade"]["score"] == 9 and first["grade"]["student"] == STUDENT
    r = caller.post("/grades/events", json={**ev, "score": 1})
    assert r.status_code == 409 and r.json()["error"] == "conflict"
    batch = caller.post("/grades/events/batch", json={"events": [event(world, "api-2", 10, 3), ev]})
    assert [x["outcome"] for x in batch.json()] == ["applied", "duplicate"]
    manual = caller.post("/grades", json={"student": STUDENT, "assignment_id": ev["assignment_id"], "score": 4})
    assert manual.json()["grade"]["version"] == 4 and manual.json()["grade"]["source"] == "manual"
    listed = api.as_(NATIONAL).get("/grades", params={"student": STUDENT, "course": world.courses[f"{A}/PRG1"]}).json()
    assert [g["score"] for g in listed["items"]] == [4]


def test_concurrent_deliveries_store_once(sessions, world):
    import threading

    ev = event(world, "paralel", 9.5, 7)
    outcomes, errors = [], []
    barrier = threading.Barrier(4)

    def deliver():
        barrier.wait()
        try:
            with db.transaction(sessions, "x") as s:
                outcomes.append(ingest_grade_event(s, ev, "x").outcome)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outcomes) == ["applied", "duplicate", "duplicate", "duplicate"]
    assert count(sessions, GradeEvent, GradeEvent.event_id == "paralel") == 1
