"""The append-only audit log: every change to the record, with who, what, when, before and after.

An ``after_flush`` hook on every :class:`~sqlalchemy.orm.Session` writes one ``audit_log``
row per inserted, updated or deleted record object, in the same transaction, so a change
and its audit entry commit or roll back together. The actor is ``session.info["actor"]``
(the service sets it to the hub name of the caller; the CLI to ``cli:<os user>``).

Code that writes with Core statements for speed (batch grade ingestion, CSV import) calls
:func:`write_entries` itself. The database refuses UPDATE and DELETE on ``audit_log``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from .models import Assignment, AuditEntry, Base, Course, Enrolment, Grade, GradeEvent, Person, School, utcnow

NOT_AUDITED = (AuditEntry, GradeEvent)
ENTITY = {
    School: "school",
    Person: "person",
    Course: "course",
    Enrolment: "enrolment",
    Assignment: "assignment",
    Grade: "grade",
}


def audited(obj) -> bool:
    """Whether changes of ``obj`` go to the audit log: record data yes; operational state
    (a model with ``__audit__ = False``, e.g. grading-queue leases) no."""
    return isinstance(obj, Base) and not isinstance(obj, NOT_AUDITED) and getattr(type(obj), "__audit__", True)


def entity_name(obj: Base) -> str:
    """The audit entity of ``obj``: from :data:`ENTITY`, else the model's ``__audit_entity__``
    (models outside this package, e.g. learning plans, name themselves and give their school
    with an ``audit_school(session)`` method)."""
    return ENTITY.get(type(obj)) or type(obj).__audit_entity__


# Columns whose value changes on every write; left out of "changed" checks.
NOISE = {"updated_at"}


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):  # stored files are logged by size, not content
        return f"<{len(value)} bytes>"
    return value


def snapshot(obj: Base) -> dict:
    """The column values of ``obj`` as a JSON-able dict."""
    mapper = inspect(obj).mapper
    return {attr.key: jsonable(getattr(obj, attr.key)) for attr in mapper.column_attrs}


def _before(obj: Base) -> tuple[dict, bool]:
    """Values before the pending change, and whether anything but noise changed."""
    state = inspect(obj)
    before, changed = {}, False
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.deleted:
            before[attr.key] = jsonable(hist.deleted[0])
            if attr.key not in NOISE and (not hist.added or hist.added[0] != hist.deleted[0]):
                changed = True
        else:
            before[attr.key] = jsonable(getattr(obj, attr.key))
    return before, changed


def school_of(session: Session, obj: Base) -> str | None:
    """The school an object belongs to (for scoping the log to school admins)."""
    if hasattr(obj, "audit_school"):
        return obj.audit_school(session)
    with session.no_autoflush:
        if isinstance(obj, School):
            return obj.id
        if isinstance(obj, Person | Course):
            return obj.school_id
        course_id = None
        if isinstance(obj, Enrolment | Assignment):
            course_id = obj.course_id
        elif isinstance(obj, Grade):
            assignment = session.get(Assignment, obj.assignment_id)
            course_id = assignment.course_id if assignment else None
        course = session.get(Course, course_id) if course_id is not None else None
        return course.school_id if course else None


def entry(actor: str, action: str, entity: str, entity_id, school_id, before, after, at=None) -> dict:
    return {
        "at": at or utcnow(),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "school_id": school_id,
        "before": before,
        "after": after,
    }


def write_entries(session: Session, entries: list[dict]) -> None:
    """Append ``entries`` (dicts made by :func:`entry`) to the audit log."""
    if entries:
        session.execute(insert(AuditEntry), entries)


def actor_of(session: Session) -> str:
    return session.info.get("actor") or "system"


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _context) -> None:
    actor = actor_of(session)
    now = utcnow()
    rows = []
    for obj in session.new:
        if audited(obj):
            after = snapshot(obj)
            rows.append(
                entry(actor, "create", entity_name(obj), after["id"], school_of(session, obj), None, after, now)
            )
    for obj in session.dirty:
        if audited(obj) and session.is_modified(obj):
            before, changed = _before(obj)
            if changed:
                after = snapshot(obj)
                rows.append(
                    entry(actor, "update", entity_name(obj), after["id"], school_of(session, obj), before, after, now)
                )
    for obj in session.deleted:
        if audited(obj):
            before = snapshot(obj)
            rows.append(
                entry(actor, "delete", entity_name(obj), before["id"], school_of(session, obj), before, None, now)
            )
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)
