"""Endpoints of the coursework exchange (``/exchange/...``): nbgrader's exchange over HTTP.

Uploads are the raw request body, a tar.gz of one assignment directory
(``Content-Type: application/gzip``), at most ``MesoLabService.max_submission_mb``. Downloads
answer the same format. Every time stamp is the server's (``app.state.clock``, replaced in
tests). Who may do what: :mod:`mesolab.coursework.exchange`. See ``docs/coursework.md``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..coursework import exchange as ex
from ..coursework.errors import TooLarge, bilingual
from ..coursework.models import Feedback, Release, SourceVersion, Submission
from ..coursework.storage import Storage
from ..record.models import Assignment, utcnow
from .deps import PrincipalDep, SessionDep
from .schemas import SchoolId

router = APIRouter(prefix="/exchange", tags=["exchange"])

Code = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[^/\x00-\x1f]+$", description="Course code.")]
Name = Annotated[
    str, Path(min_length=1, max_length=200, pattern=r"^[^/\x00-\x1f]+$", description="Assignment name (nbgrader id).")
]
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
SchoolQuery = Annotated[
    SchoolId | None, Query(description="School of the course (national administrators, when codes repeat).")
]
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
GZIP = "application/gzip"
UPLOAD = {
    "requestBody": {
        "required": True,
        "description": "A tar.gz of the assignment directory (sent as application/gzip or application/octet-stream).",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
DOWNLOAD = {200: {"content": {GZIP: {"schema": {"type": "string", "format": "binary"}}}, "description": "tar.gz"}}


# --- dependencies --------------------------------------------------------------------------


def get_clock(request: Request) -> ex.Clock:
    """The service's clock (``app.state.clock``; tests replace it)."""
    return getattr(request.app.state, "clock", None) or utcnow


def app_storage(app) -> Storage:
    """The app's storage (``app.state.storage``), made from the configuration on first use."""
    storage = getattr(app.state, "storage", None)
    if storage is None:
        config = app.state.config
        storage = app.state.storage = config.storage_class(config.storage_root)
    return storage


class LazyStorage:
    """The app's storage, looked up only when a route really reads or writes a file (so a
    refused or unknown request never depends on the storage being configured)."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        return getattr(app_storage(self._app), name)


def get_storage(request: Request) -> Storage:
    return LazyStorage(request.app)  # type: ignore[return-value]


def _limit(request: Request) -> int:
    return int(request.app.state.config.max_submission_mb) * 1024 * 1024


def _max_unpacked(request: Request) -> int:
    """How many bytes an upload may unpack to."""
    return _limit(request) * ex.UNPACK_FACTOR


def _too_large(limit: int) -> TooLarge:
    mb = limit // (1024 * 1024)
    return TooLarge(
        bilingual(
            f"Skedarët janë më të mëdhenj se {mb} MB dhe nuk u pranuan. Hiqni skedarët e mëdhenj (të dhëna, "
            "imazhe) nga dosja e detyrës dhe provoni përsëri; dorëzimi juaj i mëparshëm mbetet i paprekur",
            f"The files are larger than {mb} MB and were not accepted. Remove large files (data, images) from "
            "the assignment folder and try again; your previous submission is unchanged",
        )
    )


async def upload_body(request: Request):
    """The request body in a temporary file, refused past the size limit (413)."""
    limit = _limit(request)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            spool.write(chunk)
        spool.seek(0)
        yield spool
    finally:
        spool.close()


ClockDep = Annotated[ex.Clock, Depends(get_clock)]
StorageDep = Annotated[Storage, Depends(get_storage)]
BodyDep = Annotated[tempfile.SpooledTemporaryFile, Depends(upload_body)]


# --- answers ------------------------------------------------------------------------------


class CourseOut(BaseModel):
    id: int
    school_id: str
    code: str
    name: str
    role: Literal["teacher", "student", "school-admin", "national"] = Field(
        description="The caller's part in the course."
    )
    timezone: str


class ReleaseOut(BaseModel):
    version: int
    released_at: dt.datetime
    released_by: str
    notebooks: list[str]
    checksum: str
    size: int
    withdrawn: bool


class AssignmentOut(BaseModel):
    id: int
    course: str
    name: str
    max_score: float
    due_at: dt.datetime | None = Field(description="Deadline (UTC).")
    due_local: str | None = Field(description="Deadline in the school's time zone, for people.")
    timezone: str
    late_policy: Literal["accept", "zero", "penalty"]
    penalty_per_day: float = Field(description="Percent of the maximum score per started day late (policy penalty).")
    hard_close_at: dt.datetime | None
    hard_close_local: str | None
    release: ReleaseOut | None


class PolicyIn(BaseModel):
    """Deadline and late policy; times without an offset are in the school's time zone."""

    model_config = ConfigDict(extra="forbid")
    due_at: dt.datetime | None = None
    late_policy: Literal["accept", "zero", "penalty"] = "accept"
    penalty_per_day: Annotated[float, Field(ge=0, le=100)] = 0.0
    hard_close_at: dt.datetime | None = None


