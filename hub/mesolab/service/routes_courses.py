"""Endpoints about teaching: ``/courses``, ``/enrolments``, ``/assignments``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import or_, select

from ..record.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..record.models import Assignment, Course, Enrolment, Person, School
from .deps import PagingDep, PrincipalDep, SessionDep, page
from .permissions import (
    assignments_visible,
    courses_visible,
    enrolments_visible,
    people_visible,
    require_admin_of,
    require_course_staff,
)
from .schemas import (
    AssignmentCreate,
    AssignmentOut,
    AssignmentUpdate,
    Code,
    CourseCreate,
    CourseOut,
    CourseUpdate,
    EnrolmentCreate,
    EnrolmentOut,
    EnrolmentRole,
    EnrolmentUpdate,
    Page,
    SchoolId,
    Term,
    Username,
    Year,
)

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
IdFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


# --- courses ------------------------------------------------------------------------------


def visible_course(session, principal, course_id: int) -> Course:
    course = session.scalar(select(Course).where(Course.id == course_id, courses_visible(principal)))
    if course is None:
        raise NotFound(f"no course {course_id} that you can see")
    return course


@router.get("/courses", response_model=Page[CourseOut], tags=["courses"], summary="List courses")
def list_courses(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    school: Annotated[SchoolId | None, Query(description="Only courses of this school.")] = None,
    year: Annotated[Year | None, Query(description="Only this school year (its first calendar year).")] = None,
    term: Annotated[Term | None, Query()] = None,
    qualification: Annotated[Code | None, Query(description="Only this VET qualification code.")] = None,
    teacher: Annotated[Username | None, Query(description="Only courses this person teaches or trains.")] = None,
    student: Annotated[Username | None, Query(description="Only courses this person takes.")] = None,
):
    conditions = [courses_visible(principal)]
    if school:
        conditions.append(Course.school_id == school)
    if year:
        conditions.append(Course.year == year)
    if term:
        conditions.append(Course.term == term)
    if qualification:
        conditions.append(Course.qualification_code == qualification)
    for who, roles in ((teacher, ("teacher", "trainer")), (student, ("student",))):
        if who:
            conditions.append(
                Course.id.in_(
                    select(Enrolment.course_id)
                    .join(Person, Person.id == Enrolment.person_id)
                    .where(Person.username == who, Enrolment.role.in_(roles))
                )
            )
    return page(session, Course, conditions, [Course.school_id, Course.code], paging)


@router.get("/courses/{course_id}", response_model=CourseOut, tags=["courses"], summary="One course")
def get_course(course_id: Id, session: SessionDep, principal: PrincipalDep):
    return visible_course(session, principal, course_id)


@router.post(
    "/courses",
    response_model=CourseOut,
    status_code=201,
    tags=["courses"],
    summary="Add a course (administrators; teachers and trainers in their own school, who then teach it)",
)
def create_course(body: CourseCreate, session: SessionDep, principal: PrincipalDep):
    teaching = principal.teaching and principal.school == body.school_id
    if not teaching:
        require_admin_of(principal, body.school_id, "add courses")
    if session.get(School, body.school_id) is None:
        raise ValidationFailed(f"unknown school {body.school_id!r}")
    if session.scalar(select(Course.id).where(Course.school_id == body.school_id, Course.code == body.code)):
        raise Conflict(f"school {body.school_id} already has a course {body.code!r}")
    course = Course(**body.model_dump())
    session.add(course)
    if teaching:
        # the teacher who makes a course teaches it (and sees it in the exchange and Formgrader)
        session.flush()
        person = session.scalar(select(Person).where(Person.username == principal.username))
        if person is None:
            raise ValidationFailed(f"{principal.username} is not in the central record yet")
        role = "trainer" if principal.role == "trainer" else "teacher"
        session.add(Enrolment(person_id=person.id, course_id=course.id, role=role, active_from=dt.date.today()))
    session.commit()
    return course


@router.patch(
    "/courses/{course_id}", response_model=CourseOut, tags=["courses"], summary="Change a course (administrators)"
)
def update_course(course_id: Id, body: CourseUpdate, session: SessionDep, principal: PrincipalDep):
    course = visible_course(session, principal, course_id)
    require_admin_of(principal, course.school_id, "change courses")
    for key, value in body.model_dump(exclude_unset=True).items():
        if value is None:
            raise ValidationFailed(f"{key} cannot be empty")
        setattr(course, key, value)
    session.commit()
    return course


# --- enrolments ---------------------------------------------------------------------------


def enrolment_out(e: Enrolment) -> EnrolmentOut:
    return EnrolmentOut(
        id=e.id,
        person_id=e.person_id,
        username=e.person.username,
        course_id=e.course_id,
        course_code=e.course.code,
        school_id=e.course.school_id,
        role=e.role,
        active_from=e.active_from,
        active_until=e.active_until,
    )


@router.get("/enrolments", response_model=Page[EnrolmentOut], tags=["enrolments"], summary="List enrolments")
def list_enrolments(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    school: Annotated[SchoolId | None, Query()] = None,
    course: IdFilter = None,
    person: Annotated[Username | None, Query(description="Only this person's enrolments.")] = None,
    role: Annotated[EnrolmentRole | None, Query()] = None,
    active_on: Annotated[dt.date | None, Query(description="Only enrolments active on this day.")] = None,
):
    conditions = [enrolments_visible(principal)]
    if school:
        conditions.append(Enrolment.course_id.in_(select(Course.id).where(Course.school_id == school)))
    if course:
        conditions.append(Enrolment.course_id == course)
    if person:
        conditions.append(Enrolment.person_id.in_(select(Person.id).where(Person.username == person)))
    if role:
        conditions.append(Enrolment.role == role)
    if active_on:
        conditions.append(Enrolment.active_from <= active_on)
        conditions.append(or_(Enrolment.active_until.is_(None), Enrolment.active_until >= active_on))
    return page(session, Enrolment, conditions, [Enrolment.id], paging, enrolment_out)


def visible_enrolment(session, principal, enrolment_id: int) -> Enrolment:
    e = session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id, enrolments_visible(principal)))
    if e is None:
        raise NotFound(f"no enrolment {enrolment_id} that you can see")
    return e


@router.get("/enrolments/{enrolment_id}", response_model=EnrolmentOut, tags=["enrolments"], summary="One enrolment")
def get_enrolment(enrolment_id: Id, session: SessionDep, principal: PrincipalDep):
    return enrolment_out(visible_enrolment(session, principal, enrolment_id))


def _check_dates(start: dt.date, until: dt.date | None) -> None:
    if until is not None and until < start:
        raise ValidationFailed(f"active_until ({until}) is before active_from ({start})")


@router.post(
    "/enrolments",
    response_model=EnrolmentOut,
    status_code=201,
    tags=["enrolments"],
    summary="Enrol someone (administrators)",
)
def create_enrolment(body: EnrolmentCreate, session: SessionDep, principal: PrincipalDep):
    course = visible_course(session, principal, body.course_id)
    require_admin_of(principal, course.school_id, "enrol people")
    person = session.scalar(select(Person).where(Person.username == body.username, people_visible(principal)))
    if person is None:
        raise ValidationFailed(f"no person {body.username!r} in the record")
    if person.school_id != course.school_id:
        raise ValidationFailed(f"{person.username} belongs to {person.school_id}, the course to {course.school_id}")
    if (body.role == "student") != (person.role == "student"):
        raise ValidationFailed(f"{person.username} is a {person.role} and cannot be enrolled as {body.role}")
    _check_dates(body.active_from, body.active_until)
    exists = session.scalar(
        select(Enrolment.id).where(
            Enrolment.person_id == person.id, Enrolment.course_id == course.id, Enrolment.role == body.role
        )
    )
    if exists:
        raise Conflict(f"{person.username} is already enrolled in {course.code} as {body.role} (enrolment {exists})")
    e = Enrolment(
        person_id=person.id,
        course_id=course.id,
        role=body.role,
        active_from=body.active_from,
        active_until=body.active_until,
    )
    session.add(e)
    session.commit()
    return enrolment_out(session.get(Enrolment, e.id))


@router.patch(
    "/enrolments/{enrolment_id}",
    response_model=EnrolmentOut,
    tags=["enrolments"],
    summary="Change dates (administrators)",
)
def update_enrolment(enrolment_id: Id, body: EnrolmentUpdate, session: SessionDep, principal: PrincipalDep):
    e = visible_enrolment(session, principal, enrolment_id)
    require_admin_of(principal, e.course.school_id, "change enrolments")
    changes = body.model_dump(exclude_unset=True)
    if "active_from" in changes and changes["active_from"] is None:
        raise ValidationFailed("active_from cannot be empty")
    start = changes.get("active_from", e.active_from)
    until = changes["active_until"] if "active_until" in changes else e.active_until
    _check_dates(start, until)
    e.active_from, e.active_until = start, until
    session.commit()
    return enrolment_out(e)


# --- assignments --------------------------------------------------------------------------


@router.get("/assignments", response_model=Page[AssignmentOut], tags=["assignments"], summary="List assignments")
def list_assignments(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    school: Annotated[SchoolId | None, Query()] = None,
    course: IdFilter = None,
    due_before: Annotated[dt.datetime | None, Query(description="Only assignments due before this time.")] = None,
):
    conditions = [assignments_visible(principal)]
    if school:
        conditions.append(Assignment.course_id.in_(select(Course.id).where(Course.school_id == school)))
    if course:
        conditions.append(Assignment.course_id == course)
    if due_before:
        conditions.append(Assignment.due_at < due_before)
    return page(session, Assignment, conditions, [Assignment.course_id, Assignment.id], paging)


def visible_assignment(session, principal, assignment_id: int) -> Assignment:
    a = session.scalar(select(Assignment).where(Assignment.id == assignment_id, assignments_visible(principal)))
    if a is None:
        raise NotFound(f"no assignment {assignment_id} that you can see")
    return a


@router.get(
    "/assignments/{assignment_id}", response_model=AssignmentOut, tags=["assignments"], summary="One assignment"
)
def get_assignment(assignment_id: Id, session: SessionDep, principal: PrincipalDep):
    return visible_assignment(session, principal, assignment_id)


@router.post(
    "/assignments",
    response_model=AssignmentOut,
    status_code=201,
    tags=["assignments"],
    summary="Add an assignment (the course's teachers and administrators)",
)
def create_assignment(body: AssignmentCreate, session: SessionDep, principal: PrincipalDep):
    if principal.student:
        raise Forbidden("students may not add assignments")
    course = visible_course(session, principal, body.course_id)
    require_course_staff(session, principal, course, "add assignments")
    if session.scalar(select(Assignment.id).where(Assignment.course_id == course.id, Assignment.name == body.name)):
        raise Conflict(f"course {course.code} already has an assignment named {body.name!r}")
    a = Assignment(**body.model_dump())
    session.add(a)
    session.commit()
    return a


@router.patch(
    "/assignments/{assignment_id}",
    response_model=AssignmentOut,
    tags=["assignments"],
    summary="Change an assignment (the course's teachers and administrators)",
)
def update_assignment(assignment_id: Id, body: AssignmentUpdate, session: SessionDep, principal: PrincipalDep):
    a = visible_assignment(session, principal, assignment_id)
    if principal.student:
        raise Forbidden("students may not change assignments")
    require_course_staff(session, principal, a.course, "change assignments")
    for key, value in body.model_dump(exclude_unset=True).items():
        if value is None and key != "due_at":
            raise ValidationFailed(f"{key} cannot be empty")
        setattr(a, key, value)
    session.commit()
    return a
