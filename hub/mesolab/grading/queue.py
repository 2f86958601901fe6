"""The durable grading queue, in the service's database (SQLite or PostgreSQL).

* :func:`enqueue` — called in the same transaction that stores a submission (registered as
  the coursework exchange's submission hook), so no submission is ever left ungraded;
  :func:`enqueue_regrade` queues the latest attempt of every student of an assignment.
* :func:`claim` — a worker takes the oldest queued job and a lease on it. On PostgreSQL the
  row is locked with ``FOR UPDATE SKIP LOCKED``, so workers on many machines never take the
  same job; on SQLite the write transaction (``BEGIN IMMEDIATE``) serialises claims. Jobs
  whose lease ran out (their worker died) are put back first, or failed after
  :data:`~mesolab.grading.models.MAX_ATTEMPTS` runs.
* :func:`complete` — the result and its outbox entry in one transaction; :func:`fail`.
* :func:`progress` — queued / running / graded / failed counts for an assignment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mesolab_lab.versions import autograde_version

from ..coursework.models import Submission
from ..record.errors import Conflict, NotFound
from ..record.models import Assignment, Person
from .models import JOB_STATES, MAX_ATTEMPTS, GradeOutbox, GradingJob

LEASE_SECONDS = 120

GradedHook = Callable[[Session, GradingJob], None]
_graded_hooks: list[GradedHook] = []


def register_graded_hook(hook: GradedHook) -> GradedHook:
    """Call ``hook(session, job)`` in the transaction that records each graded job
    (e.g. learning plans adding autograded evidence)."""
    if hook not in _graded_hooks:
        _graded_hooks.append(hook)
    return hook


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def enqueue(
    session: Session, submission: Submission, reason: str = "submission", requested_by: str | None = None
) -> GradingJob:
    """Queue the autograding of one submission attempt (in the caller's transaction)."""
    job = GradingJob(
        submission_id=submission.id,
        course_id=submission.course_id,
        assignment_id=submission.assignment_id,
        student_id=submission.student_id,
        status="queued",
        reason=reason,
        requested_by=requested_by or session.info.get("actor") or "mesolab",
        attempts=0,
        limits={},
        cells={},
        notes=[],
        queued_at=_now(),
    )
    session.add(job)
    session.flush()
    return job


def on_submission(session: Session, submission: Submission) -> None:
    """The exchange's submission hook: every new attempt is queued for grading."""
    enqueue(session, submission)


def enqueue_regrade(session: Session, assignment: Assignment, requested_by: str) -> list[GradingJob]:
    """A new job for the latest attempt of every student who submitted ``assignment``."""
    rows = session.scalars(
        select(Submission).where(Submission.assignment_id == assignment.id).order_by(Submission.attempt)
    )
    latest: dict[int, Submission] = {}
    for row in rows:
        latest[row.student_id] = row
    return [enqueue(session, s, reason="regrade", requested_by=requested_by) for s in latest.values()]


def requeue_expired(session: Session, now: dt.datetime | None = None) -> int:
    """Put back (or fail) the running jobs whose worker stopped renewing its lease."""
    now = now or _now()
    expired = list(
        session.scalars(select(GradingJob).where(GradingJob.status == "running", GradingJob.lease_until < now))
    )
    for job in expired:
        if job.attempts >= MAX_ATTEMPTS:
            job.status = "failed"
            job.finished_at = now
            job.error = f"the grading worker stopped {job.attempts} times while grading this notebook"
        else:
            job.status = "queued"
        job.worker = None
        job.lease_until = None
    session.flush()
    return len(expired)


def claim(session: Session, worker: str, lease_seconds: int = LEASE_SECONDS) -> GradingJob | None:
    """The oldest queued job, now running under ``worker``'s lease (None: nothing to do)."""
    now = _now()
    requeue_expired(session, now)
    query = select(GradingJob).where(GradingJob.status == "queued").order_by(GradingJob.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=GradingJob)
    job = session.scalar(query)
    if job is None:
        return None
    job.status = "running"
    job.worker = worker
    job.attempts += 1
    job.started_at = now
    job.lease_until = now + dt.timedelta(seconds=lease_seconds)
    session.flush()
    return job


def _running(session: Session, job_id: int, worker: str) -> GradingJob:
    job = session.get(GradingJob, job_id, with_for_update=session.get_bind().dialect.name == "postgresql")
    if job is None:
        raise NotFound(f"no grading job {job_id}")
    if job.status != "running" or job.worker != worker:
        raise Conflict(f"grading job {job_id} is no longer yours (it is {job.status}); drop its result")
    return job


def heartbeat(session: Session, job_id: int, worker: str, lease_seconds: int = LEASE_SECONDS) -> GradingJob:
    job = _running(session, job_id, worker)
    job.lease_until = _now() + dt.timedelta(seconds=lease_seconds)
    return job


def grade_event(job: GradingJob, student: str, score: float, max_score: float, now: dt.datetime, run: int = 1) -> dict:
    """The central record's grade event for a graded job (its id makes delivery idempotent)."""
    return {
        "event_id": f"autograde:{job.submission_id}:{job.id}",
        "student": student,
        "assignment_id": job.assignment_id,
        "score": score,
        "max_score": max_score,
        "source": "autograde",
        "graded_at": now.isoformat(),
        "graded_by": job.worker or "mesolab-grader",
        # a re-grade is newer than the grading before it; a teacher's feedback newer still
        "version": autograde_version(job.submission.attempt, run),
    }


def complete(
    session: Session,
    job_id: int,
    worker: str,
    score: float,
    max_score: float,
    cells: dict,
    notes: list[str],
    autograded_key: str | None = None,
) -> GradingJob:
    """Record a graded job and its outbox entry, in one transaction (the caller's)."""
    job = _running(session, job_id, worker)
    now = _now()
    penalty = job.submission.penalty_percent or 0.0
    final = max(0.0, score * (1 - penalty / 100.0))
    if job.submission.late_policy == "zero" and job.submission.late:
        final = 0.0
    job.status = "graded"
    job.finished_at = now
    job.lease_until = None
    job.score = final
    job.max_score = max_score
    job.cells = cells
    job.notes = list(notes) + ([f"late: -{penalty:g}%"] if penalty else [])
    job.autograded_key = autograded_key
    student = session.get(Person, job.student_id)
    if max_score > 0:
        run = session.scalar(
            select(func.count()).where(GradingJob.submission_id == job.submission_id, GradingJob.id <= job.id)
        )
        event = grade_event(job, student.username, final, max_score, now, run)
        session.add(GradeOutbox(job_id=job.id, event_id=event["event_id"], payload=event, tries=0, created_at=now))
    session.flush()
    for hook in _graded_hooks:
        hook(session, job)
    return job


def fail(session: Session, job_id: int, worker: str, error: str, retry: bool = False) -> GradingJob:
    """A job that could not be graded. ``retry``: the worker's own fault (e.g. its kernel
    could not start), so the job is queued again unless it has run out of attempts."""
    job = _running(session, job_id, worker)
    job.lease_until = None
    job.worker = None
    job.error = error[:4000]
    if retry and job.attempts < MAX_ATTEMPTS:
        job.status = "queued"
        return job
    job.status = "failed"
    job.finished_at = _now()
    return job


def progress(session: Session, assignment_id: int) -> dict:
    """``{queued, running, graded, failed, total}`` of the *latest* job of each attempt."""
    latest = (
        select(func.max(GradingJob.id))
        .where(GradingJob.assignment_id == assignment_id)
        .group_by(GradingJob.submission_id)
    )
    counts = dict(
        session.execute(
            select(GradingJob.status, func.count()).where(GradingJob.id.in_(latest)).group_by(GradingJob.status)
        ).all()
    )
    out = {state: int(counts.get(state, 0)) for state in JOB_STATES}
    out["total"] = sum(out.values())
    return out