class FeedbackOut(BaseModel):
    id: int
    submission_id: int
    student: str
    assignment: str
    attempt: int
    timestamp: str = Field(description="The attempt's server time stamp, in nbgrader's format.")
    version: int
    released_at: dt.datetime
    released_by: str
    checksum: str
    size: int


class SubmissionOut(BaseModel):
    id: int
    course: str
    assignment: str
    student: str
    attempt: int
    submitted_at: dt.datetime = Field(description="The server's time of the attempt (UTC).")
    submitted_local: str
    timestamp: str = Field(description="submitted_at in nbgrader's time stamp format.")
    size: int
    checksum: str
    notebooks: list[str]
    release_version: int | None
    late: bool
    seconds_late: int
    days_late: int
    late_policy: str
    penalty_percent: float = Field(description="Late penalty in percent of the maximum score.")
    max_score: float
    feedback: FeedbackOut | None = None


def _local(moment: dt.datetime | None, zone) -> str | None:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if moment else None


def nbgrader_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(TIMESTAMP_FORMAT)


def release_out(r: Release) -> ReleaseOut:
    return ReleaseOut(
        version=r.version,
        released_at=r.released_at,
        released_by=r.released_by,
        notebooks=list(r.notebooks or []),
        checksum=r.checksum,
        size=r.size,
        withdrawn=r.withdrawn_at is not None,
    )


def source_out(s: SourceVersion) -> ReleaseOut:
    """A source version in the shape of a release (it has no notebook list and is never withdrawn)."""
    return ReleaseOut(
        version=s.version,
        released_at=s.uploaded_at,
        released_by=s.uploaded_by,
        notebooks=[],
        checksum=s.checksum,
        size=s.size,
        withdrawn=False,
    )


def assignment_out(session, access: ex.CourseAccess, a: Assignment, release: Release | None) -> AssignmentOut:
    zone = ex.school_zone(session, access.course)
    policy = ex.policy_of(session, a)
    return AssignmentOut(
        id=a.id,
        course=access.course.code,
        name=a.name,
        max_score=a.max_score,
        due_at=a.due_at,
        due_local=_local(a.due_at, zone),
        timezone=zone.key,
        late_policy=policy.late_policy,
        penalty_per_day=policy.penalty_per_day,
        hard_close_at=policy.hard_close_at,
        hard_close_local=_local(policy.hard_close_at, zone),
        release=release_out(release) if release else None,
    )


def feedback_out(f: Feedback) -> FeedbackOut:
    s = f.submission
    return FeedbackOut(
        id=f.id,
        submission_id=f.submission_id,
        student=s.student.username,
        assignment=s.assignment.name,
        attempt=s.attempt,
        timestamp=nbgrader_timestamp(s.submitted_at),
        version=f.version,
        released_at=f.released_at,
        released_by=f.released_by,
        checksum=f.checksum,
        size=f.size,
    )


def submission_out(session, s: Submission, feedback: Feedback | None = None) -> SubmissionOut:
    zone = ex.school_zone(session, s.course)
    return SubmissionOut(
        id=s.id,
        course=s.course.code,
        assignment=s.assignment.name,
        student=s.student.username,
        attempt=s.attempt,
        submitted_at=s.submitted_at,
        submitted_local=_local(s.submitted_at, zone),
        timestamp=nbgrader_timestamp(s.submitted_at),
        size=s.size,
        checksum=s.checksum,
        notebooks=list(s.notebooks or []),
        release_version=s.release_version,
        late=s.late,
        seconds_late=s.seconds_late,
        days_late=s.days_late,
        late_policy=s.late_policy,
        penalty_percent=s.penalty_percent,
        max_score=s.assignment.max_score,
        feedback=feedback_out(feedback) if feedback else None,
    )


