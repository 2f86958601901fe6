"""Who may see and change learning plans, frameworks, templates and cell mappings.

==============  =============================================  ==========================================
role            sees                                           changes
==============  =============================================  ==========================================
national-admin  everything                                     frameworks; everything else too
school-admin    plans, templates and mappings of their school  templates of their school (and assigns
                (and national templates)                       them); plans of their school's students
teacher,        plans of the students of courses they teach;   reviews, notes, goals and status of those
trainer         templates of their school; mappings of their   plans; mappings of their courses
                courses
student         their own plans                                goals of their plans (done or not, new
                                                               ones) and their own attachments
==============  =============================================  ==========================================

Frameworks are public to every MësoLab user. As in the rest of the record, objects a caller
may not see answer 404 and visible objects they may not change answer 403.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from ..record.errors import Forbidden, NotFound
from ..record.models import Assignment, Course, Enrolment, Person
from ..service.permissions import TEACHING, Principal, require_admin_of
from .models import CompetencyMapping, Plan, PlanTemplate


def _own_person_id(p: Principal):
    return select(Person.id).where(Person.username == p.username).scalar_subquery()


def taught_course_ids(p: Principal):
    return (
        select(Enrolment.course_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Person.username == p.username, Enrolment.role.in_(TEACHING))
    )


def taught_student_ids(p: Principal):
    """Ids of the students enrolled in a course the caller teaches or trains."""
    return select(Enrolment.person_id).where(Enrolment.role == "student", Enrolment.course_id.in_(taught_course_ids(p)))


def plans_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.school_admin:
        return Plan.school_id == p.school
    if p.teaching:
        return (Plan.school_id == p.school) & Plan.student_id.in_(taught_student_ids(p))
    if p.student:
        return Plan.student_id == _own_person_id(p)
    return false()


def visible_plan(session: Session, p: Principal, plan_id: int) -> Plan:
    plan = session.scalar(select(Plan).where(Plan.id == plan_id, plans_visible(p)))
    if plan is None:
        raise NotFound(f"no learning plan {plan_id} that you can see")
    return plan


def is_owner(p: Principal, plan: Plan) -> bool:
    return p.student and plan.student.username == p.username


def require_staff(p: Principal, plan: Plan, what: str) -> None:
    """Teachers of the student, administrators of the school, national admins (given visibility)."""
    if p.student:
        raise Forbidden(f"students may not {what}")


def require_owner_or_staff(p: Principal, plan: Plan, what: str) -> None:
    if p.student and not is_owner(p, plan):
        raise Forbidden(f"you may {what} only in your own plan")


def templates_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.student:
        raise Forbidden("students do not use plan templates: your plan is at /plans")
    return or_(PlanTemplate.school_id == p.school, PlanTemplate.school_id.is_(None))


def visible_template(session: Session, p: Principal, template_id: int) -> PlanTemplate:
    t = session.scalar(select(PlanTemplate).where(PlanTemplate.id == template_id, templates_visible(p)))
    if t is None:
        raise NotFound(f"no plan template {template_id} that you can see")
    return t


def require_template_admin(p: Principal, school_id: str | None) -> None:
    """National templates: national admins; a school's templates: its administrators."""
    if school_id is None and not p.national:
        raise Forbidden("only national administrators manage national templates")
    require_admin_of(p, school_id, "manage plan templates")


def require_national(p: Principal, what: str) -> None:
    if not p.national:
        raise Forbidden(f"only national administrators may {what}")


def mappings_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.student:
        raise Forbidden("students may not see how assignments are mapped to competencies")
    if p.school_admin:
        courses = select(Course.id).where(Course.school_id == p.school)
    else:
        courses = taught_course_ids(p)
    return CompetencyMapping.assignment_id.in_(select(Assignment.id).where(Assignment.course_id.in_(courses)))
