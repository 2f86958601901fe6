"""The coursework exchange's domain logic: who may do what, deadlines, late policies, storage.

Who may do what in a course (the central record's enrolments decide):

=====================  ==============================================================
caller                 may
=====================  ==============================================================
teacher / trainer      release and withdraw assignments, upload the source version,
enrolled in the course set deadlines and late policies, collect submissions, read the
                       source, release feedback
student enrolled       list released assignments, download the release, submit, read
in the course          their own attempts and feedback
school admin           list assignments, releases and submission *metadata* of their
                       school's courses; never student work, feedback or the source
national admin         read everything (including work), change nothing
anyone else            nothing: a course of another school is "not found"; a course of
                       one's own school one is not enrolled in is "forbidden"
=====================  ==============================================================

Timestamps come from the ``clock`` the caller passes (the service's clock): never from the
client. A submission after the deadline is late: ``days_late`` counts started days, and the
assignment's policy gives ``penalty_percent`` (of the maximum score). After the hard close a
submission is refused.

For the grading workers: :func:`submission_files`, :func:`source_files` and the hook
:func:`on_submission` (register callbacks with :func:`register_submission_hook`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..record.errors import ValidationFailed
from ..record.models import Assignment, Course, Enrolment, Person, School
from ..service.permissions import TEACHING, Principal
from .bundles import BundleInfo, extract_bundle, inspect_bundle
from .errors import BadBundle, Conflict, Forbidden, NotFound, SubmissionsClosed, bilingual
from .models import AssignmentPolicy, Feedback, Release, SourceVersion, Submission
from .storage import Storage, sha256_of

Clock = Callable[[], dt.datetime]
DEFAULT_TZ = "Europe/Tirane"
DAY = 86400
# Unpacked bundles may be this many times the upload limit (notebooks compress well).
UNPACK_FACTOR = 4

TEACHER, STUDENT, SCHOOL_ADMIN, NATIONAL = "teacher", "student", "school-admin", "national"


# --- hooks for the grading queue ---------------------------------------------------------

SubmissionHook = Callable[[Session, Submission], None]
_submission_hooks: list[SubmissionHook] = []


def register_submission_hook(hook: SubmissionHook) -> SubmissionHook:
    """Call ``hook(session, attempt)`` for every new submission, in its transaction."""
    if hook not in _submission_hooks:
        _submission_hooks.append(hook)
    return hook


def unregister_submission_hook(hook: SubmissionHook) -> None:
    if hook in _submission_hooks:
        _submission_hooks.remove(hook)


def on_submission(session: Session, attempt: Submission) -> None:
    """Run the registered hooks for a new attempt (same transaction: a failing hook undoes it)."""
    for hook in list(_submission_hooks):
        hook(session, attempt)


# --- courses and access ------------------------------------------------------------------


@dataclass(frozen=True)
class CourseAccess:
    """A caller's standing in one course."""

    course: Course
    role: str  # teacher | student | school-admin | national
    person_id: int | None

    @property
    def teacher(self) -> bool:
        return self.role == TEACHER

    @property
    def student(self) -> bool:
        return self.role == STUDENT

    @property
    def reads_work(self) -> bool:
        """May read student work, feedback and the source version."""
        return self.role in (TEACHER, NATIONAL)

    def require_teacher(self, what: str) -> None:
        if not self.teacher:
            raise Forbidden(
                bilingual(
                    f"Vetëm mësuesit e lëndës {self.course.code} mund të {what[0]}",
                    f"only the teachers of {self.course.code} may {what[1]}",
                )
            )


def person_id(session: Session, username: str) -> int | None:
    return session.scalar(select(Person.id).where(Person.username == username))


def find_course(session: Session, principal: Principal, code: str, school: str | None = None) -> Course:
    """The course ``code`` of the caller's school (national admins: of ``school``)."""
    if not principal.national:
        if school and school != principal.school:
            raise NotFound(f"no course {code!r} that you can see")
        school = principal.school
    query = select(Course).where(Course.code == code)
    if school:
        query = query.where(Course.school_id == school)
    found = session.scalars(query).all()
    if not found:
        raise NotFound(f"no course {code!r} that you can see")
    if len(found) > 1:
        raise Conflict(f"several schools have a course {code!r}: add ?school=<school id>")
    return found[0]


