"""Tables of the grading queue: jobs, and the outbox of grades for the central record.

A :class:`GradingJob` is one autograding of one submission attempt. Its life:
``queued`` → ``running`` (claimed by a worker, with a lease that the worker renews) →
``graded`` or ``failed``. A job whose lease runs out (its worker was killed) is queued
again; after ``MAX_ATTEMPTS`` runs it fails for good.

When a job is graded, its result and a :class:`GradeOutbox` entry are written in the same
transaction. The outbox is delivered to the central record by
:func:`mesolab.grading.outbox.deliver` — idempotently, keyed by the entry's event id — and
marked delivered only then, so a crash anywhere loses no grade and applies none twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..coursework.models import Submission
from ..record.models import TABLES_IN_ORDER, Base, UTCDateTime, utcnow

JOB_STATES = ("queued", "running", "graded", "failed")
MAX_ATTEMPTS = 3


class GradingJob(Base):
    """One autograding of one submission attempt (a re-grade is a new job)."""

    __tablename__ = "grading_jobs"
    __audit__ = False  # queue state (leases, heartbeats); the grade itself is audited in the record
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'graded', 'failed')", name="status"),
        Index("ix_grading_jobs_claim", "status", "id"),
        Index("ix_grading_jobs_assignment", "assignment_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("coursework_submissions.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    reason: Mapped[str] = mapped_column(String(20), default="submission")
    requested_by: Mapped[str] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    limits: Mapped[dict] = mapped_column(JSON, default=dict)
    worker: Mapped[str | None] = mapped_column(String(100))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    queued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    cells: Mapped[dict] = mapped_column(JSON, default=dict)
    notes: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    autograded_key: Mapped[str | None] = mapped_column(String(400))

    submission: Mapped[Submission] = relationship(lazy="select", viewonly=True)


class GradeOutbox(Base):
    """A grade waiting to be delivered to the central record (exactly once in effect)."""

    __tablename__ = "grade_outbox"
    __audit__ = False  # delivery state; the delivered grade is audited in the record
    __table_args__ = (Index("ix_grade_outbox_pending", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("grading_jobs.id"), unique=True)
    event_id: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


GRADING_TABLES = [GradingJob.__table__, GradeOutbox.__table__]
TABLES_IN_ORDER.extend(t for t in GRADING_TABLES if t not in TABLES_IN_ORDER)