def download(storage: Storage, row: Release | SourceVersion | Submission | Feedback, filename: str) -> Response:
    """A stored tar.gz (``row.storage_key``) as the answer, with its checksum in ``X-Checksum-Sha256``."""
    headers = {"X-Checksum-Sha256": row.checksum}
    path = storage.local_path(row.storage_key)
    if path is not None:
        return FileResponse(path, media_type=GZIP, filename=filename, headers=headers)
    return Response(storage.get(row.storage_key), media_type=GZIP, headers=headers)


# --- courses and assignments ------------------------------------------------------------------


@router.get("/courses", response_model=list[CourseOut], summary="The courses you teach or take (admins: can see)")
def my_courses(session: SessionDep, principal: PrincipalDep):
    out = []
    for course, role in ex.my_courses(session, principal):
        out.append(
            CourseOut(
                id=course.id,
                school_id=course.school_id,
                code=course.code,
                name=course.name,
                role=role,
                timezone=ex.school_zone(session, course).key,
            )
        )
    return out


@router.get(
    "/courses/{course}/assignments",
    response_model=list[AssignmentOut],
    summary="Released assignments of a course, with deadlines in the school's time zone",
)
def list_assignments(course: Code, session: SessionDep, principal: PrincipalDep, school: SchoolQuery = None):
    access = ex.open_course(session, principal, course, school)
    return [assignment_out(session, access, a, r) for a, r in ex.released_assignments(session, access)]


@router.get(
    "/courses/{course}/assignments/{assignment}/policy",
    response_model=AssignmentOut,
    summary="An assignment's deadline and late policy",
)
def get_policy(
    course: Code, assignment: Name, session: SessionDep, principal: PrincipalDep, school: SchoolQuery = None
):
    access = ex.open_course(session, principal, course, school)
    a = ex.find_assignment(session, access.course, assignment)
    if access.student and ex.active_release(session, a) is None:
        raise ex.NotFound(f"the assignment {assignment!r} is not released")
    return assignment_out(session, access, a, ex.active_release(session, a))