def course_access(session: Session, principal: Principal, course: Course) -> CourseAccess:
    """The caller's role in ``course`` (NotFound across schools, Forbidden when not enrolled)."""
    pid = person_id(session, principal.username)
    if principal.national:
        return CourseAccess(course, NATIONAL, pid)
    if course.school_id != principal.school:
        raise NotFound(f"no course {course.code!r} that you can see")
    roles = set(
        session.scalars(select(Enrolment.role).where(Enrolment.person_id == pid, Enrolment.course_id == course.id))
    )
    if roles & set(TEACHING):
        return CourseAccess(course, TEACHER, pid)
    if "student" in roles:
        return CourseAccess(course, STUDENT, pid)
    if principal.school_admin:
        return CourseAccess(course, SCHOOL_ADMIN, pid)
    raise Forbidden(
        bilingual(
            f"Nuk jeni të regjistruar në lëndën {course.code}",
            f"you are not enrolled in the course {course.code}",
        )
    )


def open_course(session: Session, principal: Principal, code: str, school: str | None = None) -> CourseAccess:
    return course_access(session, principal, find_course(session, principal, code, school))


def my_courses(session: Session, principal: Principal) -> list[tuple[Course, str]]:
    """Courses the caller takes part in, with their role: taught and taken (admins: visible ones)."""
    pid = person_id(session, principal.username)
    out: dict[int, tuple[Course, str]] = {}
    rows = session.execute(
        select(Course, Enrolment.role)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.person_id == pid)
    ).all()
    for course, role in rows:
        mine = TEACHER if role in TEACHING else STUDENT
        if course.id not in out or mine == TEACHER:
            out[course.id] = (course, mine)
    if principal.school_admin or principal.national:
        query = select(Course) if principal.national else select(Course).where(Course.school_id == principal.school)
        for course in session.scalars(query):
            out.setdefault(course.id, (course, NATIONAL if principal.national else SCHOOL_ADMIN))
    return sorted(out.values(), key=lambda cr: (cr[0].school_id, cr[0].code))


def school_zone(session: Session, course: Course) -> ZoneInfo:
    name = session.scalar(select(School.timezone).where(School.id == course.school_id)) or DEFAULT_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def local_time(moment: dt.datetime | None, zone: ZoneInfo) -> dt.datetime | None:
    return moment.astimezone(zone) if moment is not None else None


# --- assignments and policies -------------------------------------------------------------


def find_assignment(session: Session, course: Course, name: str) -> Assignment:
    a = session.scalar(select(Assignment).where(Assignment.course_id == course.id, Assignment.name == name))
    if a is None:
        raise NotFound(
            bilingual(
                f"Detyra '{name}' nuk ekziston në lëndën {course.code}",
                f"no assignment {name!r} in the course {course.code}",
            )
        )
    return a


def ensure_assignment(session: Session, course: Course, name: str, max_score: float | None) -> Assignment:
    a = session.scalar(select(Assignment).where(Assignment.course_id == course.id, Assignment.name == name))
    if a is None:
        a = Assignment(course_id=course.id, name=name, max_score=max_score or 100.0)
        session.add(a)
        session.flush()
    elif max_score and max_score != a.max_score:
        a.max_score = max_score
    return a


def policy_of(session: Session, assignment: Assignment) -> AssignmentPolicy:
    """The assignment's policy (a default ``accept`` policy, unsaved, when none is set)."""
    p = session.scalar(select(AssignmentPolicy).where(AssignmentPolicy.assignment_id == assignment.id))
    return p or AssignmentPolicy(assignment_id=assignment.id, late_policy="accept", penalty_per_day=0.0)


