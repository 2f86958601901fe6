"""Endpoints of the grading queue (``/grading/...``).

For teachers: live progress of an assignment's grading, the list of jobs with scores and
messages, and re-grading. For grading workers (hub services named in
``MesoLabService.grader_services``, e.g. ``mesolab-grader``): claim a job, download its
submission and the assignment's source, renew the lease, report the result or the failure.
Workers never touch the database or the storage directly, so on Kubernetes they need no
credentials and no network but this API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..coursework import exchange as ex
from ..coursework.storage import Storage
from ..grading import queue
from ..grading.models import GradeOutbox, GradingJob
from ..record import db
from ..record.errors import Forbidden, NotFound
from ..record.models import Person
from .deps import PagingDep, PrincipalDep, SessionDep, page
from .permissions import Principal
from .routes_exchange import DOWNLOAD, GZIP, Code, Name, SchoolQuery, get_storage

router = APIRouter(prefix="/grading", tags=["grading"])

JobId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class Progress(BaseModel):
    queued: int
    running: int
    graded: int
    failed: int
    total: int


class JobOut(BaseModel):
    id: int
    submission_id: int
    student: str
    status: str
    reason: str
    attempts: int
    score: float | None
    max_score: float | None
    notes: list[str]
    error: str | None
    queued_at: str
    finished_at: str | None
    delivered: bool | None = Field(None, description="Whether the grade has reached the central record.")


class ClaimIn(BaseModel):
    worker: str = Field(min_length=1, max_length=100, description="Name of the worker process (for leases).")


class ClaimOut(BaseModel):
    id: int
    course_id: int
    course: str
    assignment: str
    student: str
    submission_id: int
    submitted_at: str
    limits: dict
    lease_seconds: int = Field(description="Renew the lease (heartbeat) well within this many seconds.")


class ResultIn(BaseModel):
    worker: str = Field(min_length=1, max_length=100)
    score: float = Field(ge=0)
    max_score: float = Field(ge=0)
    cells: dict[str, list[float | None]] = Field(default_factory=dict, description="{grade_id: [score, max]}")
    notes: list[str] = Field(default_factory=list, max_length=20)


class FailureIn(BaseModel):
    worker: str = Field(min_length=1, max_length=100)
    error: str = Field(max_length=4000)
    retry: bool = Field(False, description="The worker's own fault (not the notebook's): queue the job again.")


class WorkerIn(BaseModel):
    worker: str = Field(min_length=1, max_length=100)


def require_grader(request: Request, principal: Principal) -> None:
    graders = request.app.state.config.grader_services
    if principal.kind != "service" or principal.username not in graders:
        raise Forbidden("only MësoLab's grading workers may do this")


def _job_out(session, job: GradingJob, delivered: set[int]) -> dict:
    student = session.get(Person, job.student_id)
    return JobOut(
        id=job.id,
        submission_id=job.submission_id,
        student=student.username if student else "?",
        status=job.status,
        reason=job.reason,
        attempts=job.attempts,
        score=job.score,
        max_score=job.max_score,
        notes=list(job.notes or []),
        error=job.error,
        queued_at=job.queued_at.isoformat(),
        finished_at=job.finished_at.isoformat() if job.finished_at else None,
        delivered=(job.id in delivered) if job.status == "graded" else None,
    ).model_dump()


# --- teachers ------------------------------------------------------------------------------


@router.get("/courses/{code}/assignments/{name}/progress", response_model=Progress)
def get_progress(code: Code, name: Name, session: SessionDep, principal: PrincipalDep, school: SchoolQuery = None):
    """Queued / running / graded / failed counts of the latest grading of each attempt."""
    access = ex.open_course(session, principal, code, school)
    if access.student:
        raise Forbidden("only the course's teachers see the grading of the whole class")
    return queue.progress(session, ex.find_assignment(session, access.course, name).id)


@router.get("/courses/{code}/assignments/{name}/jobs")
def list_jobs(
    code: Code, name: Name, session: SessionDep, principal: PrincipalDep, paging: PagingDep, school: SchoolQuery = None
):
    """Grading jobs of an assignment, newest first (students: only their own)."""
    access = ex.open_course(session, principal, code, school)
    assignment = ex.find_assignment(session, access.course, name)
    conditions = [GradingJob.assignment_id == assignment.id]
    if access.student:
        conditions.append(GradingJob.student_id == access.person_id)
    result = page(session, GradingJob, conditions, [GradingJob.id.desc()], paging)
    ids = [j.id for j in result["items"]]
    delivered = set(
        session.scalars(
            select(GradeOutbox.job_id).where(GradeOutbox.job_id.in_(ids), GradeOutbox.delivered_at.isnot(None))
        )
    )
    result["items"] = [_job_out(session, j, delivered) for j in result["items"]]
    return result


@router.post("/courses/{code}/assignments/{name}/regrade", response_model=Progress, status_code=202)
def regrade(code: Code, name: Name, session: SessionDep, principal: PrincipalDep, school: SchoolQuery = None):
    """Queue a new grading of every student's latest attempt; the newer grade replaces the old."""
    db.for_writing(session)
    access = ex.open_course(session, principal, code, school)
    access.require_teacher(("ri-vlerësojnë detyrat", "re-grade assignments"))
    assignment = ex.find_assignment(session, access.course, name)
    queue.enqueue_regrade(session, assignment, principal.username)
    session.commit()
    return queue.progress(session, assignment.id)


