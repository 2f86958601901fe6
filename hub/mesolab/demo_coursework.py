"""A living demo: each demo school's course gets an assignment from a template, released,
with a few students' submissions that the hub's grading worker grades.

:func:`seed_coursework` writes the template's source material into a scratch course
directory, makes the student version with nbgrader's own ``generate_assignment``, and stores
both through the coursework exchange (as the course's first teacher would by releasing from
Formgrader). Three students of each school submit: the reference solution, a half-right
answer and an empty one. The submissions are queued for grading in the same transaction;
the grades reach the central record through the worker and the outbox. Safe to run again:
a course that already has a release is left alone.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from sqlalchemy import select

from .coursework import exchange as ex
from .coursework.bundles import pack_directory
from .coursework.models import Release
from .grading import queue as grading_queue
from .record import db
from .record.models import Course, Enrolment, Person
from .service.config import MesoLabService
from .service.permissions import Principal
from .settings import Settings

# demo course code → (template, assignment index)
DEMO_TEMPLATES = {
    "TIK-10": "tik-python-detyre",
    "ELE-10": "elektro-ohm-detyre",
    "HOT-10": "hoteleri-menu-detyre",
}
ANSWERS = ("reference", "blank", "print")
MAX_UNPACKED = 200 * 1024 * 1024


def _tgz(folder: Path) -> io.BytesIO:
    return io.BytesIO(pack_directory(folder))


def _members(session, course: Course, role: str) -> list[Person]:
    query = (
        select(Person)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .where(Enrolment.course_id == course.id, Enrolment.role == role)
        .order_by(Person.username)
    )
    return list(session.scalars(query))


def seed_coursework(settings: Settings, db_url: str) -> list[str]:
    """Release one template assignment per demo course and hand in three submissions."""
    from .courses import submissions
    from .courses.scaffold import write_course
    from .courses.templates import get_template

    # as in the service: every stored submission is queued for grading in its transaction
    ex.register_submission_hook(grading_queue.on_submission)
    import mesolab.service.app  # noqa: F401  (registers the same hooks as the running service)

    config = MesoLabService.from_settings(settings)
    storage = config.storage_class(config.storage_root)
    engine = db.make_engine(db_url)
    sessions = db.session_factory(engine)
    changes: list[str] = []
    try:
        for code, template_id in DEMO_TEMPLATES.items():
            with sessions() as session:
                course = session.scalar(select(Course).where(Course.code == code))
                if course is None:
                    continue
                if session.scalar(select(Release.id).where(Release.course_id == course.id).limit(1)):
                    continue
                teachers = _members(session, course, "teacher")
                students = _members(session, course, "student")
                school = settings.school(course.school_id)
            if not teachers or school is None:
                continue
            template = get_template(template_id)
            lang = school.language
            assignment = template.assignments[0].name(lang)
            with tempfile.TemporaryDirectory(prefix="mesolab-demo-") as tmp:
                course_dir = write_course(Path(tmp) / code, template, lang, course_id=code)
                submissions.release(course_dir, assignment)
                now = dt.datetime.now(dt.UTC)
                teacher = Principal(teachers[0].username, "user", course.school_id, "teacher")
                with db.transaction(sessions, actor=teacher.username) as session:
                    access = ex.open_course(session, teacher, code, course.school_id)
                    ex.upload_source(session, storage, access, assignment, _tgz(course_dir / "source" / assignment),
                                     username=teacher.username, now=now, max_unpacked=MAX_UNPACKED)  # fmt: skip
                    ex.release_assignment(session, storage, access, assignment,
                                          _tgz(course_dir / "release" / assignment), username=teacher.username,
                                          now=now, max_unpacked=MAX_UNPACKED)  # fmt: skip
                changes.append(f"released {code}/{assignment} from the template {template_id}")
                for person, kind in zip(students, ANSWERS, strict=False):
                    folder = submissions.submit(course_dir, assignment, person.username, kind)
                    student = Principal(person.username, "user", course.school_id, "student")
                    with db.transaction(sessions, actor=person.username) as session:
                        access = ex.open_course(session, student, code, course.school_id)
                        ex.submit(session, storage, access, assignment, _tgz(folder),
                                  now=dt.datetime.now(dt.UTC), max_unpacked=MAX_UNPACKED)  # fmt: skip
                    changes.append(f"{person.username} handed in {code}/{assignment} ({kind})")
        return changes
    finally:
        engine.dispose()