def set_policy(
    session: Session,
    access: CourseAccess,
    assignment: Assignment,
    *,
    due_at: dt.datetime | None,
    late_policy: str,
    penalty_per_day: float,
    hard_close_at: dt.datetime | None,
) -> AssignmentPolicy:
    """Set the deadline and late policy (naive times are in the school's time zone)."""
    access.require_teacher(("caktojnë afatet", "set deadlines"))
    zone = school_zone(session, access.course)

    def aware(moment):
        if moment is None:
            return None
        return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(dt.UTC)

    due, close = aware(due_at), aware(hard_close_at)
    if due and close and close < due:
        raise ValidationFailed("the hard close must not be before the deadline")
    assignment.due_at = due
    policy = session.scalar(select(AssignmentPolicy).where(AssignmentPolicy.assignment_id == assignment.id))
    if policy is None:
        policy = AssignmentPolicy(assignment_id=assignment.id)
        session.add(policy)
    policy.late_policy = late_policy
    policy.penalty_per_day = penalty_per_day if late_policy == "penalty" else 0.0
    policy.hard_close_at = close
    session.flush()
    return policy


@dataclass(frozen=True)
class Lateness:
    late: bool
    seconds_late: int
    days_late: int
    penalty_percent: float


def lateness(assignment: Assignment, policy: AssignmentPolicy, now: dt.datetime) -> Lateness:
    """How late a submission at ``now`` is, and the penalty its policy gives."""
    due = assignment.due_at
    if due is None or now <= due:
        return Lateness(False, 0, 0, 0.0)
    seconds = math.ceil((now - due).total_seconds())
    days = math.ceil(seconds / DAY)
    if policy.late_policy == "zero":
        penalty = 100.0
    elif policy.late_policy == "penalty":
        penalty = min(100.0, days * (policy.penalty_per_day or 0.0))
    else:
        penalty = 0.0
    return Lateness(True, seconds, days, penalty)


def closed_message(close: dt.datetime, zone: ZoneInfo) -> str:
    when = close.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
    return bilingual(
        f"Dorëzimet për këtë detyrë u mbyllën më {when}; dorëzimi nuk u pranua. Flisni me mësuesin tuaj",
        f"Submissions for this assignment closed on {when}; your submission was not accepted. Talk to your teacher",
    )


# --- releases and source versions ---------------------------------------------------------


def _next(session: Session, column, *conditions) -> int:
    return (session.scalar(select(func.max(column)).where(*conditions)) or 0) + 1


def _store(storage: Storage, key: str, stream: BinaryIO) -> tuple[str, int, str]:
    checksum, size = sha256_of(stream)
    key = f"{key}-{checksum[:32]}.tar.gz"
    if not storage.exists(key):  # the key names the content: an existing object is this one
        storage.put(key, stream)
    return key, size, checksum


def _prefix(course: Course, assignment: Assignment) -> str:
    return f"{course.school_id}/{course.id}/{assignment.id}"


def active_release(session: Session, assignment: Assignment) -> Release | None:
    return session.scalar(
        select(Release)
        .where(Release.assignment_id == assignment.id, Release.withdrawn_at.is_(None))
        .order_by(Release.version.desc())
        .limit(1)
    )


def release_assignment(
    session: Session,
    storage: Storage,
    access: CourseAccess,
    name: str,
    stream: BinaryIO,
    *,
    username: str,
    now: dt.datetime,
    max_unpacked: int,
    force: bool = False,
    max_score: float | None = None,
) -> Release:
    """Store a new release (student version) of ``name``; refuse one with solutions or hidden tests."""
    access.require_teacher(("publikojnë detyra", "release assignments"))
    info = inspect_bundle(stream, max_unpacked=max_unpacked)
    if not info.notebooks:
        raise BadBundle(f"the release of {name!r} holds no notebook: run nbgrader generate_assignment first")
    if info.markers:
        raise BadBundle(
            f"the release of {name!r} still holds solutions or hidden tests ({', '.join(info.markers)}): "
            "release the version made by nbgrader generate_assignment (release/), never the source"
        )
    assignment = ensure_assignment(session, access.course, name, max_score)
    current = active_release(session, assignment)
    if current is not None and not force:
        raise Conflict(f"{name!r} is already released (version {current.version}): add --force to release it again")
    version = _next(session, Release.version, Release.assignment_id == assignment.id)
    key, size, checksum = _store(storage, f"{_prefix(access.course, assignment)}/release/{version}", stream)
    if current is not None:
        current.withdrawn_at = now
    release = Release(
        course_id=access.course.id,
        assignment_id=assignment.id,
        version=version,
        released_by=username,
        released_at=now,
        storage_key=key,
        checksum=checksum,
        size=size,
        notebooks=info.notebooks,
    )
    session.add(release)
    session.flush()
    return release


