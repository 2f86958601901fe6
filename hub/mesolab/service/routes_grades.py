"""Endpoints about grades: ``/grades`` (read, manual set) and ``/grades/events`` (ingestion)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import select

from ..record.errors import Forbidden, NotFound
from ..record.grades import ingest_grade_event, ingest_grade_events
from ..record.models import Assignment, Course, Grade, Person
from .deps import PagingDep, PrincipalDep, SessionDep, page
from .permissions import assignments_visible, grades_visible, require_course_staff
from .schemas import GradeEventBatch, GradeEventIn, GradeEventResult, GradeOut, GradeSet, Page, SchoolId, Username

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
IdFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def grade_out(g: Grade) -> GradeOut:
    return GradeOut(
        id=g.id,
        student_id=g.student_id,
        student=g.student.username,
        assignment_id=g.assignment_id,
        course_id=g.assignment.course_id,
        score=g.score,
        max_score=g.max_score,
        source=g.source,
        graded_at=g.graded_at,
        graded_by=g.graded_by,
        version=g.version,
        event_id=g.event_id,
    )


@router.get("/grades", response_model=Page[GradeOut], tags=["grades"], summary="List current grades")
def list_grades(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    school: Annotated[SchoolId | None, Query()] = None,
    course: IdFilter = None,
    assignment: IdFilter = None,
    student: Annotated[Username | None, Query(description="Only this student's grades.")] = None,
):
    conditions = [grades_visible(principal)]
    if school:
        courses = select(Course.id).where(Course.school_id == school)
        conditions.append(Grade.assignment_id.in_(select(Assignment.id).where(Assignment.course_id.in_(courses))))
    if course:
        conditions.append(Grade.assignment_id.in_(select(Assignment.id).where(Assignment.course_id == course)))
    if assignment:
        conditions.append(Grade.assignment_id == assignment)
    if student:
        conditions.append(Grade.student_id.in_(select(Person.id).where(Person.username == student)))
    return page(session, Grade, conditions, [Grade.assignment_id, Grade.student_id], paging, grade_out)


@router.get("/grades/{grade_id}", response_model=GradeOut, tags=["grades"], summary="One current grade")
def get_grade(grade_id: Id, session: SessionDep, principal: PrincipalDep):
    g = session.scalar(select(Grade).where(Grade.id == grade_id, grades_visible(principal)))
    if g is None:
        raise NotFound(f"no grade {grade_id} that you can see")
    return grade_out(g)


def _gradable(session, principal, assignment_id: int) -> Assignment:
    if principal.student:
        raise Forbidden("students may not record grades")
    a = session.scalar(select(Assignment).where(Assignment.id == assignment_id, assignments_visible(principal)))
    if a is None:
        raise NotFound(f"no assignment {assignment_id} that you can see")
    require_course_staff(session, principal, a.course, "record grades")
    return a


def _result(r) -> GradeEventResult:
    return GradeEventResult(
        event_id=r.event_id, outcome=r.outcome, grade=grade_out(r.grade) if r.grade is not None else None
    )


@router.post(
    "/grades",
    response_model=GradeEventResult,
    tags=["grades"],
    summary="Set a grade by hand (the course's teachers and administrators): a new version of the current grade",
)
def set_grade(body: GradeSet, session: SessionDep, principal: PrincipalDep):
    _gradable(session, principal, body.assignment_id)
    current = session.scalar(
        select(Grade.version)
        .join(Person, Person.id == Grade.student_id)
        .where(Person.username == body.student, Grade.assignment_id == body.assignment_id)
    )
    event = {
        **body.model_dump(),
        "event_id": f"manual-{uuid.uuid4()}",
        "version": (current or 0) + 1,
        "source": "manual",
        "graded_by": principal.username,
    }
    result = ingest_grade_event(session, event, principal.username)
    session.commit()
    return _result(result)


@router.post(
    "/grades/events",
    response_model=GradeEventResult,
    tags=["grades"],
    summary="Ingest one grade event, idempotently (same event_id twice is stored once; older versions never win)",
)
def post_grade_event(body: GradeEventIn, session: SessionDep, principal: PrincipalDep):
    _gradable(session, principal, body.assignment_id)
    result = ingest_grade_event(session, body.model_dump(exclude_none=True), principal.username)
    session.commit()
    return _result(result)


@router.post(
    "/grades/events/batch",
    response_model=list[GradeEventResult],
    tags=["grades"],
    summary="Ingest many grade events in one transaction (all or nothing)",
)
def post_grade_events(body: GradeEventBatch, session: SessionDep, principal: PrincipalDep):
    for assignment_id in sorted({e.assignment_id for e in body.events}):
        _gradable(session, principal, assignment_id)
    results = ingest_grade_events(session, [e.model_dump(exclude_none=True) for e in body.events], principal.username)
    session.commit()
    return [GradeEventResult(event_id=r.event_id, outcome=r.outcome) for r in results]
