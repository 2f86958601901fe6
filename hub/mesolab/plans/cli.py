"""``mesolab plans assign``: a plan from a template for every student of a course or qualification.

The template is its id, or its name (with ``--school`` for a school's template); the course
its id, ``school/CODE``, or ``CODE`` with ``--school``. Students who already have a plan for
the template's qualification are skipped, so running it again is harmless.
"""

from __future__ import annotations

from sqlalchemy import select

from ..record import db
from ..record.cli import _actor, _common, _engine
from ..record.errors import NotFound, ValidationFailed
from ..record.models import Course
from . import logic
from .models import PlanTemplate


def find_template(session, ref: str, school: str | None) -> PlanTemplate:
    if ref.isdigit():
        template = session.get(PlanTemplate, int(ref))
    else:
        same_school = PlanTemplate.school_id.is_(None) if school is None else PlanTemplate.school_id == school
        template = session.scalar(select(PlanTemplate).where(PlanTemplate.name == ref, same_school))
    if template is None:
        raise NotFound(f"no plan template {ref!r}" + (f" in {school}" if school else " (national; give --school?)"))
    return template


def find_course(session, ref: str, school: str | None) -> Course:
    if ref.isdigit():
        course = session.get(Course, int(ref))
    else:
        if "/" in ref:
            school, ref = ref.split("/", 1)
        query = select(Course).where(Course.code == ref)
        if school:
            query = query.where(Course.school_id == school)
        found = session.scalars(query).all()
        if len(found) > 1:
            raise ValidationFailed(f"several schools have a course {ref!r}: write school/{ref} or give --school")
        course = found[0] if found else None
    if course is None:
        raise NotFound(f"no course {ref!r}")
    return course


def cmd_assign(args) -> int:
    engine, _ = _engine(args)
    db.check_current(engine)
    try:
        with db.transaction(db.session_factory(engine), actor=_actor()) as session:
            template = find_template(session, args.template, args.school)
            course = find_course(session, args.course, args.school) if args.course else None
            school = args.school if args.qualification else None
            result = logic.assign_template(
                session, template, course=course, qualification=args.qualification, school=school
            )
            for username in result.created:
                print(f"plan for {username}")
            for username, why in sorted(result.skipped.items()):
                print(f"skipped {username}: {why}")
            print(f"{len(result.created)} plans created from {template.name!r}, {len(result.skipped)} skipped")
    finally:
        engine.dispose()
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("plans", help="individual learning plans: assign templates in bulk")
    sub = p.add_subparsers(dest="plans_command", metavar="ACTION")
    q = sub.add_parser("assign", help="give every student of a course or qualification a plan from a template")
    _common(q)
    q.add_argument("--template", required=True, help="template id or name")
    which = q.add_mutually_exclusive_group(required=True)
    which.add_argument("--course", help="course id, school/CODE, or CODE with --school")
    which.add_argument("--qualification", help="every student of a course of this VET qualification")
    q.add_argument("--school", help="the school of the template, course or students")
    q.set_defaults(func=cmd_assign)