def withdraw_release(session: Session, access: CourseAccess, name: str, now: dt.datetime) -> Release:
    access.require_teacher(("tërheqin detyra", "withdraw assignments"))
    assignment = find_assignment(session, access.course, name)
    current = active_release(session, assignment)
    if current is None:
        raise NotFound(f"{name!r} is not released")
    current.withdrawn_at = now
    session.flush()
    return current


def upload_source(
    session: Session,
    storage: Storage,
    access: CourseAccess,
    name: str,
    stream: BinaryIO,
    *,
    username: str,
    now: dt.datetime,
    max_unpacked: int,
    max_score: float | None = None,
) -> SourceVersion:
    """Store a new source (teacher) version of ``name``: for the grading workers, never students."""
    access.require_teacher(("ngarkojnë zgjidhjet", "upload the source version"))
    inspect_bundle(stream, max_unpacked=max_unpacked)
    assignment = ensure_assignment(session, access.course, name, max_score)
    version = _next(session, SourceVersion.version, SourceVersion.assignment_id == assignment.id)
    key, size, checksum = _store(storage, f"{_prefix(access.course, assignment)}/source/{version}", stream)
    source = SourceVersion(
        course_id=access.course.id,
        assignment_id=assignment.id,
        version=version,
        uploaded_by=username,
        uploaded_at=now,
        storage_key=key,
        checksum=checksum,
        size=size,
    )
    session.add(source)
    session.flush()
    return source


def latest_source(session: Session, assignment: Assignment) -> SourceVersion | None:
    return session.scalar(
        select(SourceVersion)
        .where(SourceVersion.assignment_id == assignment.id)
        .order_by(SourceVersion.version.desc())
        .limit(1)
    )


def readable_source(session: Session, access: CourseAccess, name: str) -> SourceVersion:
    if not access.reads_work:
        raise Forbidden(
            bilingual(
                "Versioni me zgjidhje i detyrës është vetëm për mësuesit",
                "the source (solution) version is for teachers only",
            )
        )
    source = latest_source(session, find_assignment(session, access.course, name))
    if source is None:
        raise NotFound(f"no source version of {name!r} is stored")
    return source


def released_assignments(session: Session, access: CourseAccess) -> list[tuple[Assignment, Release]]:
    """Assignments with an active release (teachers and admins also see withdrawn ones' last release)."""
    rows = []
    for a in session.scalars(
        select(Assignment).where(Assignment.course_id == access.course.id).order_by(Assignment.name)
    ):
        release = active_release(session, a)
        if release is None and not access.student:
            release = session.scalar(
                select(Release).where(Release.assignment_id == a.id).order_by(Release.version.desc()).limit(1)
            )
        if release is not None:
            rows.append((a, release))
    return rows


def readable_release(session: Session, access: CourseAccess, name: str) -> Release:
    release = active_release(session, find_assignment(session, access.course, name))
    if release is None:
        raise NotFound(
            bilingual(
                f"Detyra '{name}' nuk është publikuar (ose u tërhoq)",
                f"the assignment {name!r} is not released (or was withdrawn)",
            )
        )
    return release


# --- submissions ---------------------------------------------------------------------------


