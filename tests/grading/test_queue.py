"""The grading queue and the grade outbox on both databases (no hub, no kernels)."""

from __future__ import annotations

import threading

import pytest
from recordtools import A, username
from sqlalchemy import func, select

from mesolab.coursework.models import Submission
from mesolab.grading import outbox, queue
from mesolab.grading.models import GradeOutbox, GradingJob
from mesolab.record import db
from mesolab.record.models import Grade, GradeEvent, utcnow


def _submit(sessions, world, student_kind="nxenes", attempt=1) -> int:
    with db.transaction(sessions, actor="test") as s:
        sub = Submission(
            course_id=world.courses[f"{A}/PRG1"],
            assignment_id=world.assignments[f"{A}/PRG1"],
            attempt=attempt,
            student_id=world.people[username(student_kind, A)],
            submitted_at=utcnow(),
            notebooks=["ps1"],
            storage_key=f"k/{student_kind}/{attempt}",
            checksum="0" * 64,
            size=10,
        )
        s.add(sub)
        s.flush()
        queue.on_submission(s, sub)
        return sub.id


def test_submission_is_queued_and_graded_into_the_record(sessions, world):
    _submit(sessions, world)
    with db.transaction(sessions) as s:
        job = queue.claim(s, "w1")
        assert job.status == "running" and job.attempts == 1
        assert queue.claim(s, "w2") is None  # nothing else to do
    with db.transaction(sessions) as s:
        queue.complete(s, job.id, "w1", 8.0, 10.0, {"t1": [8.0, 10.0]}, ["timeout"])
        assert queue.progress(s, job.assignment_id) == {"queued": 0, "running": 0, "graded": 1, "failed": 0, "total": 1}
    assert outbox.deliver(sessions) == 1
    assert outbox.deliver(sessions) == 0  # delivered once
    with sessions() as s:
        grade = s.scalar(
            select(Grade).where(
                Grade.student_id == world.people[username("nxenes", A)], Grade.assignment_id == job.assignment_id
            )
        )
        assert (grade.score, grade.source, grade.version) == (8.0, "autograde", 1_000_001)


def test_concurrent_claims_never_take_the_same_job(sessions, world):
    for n in range(12):
        _submit(sessions, world, attempt=n + 1)
    taken: list[int] = []
    errors: list[BaseException] = []

    def worker(name):
        try:
            while True:
                with db.transaction(sessions) as s:
                    job = queue.claim(s, name)
                    if job is None:
                        return
                    taken.append(job.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(taken) == sorted(set(taken)) and len(taken) == 12


def test_expired_lease_is_queued_again_then_failed(sessions, world, monkeypatch):
    _submit(sessions, world)
    for attempt in range(1, queue.MAX_ATTEMPTS + 1):
        with db.transaction(sessions) as s:
            job = queue.claim(s, f"w{attempt}", lease_seconds=-1)  # already expired: the worker "died"
            assert job.attempts == attempt
    with db.transaction(sessions) as s:
        assert queue.claim(s, "w9") is None
        job = s.get(GradingJob, job.id)
        assert job.status == "failed" and "stopped 3 times" in job.error


def test_a_stale_worker_cannot_report(sessions, world):
    _submit(sessions, world)
    with db.transaction(sessions) as s:
        job = queue.claim(s, "old", lease_seconds=-1)
    with db.transaction(sessions) as s:
        queue.claim(s, "new")
    with pytest.raises(Exception, match="no longer yours"), db.transaction(sessions) as s:
        queue.complete(s, job.id, "old", 1.0, 10.0, {}, [])


def test_crash_between_ingest_and_mark_delivers_once(sessions, world, monkeypatch):
    """A delivery that dies before its commit leaves nothing applied; the retry applies it once."""
    _submit(sessions, world)
    with db.transaction(sessions) as s:
        job = queue.claim(s, "w")
    with db.transaction(sessions) as s:
        queue.complete(s, job.id, "w", 6.0, 10.0, {}, [])
    real = outbox.ingest_grade_event

    def dies_after_ingest(session, payload, actor):
        real(session, payload, actor)
        raise SystemExit("killed")  # the process dies inside the transaction

    monkeypatch.setattr(outbox, "ingest_grade_event", dies_after_ingest)
    with pytest.raises(SystemExit):
        outbox.deliver(sessions)
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(GradeEvent)) == 6  # only the 6 seeded events
    monkeypatch.setattr(outbox, "ingest_grade_event", real)
    assert outbox.deliver(sessions) == 1
    # delivering the same event again (a second replica, a lost acknowledgement) changes nothing
    with db.transaction(sessions) as s:
        entry = s.scalar(select(GradeOutbox))
        entry.delivered_at = None
    assert outbox.deliver(sessions) == 1
    with sessions() as s:
        assert (
            s.scalar(select(func.count()).select_from(GradeEvent).where(GradeEvent.event_id.like("autograde:%"))) == 1
        )


def test_regrade_is_a_newer_version(sessions, world):
    _submit(sessions, world)
    with db.transaction(sessions) as s:
        job = queue.claim(s, "w")
        queue.complete(s, job.id, "w", 4.0, 10.0, {}, [])
    outbox.deliver(sessions)
    with db.transaction(sessions) as s:
        from mesolab.record.models import Assignment

        jobs = queue.enqueue_regrade(s, s.get(Assignment, world.assignments[f"{A}/PRG1"]), "mesues")
        assert len(jobs) == 1
    with db.transaction(sessions) as s:
        job2 = queue.claim(s, "w")
        queue.complete(s, job2.id, "w", 9.0, 10.0, {}, [])
    outbox.deliver(sessions)
    with sessions() as s:
        grades = list(
            s.scalars(
                select(Grade).where(
                    Grade.assignment_id == world.assignments[f"{A}/PRG1"],
                    Grade.student_id == world.people[username("nxenes", A)],
                )
            )
        )
        assert [(g.score, g.version) for g in grades] == [(9.0, 1_000_002)]
