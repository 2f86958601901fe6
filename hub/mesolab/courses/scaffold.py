"""A new course from a template: the course in the central record, its nbgrader material on disk.

* :func:`new_course` adds the course to the record (with its teachers and its graded
  assignments, so grades can be recorded against them) and, given ``root``, writes the
  course directory ``<root>/<code>/``;
* :func:`write_course` writes that directory: the template's assignments in the chosen
  language under ``source/<assignment>/``, an ``nbgrader_config.py`` (course id, stubs in the
  course's language, safe feedback) and ``mesolab-course.yaml`` (what the course was made
  from: kinds, points, time limits — read by the exchange and the demo).

The directory is a standard nbgrader course: ``nbgrader generate_assignment <assignment>``
run inside it makes the student version.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..record.errors import Conflict, NotFound, ValidationFailed
from ..record.models import CODE_LEN, Assignment, Course, Enrolment, Person, School
from .templates import CourseTemplate, get_template

# Course codes name folders and nbgrader course ids: letters, digits, '.', '_' and '-'.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
COURSE_FILE = "mesolab-course.yaml"

STUBS = {
    "sq": ("# SHKRUANI KODIN TUAJ KËTU\nraise NotImplementedError()", "SHKRUANI PËRGJIGJEN TUAJ KËTU"),
    "en": ("# YOUR CODE HERE\nraise NotImplementedError()", "YOUR ANSWER HERE"),
}


def check_code(code: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > CODE_LEN or not CODE_PATTERN.match(code):
        raise ValidationFailed(
            f"course code {code!r}: use 1–{CODE_LEN} letters, digits, '.', '_' or '-' (e.g. TIK-10), starting with a letter or digit"
        )
    return code


def school_year(today: dt.date | None = None) -> int:
    """The school year (its first calendar year) of ``today``: it starts in September."""
    today = today or dt.date.today()
    return today.year if today.month >= 9 else today.year - 1


def nbgrader_config_text(course_id: str, lang: str, template_id: str) -> str:
    """The ``nbgrader_config.py`` of a course made from a template."""
    code_stub, text_stub = STUBS.get(lang, STUBS["en"])
    return f'''"""nbgrader configuration of the course {course_id} (written by MësoLab from the template {template_id})."""

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}

# What students see in place of the answers
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}

# Feedback without hidden tests, their failure details or the mark schemes
try:
    from mesolab.courses.feedback import configure_feedback
except ImportError:
    import logging

    logging.getLogger("nbgrader").warning("MësoLab is not installed here: feedback would show hidden tests")
else:
    configure_feedback(c, lang={lang!r})
'''


def course_manifest(template: CourseTemplate, lang: str, course_id: str) -> dict:
    return {
        "course": course_id,
        "template": template.id,
        "lang": lang,
        "kind": template.kind,
        "assignments": [
            {
                "name": a.name(lang),
                "kind": template.kind,
                "notebooks": a.notebooks.get(lang, []),
                "auto_points": a.auto_points,
                "manual_points": a.manual_points,
                "time_limit_minutes": template.time_limit_minutes,
            }
            for a in template.assignments
        ],
    }


def write_course(
    course_dir: str | Path,
    template: CourseTemplate | str,
    lang: str,
    course_id: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the source material of ``template`` in ``lang`` into the course directory.

    An existing course directory keeps its ``nbgrader_config.py`` and gets the template's
    assignments added (this is how a template is added to a course); an assignment folder
    that exists already is an error unless ``overwrite``.
    """
    template = get_template(template) if isinstance(template, str) else template
    template.check_lang(lang)
    course_dir = Path(course_dir)
    course_id = check_code(course_id or course_dir.name)
    targets = [(template.source_dir(lang, a), course_dir / "source" / a.name(lang)) for a in template.assignments]
    for src, dst in targets:
        if not src.is_dir():
            raise NotFound(f"the template {template.id} has no folder {src.relative_to(template.path)}")
        if dst.exists() and not overwrite:
            raise Conflict(f"{dst} exists already: the course has an assignment {dst.name!r}")
    for src, dst in targets:
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst)
    config = course_dir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(nbgrader_config_text(course_id, lang, template.id), encoding="utf-8")
    manifest_path = course_dir / COURSE_FILE
    manifest = course_manifest(template, lang, course_id)
    if manifest_path.exists():
        old = yaml.safe_load(manifest_path.read_text(encoding="utf-8")) or {}
        names = {a["name"] for a in manifest["assignments"]}
        kept = [a for a in old.get("assignments", []) if a.get("name") not in names]
        manifest = {**old, "assignments": kept + manifest["assignments"]}
    manifest_path.write_text(
        "# What MësoLab made this course from; nbgrader itself does not read this file.\n"
        + yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return course_dir


def free_code(session: Session, school_id: str, base: str) -> str:
    """``base`` if the school has no course with that code, else ``base-2``, ``base-3``…"""
    taken = set(session.scalars(select(Course.code).where(Course.school_id == school_id)))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _enrol_teachers(session: Session, course: Course, teachers) -> None:
    for username in teachers:
        person = session.scalar(select(Person).where(Person.username == username))
        if person is None:
            raise ValidationFailed(f"no person {username!r} in the record")
        if person.school_id != course.school_id or person.role not in ("teacher", "trainer", "school-admin"):
            raise ValidationFailed(f"{username} is not a teacher or trainer of {course.school_id}")
        role = "trainer" if person.role == "trainer" else "teacher"
        session.add(Enrolment(person_id=person.id, course_id=course.id, role=role, active_from=dt.date.today()))


def new_course(
    session: Session,
    school_id: str,
    template_id: str,
    lang: str,
    code: str | None = None,
    name: str | None = None,
    *,
    year: int | None = None,
    term: int = 1,
    teachers: tuple[str, ...] | list[str] = (),
    root: str | Path | None = None,
    record_assignments: bool = True,
) -> Course:
    """Add a course made from ``template_id`` to the record; write its directory under ``root``.

    ``code`` defaults to the template's course code (``TIK-10``, then ``TIK-10-2``… if taken),
    ``name`` to the template's title in ``lang``. ``teachers`` (usernames) are enrolled as
    teachers (trainers as trainers). With ``record_assignments``, each graded assignment of
    the template is added to the course with its maximum score. The caller commits.
    """
    template = get_template(template_id)
    template.check_lang(lang)
    if session.get(School, school_id) is None:
        raise ValidationFailed(f"unknown school {school_id!r}")
    if code:
        code = check_code(code)
        if session.scalar(select(Course.id).where(Course.school_id == school_id, Course.code == code)):
            raise Conflict(f"school {school_id} already has a course {code!r}")
    else:
        code = free_code(session, school_id, template.course_code)
    target = Path(root) / code if root is not None else None
    if target is not None and (target / "source").is_dir() and any((target / "source").iterdir()):
        raise Conflict(f"{target} holds another course's material already")
    course = Course(
        school_id=school_id,
        code=code,
        name=(name or template.title[lang]).strip(),
        qualification_code=template.qualification_code,
        year=year or school_year(),
        term=term,
    )
    session.add(course)
    session.flush()
    _enrol_teachers(session, course, teachers)
    if record_assignments:
        for a in template.assignments:
            if a.max_score > 0:
                session.add(Assignment(course_id=course.id, name=a.name(lang), max_score=a.max_score))
    session.flush()
    if target is not None:
        write_course(target, template, lang, course_id=code)
    return course