def submit(
    session: Session,
    storage: Storage,
    access: CourseAccess,
    name: str,
    stream: BinaryIO,
    *,
    now: dt.datetime,
    max_unpacked: int,
) -> Submission:
    """Store a new attempt of the calling student, stamped ``now`` (the server's time)."""
    if not access.student or access.person_id is None:
        raise Forbidden(
            bilingual(
                f"Vetëm nxënësit e lëndës {access.course.code} mund të dorëzojnë",
                f"only the students of {access.course.code} may submit",
            )
        )
    release = readable_release(session, access, name)
    assignment = release.assignment
    policy = policy_of(session, assignment)
    if policy.hard_close_at is not None and now > policy.hard_close_at:
        raise SubmissionsClosed(closed_message(policy.hard_close_at, school_zone(session, access.course)))
    info: BundleInfo = inspect_bundle(stream, max_unpacked=max_unpacked)
    if not info.notebooks:
        raise BadBundle(
            bilingual(
                "Dorëzimi nuk ka asnjë fletore (.ipynb); dorëzimi juaj i mëparshëm mbetet i paprekur",
                "The submission holds no notebook (.ipynb); your previous submission is unchanged",
            )
        )
    late = lateness(assignment, policy, now)
    attempt = _next(
        session,
        Submission.attempt,
        Submission.assignment_id == assignment.id,
        Submission.student_id == access.person_id,
    )
    prefix = f"{_prefix(access.course, assignment)}/submissions/{access.person_id}/{attempt}"
    key, size, checksum = _store(storage, prefix, stream)
    row = Submission(
        course_id=access.course.id,
        assignment_id=assignment.id,
        attempt=attempt,
        student_id=access.person_id,
        submitted_at=now,
        storage_key=key,
        checksum=checksum,
        size=size,
        notebooks=info.notebooks,
        release_version=release.version,
        late=late.late,
        seconds_late=late.seconds_late,
        days_late=late.days_late,
        late_policy=policy.late_policy,
        penalty_percent=late.penalty_percent,
    )
    session.add(row)
    session.flush()
    on_submission(session, row)
    return row


def list_submissions(
    session: Session,
    access: CourseAccess,
    name: str | None = None,
    *,
    student: str | None = None,
    latest: bool = False,
) -> list[Submission]:
    """Attempts in the course (students: only their own), oldest first; ``latest``: one per student."""
    query = select(Submission).where(Submission.course_id == access.course.id)
    if access.student:
        query = query.where(Submission.student_id == access.person_id)
    elif access.role not in (TEACHER, NATIONAL, SCHOOL_ADMIN):
        raise Forbidden("you may not list submissions")
    if name is not None:
        query = query.where(Submission.assignment_id == find_assignment(session, access.course, name).id)
    if student is not None:
        query = query.where(Submission.student_id == (person_id(session, student) or -1))
    rows = list(session.scalars(query.order_by(Submission.assignment_id, Submission.student_id, Submission.attempt)))
    if latest:
        last: dict[tuple[int, int], Submission] = {}
        for row in rows:
            last[(row.assignment_id, row.student_id)] = row
        rows = list(last.values())
    return rows


def readable_submission(session: Session, principal: Principal, submission_id: int) -> tuple[Submission, CourseAccess]:
    """A submission the caller may read the files of: its student, the course's teachers, national admins."""
    row = session.get(Submission, submission_id)
    if row is None:
        raise NotFound(f"no submission {submission_id} that you can see")
    try:
        access = course_access(session, principal, row.course)
    except (NotFound, Forbidden):
        raise NotFound(f"no submission {submission_id} that you can see") from None
    if access.student and row.student_id != access.person_id:
        raise NotFound(f"no submission {submission_id} that you can see")
    if access.role == SCHOOL_ADMIN:
        raise Forbidden("school administrators see submission lists, not the students' work")
    return row, access


# --- feedback ----------------------------------------------------------------------------------