@router.put(
    "/courses/{course}/assignments/{assignment}/policy",
    response_model=AssignmentOut,
    summary="Set the deadline, late policy and hard close (the course's teachers)",
)
def put_policy(
    course: Code,
    assignment: Name,
    body: PolicyIn,
    session: SessionDep,
    principal: PrincipalDep,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    access.require_teacher(("caktojnë afatet", "set deadlines"))
    a = ex.find_assignment(session, access.course, assignment)
    ex.set_policy(session, access, a, **body.model_dump())
    session.commit()
    return assignment_out(session, access, a, ex.active_release(session, a))


@router.post(
    "/courses/{course}/assignments/{assignment}/release",
    response_model=ReleaseOut,
    status_code=201,
    openapi_extra=UPLOAD,
    summary="Release an assignment (the student version made by generate_assignment): a new version",
)
def post_release(
    course: Code,
    assignment: Name,
    body: BodyDep,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
    clock: ClockDep,
    request: Request,
    force: Annotated[bool, Query(description="Release again although a release is active.")] = False,
    max_score: Annotated[float | None, Query(gt=0, le=100000)] = None,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    release = ex.release_assignment(
        session,
        storage,
        access,
        assignment,
        body,
        username=principal.username,
        now=clock(),
        max_unpacked=_max_unpacked(request),
        force=force,
        max_score=max_score,
    )
    session.commit()
    return release_out(release)


@router.delete(
    "/courses/{course}/assignments/{assignment}/release",
    response_model=ReleaseOut,
    summary="Withdraw the active release (students no longer see it; nothing is deleted)",
)
def delete_release(
    course: Code,
    assignment: Name,
    session: SessionDep,
    principal: PrincipalDep,
    clock: ClockDep,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    release = ex.withdraw_release(session, access, assignment, clock())
    session.commit()
    return release_out(release)


@router.get(
    "/courses/{course}/assignments/{assignment}/release",
    responses=DOWNLOAD,
    response_class=Response,
    summary="Download the active release (tar.gz)",
)
def get_release(
    course: Code,
    assignment: Name,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    release = ex.readable_release(session, access, assignment)
    return download(storage, release, f"{assignment}-release.tar.gz")


@router.post(
    "/courses/{course}/assignments/{assignment}/source",
    response_model=ReleaseOut,
    status_code=201,
    openapi_extra=UPLOAD,
    summary="Store the source (solution) version for the grading workers (teachers only; never served to students)",
)
def post_source(
    course: Code,
    assignment: Name,
    body: BodyDep,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
    clock: ClockDep,
    request: Request,
    max_score: Annotated[float | None, Query(gt=0, le=100000)] = None,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    source = ex.upload_source(
        session,
        storage,
        access,
        assignment,
        body,
        username=principal.username,
        now=clock(),
        max_unpacked=_max_unpacked(request),
        max_score=max_score,
    )
    session.commit()
    return source_out(source)


@router.get(
    "/courses/{course}/assignments/{assignment}/source",
    responses=DOWNLOAD,
    response_class=Response,
    summary="Download the latest source version (the course's teachers, national administrators)",
)
def get_source(
    course: Code,
    assignment: Name,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    source = ex.readable_source(session, access, assignment)
    return download(storage, source, f"{assignment}-source.tar.gz")


# --- submissions -----------------------------------------------------------------------------


@router.post(
    "/courses/{course}/assignments/{assignment}/submissions",
    response_model=SubmissionOut,
    status_code=201,
    openapi_extra=UPLOAD,
    summary="Submit (students of the course): a new attempt stamped with the server's time",
)
def post_submission(
    course: Code,
    assignment: Name,
    body: BodyDep,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
    clock: ClockDep,
    request: Request,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    row = ex.submit(session, storage, access, assignment, body, now=clock(), max_unpacked=_max_unpacked(request))
    session.commit()
    return submission_out(session, row)


@router.get(
    "/courses/{course}/submissions",
    response_model=list[SubmissionOut],
    summary="Submission attempts of a course (students: their own; teachers: everybody's)",
)
def list_submissions(
    course: Code,
    session: SessionDep,
    principal: PrincipalDep,
    assignment: Annotated[str | None, Query(max_length=200)] = None,
    student: Annotated[str | None, Query(max_length=100)] = None,
    latest: Annotated[bool, Query(description="Only each student's latest attempt.")] = False,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    rows = ex.list_submissions(session, access, assignment, student=student, latest=latest)
    feedback = {}
    if access.student or access.reads_work:
        feedback = {f.submission_id: f for f in ex.list_feedback(session, access, assignment)}
    return [submission_out(session, s, feedback.get(s.id)) for s in rows]


@router.get(
    "/submissions/{submission_id}/files",
    responses=DOWNLOAD,
    response_class=Response,
    summary="Download a submission attempt (its student, the course's teachers, national administrators)",
)
def get_submission_files(submission_id: Id, session: SessionDep, principal: PrincipalDep, storage: StorageDep):
    row, _ = ex.readable_submission(session, principal, submission_id)
    name = f"{row.student.username}+{row.assignment.name}+{row.attempt}.tar.gz"
    return download(storage, row, name)


# --- feedback ------------------------------------------------------------------------------------


@router.post(
    "/submissions/{submission_id}/feedback",
    response_model=FeedbackOut,
    status_code=201,
    openapi_extra=UPLOAD,
    summary="Release feedback (HTML reports, tar.gz) on an attempt (the course's teachers): a new version",
)
def post_feedback(
    submission_id: Id,
    body: BodyDep,
    session: SessionDep,
    principal: PrincipalDep,
    storage: StorageDep,
    clock: ClockDep,
    request: Request,
):
    row, access = ex.readable_submission(session, principal, submission_id)
    feedback = ex.release_feedback(
        session,
        storage,
        access,
        row,
        body,
        username=principal.username,
        now=clock(),
        max_unpacked=_max_unpacked(request),
    )
    session.commit()
    return feedback_out(feedback)


@router.get(
    "/courses/{course}/feedback",
    response_model=list[FeedbackOut],
    summary="Released feedback, the latest version per attempt (students: their own)",
)
def list_feedback(
    course: Code,
    session: SessionDep,
    principal: PrincipalDep,
    assignment: Annotated[str | None, Query(max_length=200)] = None,
    school: SchoolQuery = None,
):
    access = ex.open_course(session, principal, course, school)
    return [feedback_out(f) for f in ex.list_feedback(session, access, assignment)]


@router.get(
    "/feedback/{feedback_id}/files",
    responses=DOWNLOAD,
    response_class=Response,
    summary="Download released feedback (its student, the course's teachers, national administrators)",
)
def get_feedback_files(feedback_id: Id, session: SessionDep, principal: PrincipalDep, storage: StorageDep):
    row = ex.readable_feedback(session, principal, feedback_id)
    return download(storage, row, f"feedback-{row.id}.tar.gz")
