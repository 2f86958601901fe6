"""The tables of the central record (SQLAlchemy 2 declarative models, at the migration head).

Times are stored as naive UTC and read back as aware UTC (:class:`UTCDateTime`), so SQLite
and PostgreSQL behave the same. Every table but ``audit_log`` and ``grade_events`` is
audited automatically (see :mod:`mesolab.record.audit`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ..tenancy import ALL_ROLES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ENROLMENT_ROLES = ("student", "teacher", "trainer")
# Lengths shared by the models, the migrations and the API's validation.
USERNAME_LEN = 100
NAME_LEN = 200
CODE_LEN = 40
EVENT_ID_LEN = 200


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC, returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class School(Base):
    """A school (a tenant), kept in step with the settings file by ``ensure_schools``."""

    __tablename__ = "schools"

    id: Mapped[str] = mapped_column(String(CODE_LEN), primary_key=True)
    name_sq: Mapped[str] = mapped_column(String(NAME_LEN))
    name_en: Mapped[str] = mapped_column(String(NAME_LEN))
    language: Mapped[str] = mapped_column(String(8), default="sq")
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Tirane")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Person(Base):
    """Someone with a hub account: ``username`` is the hub name; one school and one role."""

    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint(_in("role", ALL_ROLES), name="role"),
        CheckConstraint("role = 'national-admin' OR school_id IS NOT NULL", name="school_needed"),
        Index("ix_people_school_role", "school_id", "role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_LEN), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(NAME_LEN), unique=True)
    first_name: Mapped[str] = mapped_column(String(NAME_LEN))
    last_name: Mapped[str] = mapped_column(String(NAME_LEN))
    school_id: Mapped[str | None] = mapped_column(ForeignKey("schools.id"))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Course(Base):
    """A course of a school: a VET qualification taught in a school year and term."""

    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("school_id", "code"),
        CheckConstraint("term BETWEEN 1 AND 4", name="term"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[str] = mapped_column(ForeignKey("schools.id"), index=True)
    code: Mapped[str] = mapped_column(String(CODE_LEN))
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    qualification_code: Mapped[str] = mapped_column(String(CODE_LEN))
    year: Mapped[int] = mapped_column(Integer)
    term: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Enrolment(Base):
    """A person taking part in a course as student, teacher or trainer, between two dates."""

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("person_id", "course_id", "role"),
        CheckConstraint(_in("role", ENROLMENT_ROLES), name="role"),
        CheckConstraint("active_until IS NULL OR active_until >= active_from", name="dates"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    active_from: Mapped[dt.date] = mapped_column(Date)
    active_until: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(lazy="joined", viewonly=True)
    course: Mapped[Course] = relationship(lazy="joined", viewonly=True)


class Assignment(Base):
    """A piece of graded work in a course."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("course_id", "name"),
        CheckConstraint("max_score > 0", name="max_score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    max_score: Mapped[float] = mapped_column(Float, default=100.0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(lazy="joined", viewonly=True)


class Grade(Base):
    """The current grade of a student for an assignment (one row per pair, highest version wins)."""

    __tablename__ = "grades"
    __table_args__ = (
        UniqueConstraint("student_id", "assignment_id"),
        CheckConstraint("score >= 0 AND score <= max_score", name="score"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(CODE_LEN))
    graded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    graded_by: Mapped[str] = mapped_column(String(USERNAME_LEN))
    version: Mapped[int] = mapped_column(Integer, default=1)
    event_id: Mapped[str | None] = mapped_column(String(EVENT_ID_LEN))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    student: Mapped[Person] = relationship(lazy="joined", viewonly=True)
    assignment: Mapped[Assignment] = relationship(lazy="joined", viewonly=True)


class GradeEvent(Base):
    """Every grade event received, once (``event_id`` is unique): the ingestion's memory."""

    __tablename__ = "grade_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(EVENT_ID_LEN), unique=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    version: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(USERNAME_LEN))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """One change: who, what, when, before and after. Append-only (database triggers refuse
    UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity", "entity", "entity_id"),
        Index("ix_audit_log_school_at", "school_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(USERNAME_LEN))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(EVENT_ID_LEN))
    school_id: Mapped[str | None] = mapped_column(String(CODE_LEN))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


# Tables in dependency order (parents first): backups dump and restore in this order.
TABLES_IN_ORDER = [
    School.__table__,
    Person.__table__,
    Course.__table__,
    Enrolment.__table__,
    Assignment.__table__,
    Grade.__table__,
    GradeEvent.__table__,
    AuditEntry.__table__,
]

# The coursework tables (revision 0003) share this metadata; importing them here puts them in
# every metadata, migration check and backup (they append themselves to TABLES_IN_ORDER).
from ..coursework import models as _coursework_models  # noqa: E402,F401
from ..grading import models as _grading_models  # noqa: E402,F401  (grading queue, revision 0005: the same)
from ..plans import models as _plan_models  # noqa: E402,F401  (learning plans, revision 0004: the same)
