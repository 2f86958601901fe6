"""The coursework tables, on the central record's metadata (revision 0003).

Files are never stored in the database: each row names an object in the exchange's
storage (``storage_key``) with its SHA-256 ``checksum`` and ``size``. Rows are only ever
added — a second submission is a new attempt, a second release a new version — except
``assignment_policies`` (edited by teachers) and ``coursework_releases.withdrawn_at``.

The module registers its tables for backups (``TABLES_IN_ORDER``) when imported from the
bottom of :mod:`mesolab.record.models`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..record import models as record
from ..record.models import USERNAME_LEN, Assignment, Base, Course, Person, UTCDateTime, utcnow

LATE_POLICIES = ("accept", "zero", "penalty")
KEY_LEN = 400
CHECKSUM_LEN = 80


def _school_of_course(session, course_id: int | None) -> str | None:
    course = session.get(Course, course_id) if course_id is not None else None
    return course.school_id if course else None


class AssignmentPolicy(Base):
    """Late-work policy of an assignment (its deadline is ``assignments.due_at``).

    ``late_policy``: ``accept`` (late work counts in full), ``zero`` (late work scores 0) or
    ``penalty`` (``penalty_per_day`` percent of the maximum score per started day late).
    After ``hard_close_at`` submissions are refused.
    """

    __tablename__ = "assignment_policies"
    __table_args__ = (
        CheckConstraint(record._in("late_policy", LATE_POLICIES), name="late_policy"),
        CheckConstraint("penalty_per_day >= 0 AND penalty_per_day <= 100", name="penalty"),
    )
    __audit_entity__ = "assignment-policy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), unique=True)
    late_policy: Mapped[str] = mapped_column(String(20), default="accept")
    penalty_per_day: Mapped[float] = mapped_column(Float, default=0.0)
    hard_close_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship(lazy="joined", viewonly=True)

    def audit_school(self, session) -> str | None:
        """The school of the assignment (for the audit log)."""
        with session.no_autoflush:
            assignment = session.get(Assignment, self.assignment_id)
            return _school_of_course(session, assignment.course_id if assignment else None)


class _Stored:
    """Columns of a row that names one stored object (and the school it belongs to)."""

    storage_key: Mapped[str] = mapped_column(String(KEY_LEN))
    checksum: Mapped[str] = mapped_column(String(CHECKSUM_LEN))
    size: Mapped[int] = mapped_column(BigInteger)

    def audit_school(self, session) -> str | None:
        """The school of the row's course (for the audit log)."""
        with session.no_autoflush:
            return _school_of_course(session, self.course_id)


class Release(_Stored, Base):
    """A released (student) version of an assignment, as made by ``nbgrader generate_assignment``."""

    __tablename__ = "coursework_releases"
    __table_args__ = (
        record.UniqueConstraint("assignment_id", "version"),
        CheckConstraint("version >= 1", name="version"),
    )
    __audit_entity__ = "release"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    version: Mapped[int] = mapped_column(Integer)
    released_by: Mapped[str] = mapped_column(String(USERNAME_LEN))
    released_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    notebooks: Mapped[list] = mapped_column(JSON, default=list)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship(lazy="joined", viewonly=True)


class SourceVersion(_Stored, Base):
    """The teacher's source (solution) version of an assignment: never served to students."""

    __tablename__ = "coursework_sources"
    __table_args__ = (
        record.UniqueConstraint("assignment_id", "version"),
        CheckConstraint("version >= 1", name="version"),
    )
    __audit_entity__ = "source-version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    version: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(USERNAME_LEN))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship(lazy="joined", viewonly=True)


class Submission(_Stored, Base):
    """One submission attempt of a student, stamped with the server's time."""

    __tablename__ = "coursework_submissions"
    __table_args__ = (
        record.UniqueConstraint("assignment_id", "student_id", "attempt"),
        CheckConstraint("attempt >= 1", name="attempt"),
        CheckConstraint("penalty_percent >= 0 AND penalty_percent <= 100", name="penalty"),
        Index("ix_coursework_submissions_student", "assignment_id", "student_id"),
    )
    __audit_entity__ = "submission"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    notebooks: Mapped[list] = mapped_column(JSON, default=list)
    release_version: Mapped[int | None] = mapped_column(Integer)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    seconds_late: Mapped[int] = mapped_column(Integer, default=0)
    days_late: Mapped[int] = mapped_column(Integer, default=0)
    late_policy: Mapped[str] = mapped_column(String(20), default="accept")
    penalty_percent: Mapped[float] = mapped_column(Float, default=0.0)

    student: Mapped[Person] = relationship(lazy="joined", viewonly=True)
    assignment: Mapped[Assignment] = relationship(lazy="joined", viewonly=True)
    course: Mapped[Course] = relationship(lazy="joined", viewonly=True)


class Feedback(_Stored, Base):
    """Feedback (nbgrader's HTML reports) on one submission attempt; re-releasing adds a version."""

    __tablename__ = "coursework_feedback"
    __table_args__ = (
        record.UniqueConstraint("submission_id", "version"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_coursework_feedback_student", "assignment_id", "student_id"),
    )
    __audit_entity__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    version: Mapped[int] = mapped_column(Integer)
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("coursework_submissions.id"))
    released_by: Mapped[str] = mapped_column(String(USERNAME_LEN))
    released_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(lazy="joined", viewonly=True)


COURSEWORK_TABLES = [
    AssignmentPolicy.__table__,
    Release.__table__,
    SourceVersion.__table__,
    Submission.__table__,
    Feedback.__table__,
]

for _table in COURSEWORK_TABLES:
    if _table not in record.TABLES_IN_ORDER:
        record.TABLES_IN_ORDER.append(_table)