# --- workers -------------------------------------------------------------------------------


@router.post("/claim", responses={200: {"model": ClaimOut}, 204: {"description": "Nothing to grade."}})
def claim(body: ClaimIn, request: Request, session: SessionDep, principal: PrincipalDep):
    """Take the oldest queued job (with a lease the worker renews with ``heartbeat``)."""
    require_grader(request, principal)
    db.for_writing(session)
    lease = request.app.state.config.grading_lease_seconds
    job = queue.claim(session, f"{principal.username}/{body.worker}", lease)
    session.commit()
    if job is None:
        return Response(status_code=204)
    sub = job.submission
    return ClaimOut(
        id=job.id,
        course_id=job.course_id,
        course=sub.course.code,
        assignment=sub.assignment.name,
        student=sub.student.username,
        submission_id=sub.id,
        submitted_at=sub.submitted_at.isoformat(),
        limits=dict(job.limits or {}),
        lease_seconds=lease,
    )


def _worker_job(request: Request, session, principal: Principal, job_id: int) -> GradingJob:
    require_grader(request, principal)
    job = session.get(GradingJob, job_id)
    if job is None:
        raise NotFound(f"no grading job {job_id}")
    return job


@router.get("/jobs/{job_id}/submission", responses=DOWNLOAD, response_class=Response)
def job_submission(
    job_id: JobId, request: Request, session: SessionDep, principal: PrincipalDep,
    storage: Annotated[Storage, Depends(get_storage)],
):  # fmt: skip
    """The submission's files (tar.gz)."""
    job = _worker_job(request, session, principal, job_id)
    return Response(ex.submission_files(session, storage, job.submission_id), media_type=GZIP)


@router.get("/jobs/{job_id}/source", responses=DOWNLOAD, response_class=Response)
def job_source(
    job_id: JobId, request: Request, session: SessionDep, principal: PrincipalDep,
    storage: Annotated[Storage, Depends(get_storage)],
):  # fmt: skip
    """The assignment's latest source version (tar.gz): the worker builds its gradebook from it."""
    job = _worker_job(request, session, principal, job_id)
    return Response(ex.source_files(session, storage, job.course_id, job.assignment_id), media_type=GZIP)


@router.post("/jobs/{job_id}/heartbeat", status_code=204)
def job_heartbeat(job_id: JobId, body: WorkerIn, request: Request, session: SessionDep, principal: PrincipalDep):
    require_grader(request, principal)
    db.for_writing(session)
    queue.heartbeat(
        session, job_id, f"{principal.username}/{body.worker}", request.app.state.config.grading_lease_seconds
    )
    session.commit()
    return Response(status_code=204)


@router.post("/jobs/{job_id}/result", status_code=204)
def job_result(job_id: JobId, body: ResultIn, request: Request, session: SessionDep, principal: PrincipalDep):
    """The grade: stored with its outbox entry in one transaction, then delivered to the record."""
    require_grader(request, principal)
    db.for_writing(session)
    cells = {k: [v[0] if v else None, v[1] if len(v) > 1 else None] for k, v in body.cells.items()}
    queue.complete(
        session, job_id, f"{principal.username}/{body.worker}", body.score, body.max_score, cells, body.notes
    )
    session.commit()
    return Response(status_code=204)


@router.post("/jobs/{job_id}/failure", status_code=204)
def job_failure(job_id: JobId, body: FailureIn, request: Request, session: SessionDep, principal: PrincipalDep):
    require_grader(request, principal)
    db.for_writing(session)
    queue.fail(session, job_id, f"{principal.username}/{body.worker}", body.error, body.retry)
    session.commit()
    return Response(status_code=204)
