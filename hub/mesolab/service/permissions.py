"""What a caller may see and change, derived from their hub groups.

The hub tells who is calling and their groups; :func:`mesolab.tenancy.membership_from_groups`
turns the groups into a school and a role. From there:

==============  ===========================================  ============================================
role            sees                                         changes
==============  ===========================================  ============================================
national-admin  everything                                   everything
school-admin    everything of their school, its audit log    people, courses, enrolments, assignments,
                                                             grades of their school; imports for it
teacher,        people, courses, enrolments, assignments     assignments and grades of the courses they
trainer         of their school; grades of courses they      teach
                teach
student         their own person, enrolments and grades;     nothing
                the courses and assignments they take
==============  ===========================================  ============================================

Objects a caller may not see answer 404 (their existence is not revealed); visible objects
the caller may not change answer 403. A hub service acts as a national administrator when
it is listed in ``MesoLabService.trusted_services``, and is refused otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from ..record.errors import Forbidden
from ..record.models import Assignment, AuditEntry, Course, Enrolment, Grade, Person
from ..tenancy import NATIONAL_ADMIN, membership_from_groups

TEACHING = ("teacher", "trainer")


@dataclass(frozen=True)
class Principal:
    """The caller: hub name, kind (user or service), school and MësoLab role."""

    username: str
    kind: str
    school: str | None
    role: str | None

    @property
    def national(self) -> bool:
        return self.role == NATIONAL_ADMIN

    @property
    def school_admin(self) -> bool:
        return self.role == "school-admin"

    @property
    def teaching(self) -> bool:
        return self.role in TEACHING

    @property
    def student(self) -> bool:
        return self.role == "student"


def principal_from_user(user: dict, trusted_services=(), grader_services=()) -> Principal:
    """The :class:`Principal` for a hub user (or service) model.

    Grading workers (``grader_services``) get no role: they may use the ``/grading`` worker
    endpoints, which check for them by name, and nothing else."""
    name = user.get("name") or ""
    kind = user.get("kind") or "user"
    if kind == "service":
        if name in trusted_services:
            return Principal(name, kind, None, NATIONAL_ADMIN)
        if name in grader_services:
            return Principal(name, kind, None, None)
        raise Forbidden(f"the hub service {name!r} is not trusted by MësoLab (see MesoLabService.trusted_services)")
    school, role = membership_from_groups(user.get("groups") or [])
    if role is None:
        raise Forbidden(
            f"your hub account {name!r} has no MësoLab role (no school or role group): ask your school's administrator to add you"
        )
    return Principal(name, kind, school, role)


# --- what a caller may see: WHERE clauses -------------------------------------------------


def _own_person_id(p: Principal):
    return select(Person.id).where(Person.username == p.username).scalar_subquery()


def _taught_course_ids(p: Principal):
    return (
        select(Enrolment.course_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Person.username == p.username, Enrolment.role.in_(TEACHING))
    )


def _taken_course_ids(p: Principal):
    return (
        select(Enrolment.course_id)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Person.username == p.username, Enrolment.role == "student")
    )


def _school_course_ids(p: Principal):
    return select(Course.id).where(Course.school_id == p.school)


def schools_visible(p: Principal, school_column) -> ColumnElement[bool]:
    return true() if p.national else school_column == p.school


def people_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.student:
        return Person.username == p.username
    return Person.school_id == p.school


def courses_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.student:
        return Course.id.in_(_taken_course_ids(p))
    return Course.school_id == p.school


def enrolments_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.student:
        return Enrolment.person_id == _own_person_id(p)
    return Enrolment.course_id.in_(_school_course_ids(p))


def assignments_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.student:
        return Assignment.course_id.in_(_taken_course_ids(p))
    return Assignment.course_id.in_(_school_course_ids(p))


def grades_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.student:
        return Grade.student_id == _own_person_id(p)
    courses = _school_course_ids(p) if p.school_admin else _taught_course_ids(p)
    return Grade.assignment_id.in_(select(Assignment.id).where(Assignment.course_id.in_(courses)))


def audit_visible(p: Principal) -> ColumnElement[bool]:
    if p.national:
        return true()
    if p.school_admin:
        return AuditEntry.school_id == p.school
    raise Forbidden("only national and school administrators may read the audit log")


# --- what a caller may change ------------------------------------------------------------


def require_admin_of(p: Principal, school_id: str | None, what: str) -> None:
    """National admins anywhere; school admins in their own school."""
    if p.national:
        return
    if p.school_admin and school_id is not None and school_id == p.school:
        return
    if p.school_admin:
        raise Forbidden(f"you may {what} only in your school ({p.school})")
    raise Forbidden(f"only administrators may {what}")


def teaches(session: Session, p: Principal, course_id: int) -> bool:
    return (
        session.scalar(
            select(Enrolment.id)
            .join(Person, Person.id == Enrolment.person_id)
            .where(Person.username == p.username, Enrolment.course_id == course_id, Enrolment.role.in_(TEACHING))
            .limit(1)
        )
        is not None
    )


def require_course_staff(session: Session, p: Principal, course: Course, what: str) -> None:
    """Administrators of the course's school, or a teacher or trainer of the course."""
    if p.national or (p.school_admin and course.school_id == p.school):
        return
    if p.teaching and course.school_id == p.school and teaches(session, p, course.id):
        return
    if p.teaching:
        raise Forbidden(f"you may {what} only in courses you teach ({course.code} is not one of them)")
    raise Forbidden(f"you may not {what}")


def import_scope(p: Principal) -> set[str] | None:
    """Schools a caller may import into (None: every school)."""
    if p.national:
        return None
    if p.school_admin and p.school:
        return {p.school}
    raise Forbidden("only national and school administrators may import people and enrolments")
