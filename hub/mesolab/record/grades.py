"""Idempotent grade ingestion.

A grade event says "student S scored X on assignment A, version V", with a unique
``event_id`` chosen by the sender (nbgrader, a teacher's form, another service):

* the same event delivered twice is stored once (``grade_events.event_id`` is unique; a
  second delivery answers ``duplicate``, or 409 if its content differs);
* an older or equal version never overwrites a newer one (``stale``: the event is kept in
  ``grade_events`` but the current grade is unchanged);
* every change of the current grade (``grades``, unique per student and assignment) lands
  in the audit log.

:func:`ingest_grade_event` handles one event (the API); :func:`ingest_grade_events` a batch
with a handful of queries whatever its size (imports, the nbgrader exchange, the benchmark).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit
from .errors import Conflict, NotFound, ValidationFailed
from .models import EVENT_ID_LEN, Assignment, Course, Enrolment, Grade, GradeEvent, Person, utcnow

APPLIED, DUPLICATE, STALE = "applied", "duplicate", "stale"
CHUNK = 500
# What makes two deliveries "the same event" (defaults such as graded_at are left out).
CONTENT = ("student", "assignment_id", "score", "max_score", "version")


@dataclass
class IngestResult:
    event_id: str
    outcome: str
    grade: Grade | None = None


def _parse_time(value, field: str) -> dt.datetime:
    if value is None:
        return utcnow()
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(f"{field}: {value!r} is not an ISO 8601 date and time") from None
    if not isinstance(value, dt.datetime):
        raise ValidationFailed(f"{field}: expected a date and time")
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def normalise_event(event: Mapping, actor: str) -> dict:
    """Check an event's fields and fill defaults; return a JSON-able dict."""
    try:
        event_id = str(event["event_id"]).strip()
        student = str(event["student"]).strip()
        assignment_id = int(event["assignment_id"])
        score = float(event["score"])
        version = int(event.get("version") or 1)
    except KeyError as exc:
        raise ValidationFailed(f"grade event: the field {exc.args[0]!r} is required") from None
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(f"grade event: {exc}") from None
    if not event_id or len(event_id) > EVENT_ID_LEN:
        raise ValidationFailed(f"grade event: event_id must have 1 to {EVENT_ID_LEN} characters")
    if version < 1:
        raise ValidationFailed("grade event: version must be 1 or more")
    max_score = event.get("max_score")
    return {
        "event_id": event_id,
        "student": student,
        "assignment_id": assignment_id,
        "score": score,
        "max_score": None if max_score is None else float(max_score),
        "source": str(event.get("source") or "api")[:40],
        "graded_at": _parse_time(event.get("graded_at"), "graded_at").isoformat(),
        "graded_by": str(event.get("graded_by") or actor)[:100],
        "version": version,
    }


def _check_score(ev: dict, assignment: Assignment) -> float:
    max_score = ev["max_score"] if ev["max_score"] is not None else assignment.max_score
    if max_score <= 0:
        raise ValidationFailed(f"event {ev['event_id']}: max_score must be more than 0")
    if not 0 <= ev["score"] <= max_score:
        raise ValidationFailed(f"event {ev['event_id']}: score {ev['score']:g} is not between 0 and {max_score:g}")
    return max_score


def _grade_values(ev: dict, max_score: float) -> dict:
    return {
        "score": ev["score"],
        "max_score": max_score,
        "source": ev["source"],
        "graded_at": dt.datetime.fromisoformat(ev["graded_at"]),
        "graded_by": ev["graded_by"],
        "version": ev["version"],
        "event_id": ev["event_id"],
    }


def _same(payload: dict, ev: dict) -> bool:
    return all(payload.get(k) == ev.get(k) for k in CONTENT)


def _duplicate(existing: GradeEvent, ev: dict) -> str:
    if not _same(existing.payload, ev):
        raise Conflict(
            f"grade event {ev['event_id']!r} was already received with different content; "
            "send a new event_id (and a higher version) to change a grade"
        )
    return DUPLICATE


def _student(session: Session, username: str) -> Person:
    person = session.scalar(select(Person).where(Person.username == username))
    if person is None or person.role != "student":
        raise ValidationFailed(f"grade event: {username!r} is not a student in the record")
    return person