def release_feedback(
    session: Session,
    storage: Storage,
    access: CourseAccess,
    submission: Submission,
    stream: BinaryIO,
    *,
    username: str,
    now: dt.datetime,
    max_unpacked: int,
) -> Feedback:
    """Store feedback (HTML reports) on one attempt; a second release adds a version."""
    access.require_teacher(("publikojnë vlerësimet", "release feedback"))
    if submission.course_id != access.course.id:
        raise NotFound("no such submission in this course")
    info = inspect_bundle(stream, max_unpacked=max_unpacked, check_notebooks=False)
    if not info.files:
        raise BadBundle("the feedback holds no file")
    version = _next(session, Feedback.version, Feedback.submission_id == submission.id)
    prefix = f"{_prefix(access.course, submission.assignment)}/feedback/{submission.student_id}/{submission.attempt}-{version}"
    key, size, checksum = _store(storage, prefix, stream)
    row = Feedback(
        course_id=access.course.id,
        assignment_id=submission.assignment_id,
        version=version,
        student_id=submission.student_id,
        submission_id=submission.id,
        released_by=username,
        released_at=now,
        storage_key=key,
        checksum=checksum,
        size=size,
    )
    session.add(row)
    session.flush()
    return row


def list_feedback(session: Session, access: CourseAccess, name: str | None = None) -> list[Feedback]:
    """The latest feedback of each attempt (students: their own); staff who read work: all."""
    if not (access.student or access.reads_work):
        raise Forbidden("school administrators do not read feedback")
    query = select(Feedback).where(Feedback.course_id == access.course.id)
    if access.student:
        query = query.where(Feedback.student_id == access.person_id)
    if name is not None:
        query = query.where(Feedback.assignment_id == find_assignment(session, access.course, name).id)
    latest: dict[int, Feedback] = {}
    for row in session.scalars(query.order_by(Feedback.submission_id, Feedback.version)):
        latest[row.submission_id] = row
    return list(latest.values())


def readable_feedback(session: Session, principal: Principal, feedback_id: int) -> Feedback:
    row = session.get(Feedback, feedback_id)
    if row is None:
        raise NotFound(f"no feedback {feedback_id} that you can see")
    readable_submission(session, principal, row.submission_id)
    return row


# --- the grading workers' API ------------------------------------------------------------------


def _files(storage: Storage, key: str, dest: Path | None) -> bytes | Path:
    if dest is None:
        return storage.get(key)
    with storage.open(key) as fh:
        extract_bundle(fh.read(), Path(dest))
    return Path(dest)


def submission_files(session: Session, storage: Storage, attempt_id: int, dest: Path | None = None) -> bytes | Path:
    """The files of submission attempt ``attempt_id``: the tar.gz bytes, or unpacked into ``dest``."""
    row = session.get(Submission, attempt_id)
    if row is None:
        raise NotFound(f"no submission attempt {attempt_id}")
    return _files(storage, row.storage_key, dest)


def _course_assignment(session: Session, course_id: int, assignment: str | int) -> Assignment | None:
    """Assignment ``assignment`` (an id, or a name) of course ``course_id``, or None."""
    query = select(Assignment).where(Assignment.course_id == course_id)
    query = query.where(Assignment.id == assignment if isinstance(assignment, int) else Assignment.name == assignment)
    return session.scalar(query)


def source_files(
    session: Session, storage: Storage, course_id: int, assignment: str | int, dest: Path | None = None
) -> bytes | Path:
    """The latest stored source version of an assignment (by name or id) of course ``course_id``."""
    a = _course_assignment(session, course_id, assignment)
    source = latest_source(session, a) if a is not None else None
    if source is None:
        raise NotFound(f"no source version of assignment {assignment!r} in course {course_id}")
    return _files(storage, source.storage_key, dest)


def release_files(
    session: Session, storage: Storage, course_id: int, assignment: str | int, dest: Path | None = None
) -> bytes | Path:
    """The active release (student version) of an assignment, like :func:`source_files`."""
    a = _course_assignment(session, course_id, assignment)
    release = active_release(session, a) if a is not None else None
    if release is None:
        raise NotFound(f"no release of assignment {assignment!r} in course {course_id}")
    return _files(storage, release.storage_key, dest)