def _check_enrolled(session: Session, student: Person, assignment: Assignment) -> None:
    found = session.scalar(
        select(Enrolment.id).where(
            Enrolment.person_id == student.id,
            Enrolment.course_id == assignment.course_id,
            Enrolment.role == "student",
        )
    )
    if found is None:
        raise ValidationFailed(
            f"grade event: {student.username} is not enrolled as a student in the course of assignment {assignment.id}"
        )


def load_assignment(session: Session, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None:
        raise NotFound(f"assignment {assignment_id} does not exist")
    return assignment


def _apply_one(session: Session, ev: dict, student: Person, assignment: Assignment, actor: str) -> IngestResult:
    max_score = _check_score(ev, assignment)
    grade = session.scalar(
        select(Grade)
        .where(Grade.student_id == student.id, Grade.assignment_id == assignment.id)
        .with_for_update(of=Grade)
    )
    if grade is None:
        grade = Grade(student_id=student.id, assignment_id=assignment.id, **_grade_values(ev, max_score))
        session.add(grade)
        outcome = APPLIED
    elif grade.version >= ev["version"]:
        outcome = STALE
    else:
        for key, value in _grade_values(ev, max_score).items():
            setattr(grade, key, value)
        outcome = APPLIED
    session.add(
        GradeEvent(
            event_id=ev["event_id"],
            student_id=student.id,
            assignment_id=assignment.id,
            version=ev["version"],
            outcome=outcome,
            payload=ev,
            actor=actor,
        )
    )
    session.flush()
    return IngestResult(ev["event_id"], outcome, grade)


def ingest_grade_event(session: Session, event: Mapping, actor: str) -> IngestResult:
    """Ingest one grade event in the session's transaction (the caller commits)."""
    session.info.setdefault("actor", actor)
    ev = normalise_event(event, actor)
    for attempt in (1, 2):
        existing = session.scalar(select(GradeEvent).where(GradeEvent.event_id == ev["event_id"]))
        if existing is not None:
            current = session.scalar(
                select(Grade).where(
                    Grade.student_id == existing.student_id, Grade.assignment_id == existing.assignment_id
                )
            )
            return IngestResult(ev["event_id"], _duplicate(existing, ev), current)
        student = _student(session, ev["student"])
        assignment = load_assignment(session, ev["assignment_id"])
        _check_enrolled(session, student, assignment)
        try:
            with session.begin_nested():
                return _apply_one(session, ev, student, assignment, actor)
        except IntegrityError:
            # A concurrent delivery of the same event, or a concurrent first grade of the pair:
            # look again (the second attempt sees the other transaction's row).
            if attempt == 2:
                raise Conflict(f"grade event {ev['event_id']!r} collided with a concurrent change; retry it") from None
    raise AssertionError("unreachable")


def _chunks(values: list, size: int = CHUNK):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def ingest_grade_events(session: Session, events: Iterable[Mapping], actor: str) -> list[IngestResult]:
    """Ingest many events with set-based queries; same rules as :func:`ingest_grade_event`.

    An invalid event (unknown student, score out of range…) fails the whole batch with a
    :class:`ValidationFailed` naming it, and nothing is stored.
    """
    evs = [normalise_event(e, actor) for e in events]
    ids = list(dict.fromkeys(e["event_id"] for e in evs))
    known: dict[str, dict] = {}
    for part in _chunks(ids):
        for event_id, payload in session.execute(
            select(GradeEvent.event_id, GradeEvent.payload).where(GradeEvent.event_id.in_(part))
        ):
            known[event_id] = payload
    usernames = list({e["student"] for e in evs})
    students: dict[str, Person] = {}
    for part in _chunks(usernames):
        students.update({p.username: p for p in session.scalars(select(Person).where(Person.username.in_(part)))})
    assignment_ids = list({e["assignment_id"] for e in evs})
    assignments: dict[int, Assignment] = {}
    for part in _chunks(assignment_ids):
        assignments.update({a.id: a for a in session.scalars(select(Assignment).where(Assignment.id.in_(part)))})
    student_ids = [p.id for p in students.values()]
    enrolled: set[tuple[int, int]] = set()
    current: dict[tuple[int, int], dict] = {}
    course_ids = list({a.course_id for a in assignments.values()})
    for part in _chunks(student_ids):
        enrolled.update(
            session.execute(
                select(Enrolment.person_id, Enrolment.course_id).where(
                    Enrolment.person_id.in_(part), Enrolment.course_id.in_(course_ids), Enrolment.role == "student"
                )
            ).all()
        )
        rows = session.execute(
            select(Grade).where(Grade.student_id.in_(part), Grade.assignment_id.in_(assignment_ids))
        ).scalars()
        for g in rows:
            current[(g.student_id, g.assignment_id)] = audit.snapshot(g)

    results: list[IngestResult] = []
    inserts: dict[tuple[int, int], dict] = {}
    updates: dict[tuple[int, int], dict] = {}
    event_rows, audits = [], []
    now = utcnow()
    for ev in evs:
        if ev["event_id"] in known:
            results.append(IngestResult(ev["event_id"], _duplicate_payload(known[ev["event_id"]], ev)))
            continue
        student = students.get(ev["student"])
        if student is None or student.role != "student":
            raise ValidationFailed(f"event {ev['event_id']}: {ev['student']!r} is not a student in the record")
        assignment = assignments.get(ev["assignment_id"])
        if assignment is None:
            raise ValidationFailed(f"event {ev['event_id']}: assignment {ev['assignment_id']} does not exist")
        if (student.id, assignment.course_id) not in enrolled:
            raise ValidationFailed(
                f"event {ev['event_id']}: {student.username} is not enrolled in the course of assignment {assignment.id}"
            )
        max_score = _check_score(ev, assignment)
        key = (student.id, assignment.id)
        have = inserts.get(key) or current.get(key)
        if have is not None and have["version"] >= ev["version"]:
            outcome = STALE
        else:
            values = _grade_values(ev, max_score)
            if key in current:
                before = current[key]
                after = {**before, **values, "updated_at": now}
                updates[key] = after
                current[key] = after
                audits.append(("update", assignment, before, after))
            else:
                inserts[key] = {"student_id": student.id, "assignment_id": assignment.id, **values, "updated_at": now}
            outcome = APPLIED
        known[ev["event_id"]] = ev
        event_rows.append(
            {
                "event_id": ev["event_id"],
                "student_id": student.id,
                "assignment_id": assignment.id,
                "version": ev["version"],
                "outcome": outcome,
                "payload": ev,
                "actor": actor,
                "received_at": now,
            }
        )
        results.append(IngestResult(ev["event_id"], outcome))

    try:
        with session.begin_nested():
            if inserts:
                created = session.execute(
                    insert(Grade).returning(Grade.id, Grade.student_id, Grade.assignment_id), list(inserts.values())
                )
                for gid, sid, aid in created:
                    row = {"id": gid, **inserts[(sid, aid)]}
                    audits.append(("create", assignments[aid], None, row))
            if updates:
                session.execute(
                    update(Grade),
                    [
                        {k: v for k, v in u.items() if k not in ("student_id", "assignment_id")}
                        for u in updates.values()
                    ],
                )
            if event_rows:
                session.execute(insert(GradeEvent), event_rows)
    except IntegrityError:
        raise Conflict("a concurrent change touched the same grades or events; retry the batch") from None
    course_school = _course_schools(session, {a.course_id for _, a, _, _ in audits})
    audit.write_entries(
        session,
        [
            audit.entry(
                actor,
                action,
                "grade",
                after["id"],
                course_school.get(a.course_id),
                _jsonable(before),
                _jsonable(after),
                now,
            )
            for action, a, before, after in audits
        ],
    )
    session.expire_all()
    return results


def _duplicate_payload(payload: dict, ev: dict) -> str:
    if not _same(payload, ev):
        raise Conflict(f"grade event {ev['event_id']!r} was already received with different content")
    return DUPLICATE


def _jsonable(row: dict | None) -> dict | None:
    return None if row is None else {k: audit.jsonable(v) for k, v in row.items()}


def _course_schools(session: Session, course_ids: set[int]) -> dict[int, str]:
    if not course_ids:
        return {}
    return dict(session.execute(select(Course.id, Course.school_id).where(Course.id.in_(list(course_ids)))).all())


__all__ = ["APPLIED", "DUPLICATE", "STALE", "IngestResult", "ingest_grade_event", "ingest_grade_events"]
