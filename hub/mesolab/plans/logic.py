"""Operations on learning plans, shared by the API, the CLI and the demo.

Plans are made from templates (:func:`create_plan`, :func:`assign_template` for every student
of a course or a qualification). The review cycle of a competency in a plan:

* the student marks a goal of the competency done, or attaches evidence: ``waiting_for_review``
  (and an ``active`` plan becomes ``in_review``);
* a teacher reviews it without approving (a comment, maybe a rating): ``in_review``;
* a teacher approves it (with a rating): ``reviewed``. When no competency of the plan is
  waiting or in review any more, an ``in_review`` plan is ``active`` again.

Functions change the session's objects and flush; callers commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..record.errors import Conflict, ValidationFailed
from ..record.models import Course, Enrolment, Person, utcnow
from .models import (
    MAX_ATTACHMENT_BYTES,
    Competency,
    Evidence,
    Framework,
    Goal,
    Plan,
    PlanCompetency,
    PlanTemplate,
    Review,
)

OPEN_REVIEW = ("waiting_for_review", "in_review")


# --- frameworks and templates -------------------------------------------------------------


def framework_codes(framework: Framework) -> dict[str, Competency]:
    return {c.code: c for c in framework.competencies}


def check_template_content(framework: Framework, competencies: list[dict], goals: list[dict]) -> None:
    """Refuse template content naming competencies the framework does not have, or bad targets."""
    codes = framework_codes(framework)
    top = framework.max_level
    seen = set()
    for item in competencies:
        code = item["code"]
        if code not in codes:
            raise ValidationFailed(f"framework {framework.qualification_code} has no competency {code!r}")
        if code in seen:
            raise ValidationFailed(f"competency {code!r} is listed twice")
        seen.add(code)
        if not 0 <= int(item.get("target", 3)) <= top:
            raise ValidationFailed(f"target of {code!r} must be between 0 and {top}")
    for goal in goals:
        code = goal.get("competency")
        if code is not None and code not in seen:
            raise ValidationFailed(f"goal {goal['title']!r} names competency {code!r}, which is not in the template")


def find_framework(session: Session, qualification_code: str) -> Framework | None:
    return session.scalar(select(Framework).where(Framework.qualification_code == qualification_code))


# --- making plans -------------------------------------------------------------------------


def create_plan(
    session: Session,
    student: Person,
    template: PlanTemplate,
    course_id: int | None = None,
    status: str = "active",
    today: dt.date | None = None,
) -> Plan:
    """A new plan of ``student`` from ``template`` (Conflict if they have one for its framework)."""
    if student.role != "student" or not student.school_id:
        raise ValidationFailed(f"{student.username} is not a student")
    if template.school_id is not None and template.school_id != student.school_id:
        raise ValidationFailed(f"template {template.name!r} belongs to {template.school_id}, not {student.school_id}")
    exists = session.scalar(
        select(Plan.id).where(Plan.student_id == student.id, Plan.framework_id == template.framework_id)
    )
    if exists:
        raise Conflict(f"{student.username} already has a plan for this qualification (plan {exists})")
    framework = session.get(Framework, template.framework_id)
    codes = framework_codes(framework)
    plan = Plan(
        student_id=student.id,
        school_id=student.school_id,
        framework_id=framework.id,
        template_id=template.id,
        course_id=course_id,
        title=template.name,
        status=status,
    )
    session.add(plan)
    session.flush()
    by_code: dict[str, PlanCompetency] = {}
    for n, item in enumerate(template.competencies or []):
        pc = PlanCompetency(
            plan_id=plan.id,
            competency_id=codes[item["code"]].id,
            position=n,
            target=int(item.get("target", 3)),
            review_status="idle",
        )
        session.add(pc)
        by_code[item["code"]] = pc
    session.flush()
    start = today or dt.date.today()
    for goal in template.goals or []:
        days = goal.get("due_in_days")
        pc = by_code.get(goal.get("competency") or "")
        session.add(
            Goal(
                plan_id=plan.id,
                plan_competency_id=pc.id if pc else None,
                title=goal["title"],
                due_on=start + dt.timedelta(days=int(days)) if days is not None else None,
                done=False,
            )
        )
    session.flush()
    session.expire(plan, ["competencies", "goals"])
    return plan


@dataclass
class AssignResult:
    """What a bulk assignment did: plans created, and students skipped (with the reason)."""

    created: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    plan_ids: list[int] = field(default_factory=list)


def students_of(
    session: Session, course: Course | None = None, qualification: str | None = None, school: str | None = None
) -> list[tuple[Person, int]]:
    """``(student, course id)`` of every student enrolled in ``course``, or in any course of
    ``qualification`` (optionally of one ``school``), each student once."""
    query = (
        select(Person, Enrolment.course_id)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.role == "student", Person.role == "student", Person.active.is_(True))
        .order_by(Person.username, Enrolment.course_id)
    )
    if course is not None:
        query = query.where(Course.id == course.id)
    if qualification is not None:
        query = query.where(Course.qualification_code == qualification)
    if school is not None:
        query = query.where(Course.school_id == school)
    seen: dict[str, tuple[Person, int]] = {}
    for person, course_id in session.execute(query):
        seen.setdefault(person.username, (person, course_id))
    return list(seen.values())


def assign_template(
    session: Session,
    template: PlanTemplate,
    course: Course | None = None,
    qualification: str | None = None,
    school: str | None = None,
    today: dt.date | None = None,
) -> AssignResult:
    """A plan from ``template`` for every student of ``course`` or ``qualification``.

    Idempotent: students who already have a plan for the template's framework are skipped.
    A school's template only reaches the students of that school.
    """
    if (course is None) == (qualification is None):
        raise ValidationFailed("give exactly one of a course or a qualification")
    if template.school_id is not None:
        school = template.school_id
    result = AssignResult()
    for student, course_id in students_of(session, course, qualification, school):
        if template.school_id is not None and student.school_id != template.school_id:
            result.skipped[student.username] = "another school"
            continue
        exists = session.scalar(
            select(Plan.id).where(Plan.student_id == student.id, Plan.framework_id == template.framework_id)
        )
        if exists:
            result.skipped[student.username] = f"already has plan {exists}"
            continue
        plan = create_plan(session, student, template, course_id=course_id, today=today)
        result.created.append(student.username)
        result.plan_ids.append(plan.id)
    return result


# --- the review cycle ---------------------------------------------------------------------


def _ask_review(plan: Plan, pc: PlanCompetency) -> None:
    pc.review_status = "waiting_for_review"
    if plan.status == "active":
        plan.status = "in_review"


def refresh_plan_status(session: Session, plan: Plan) -> None:
    """An ``in_review`` plan with nothing left to review is ``active`` again."""
    session.flush()
    pending = session.scalar(
        select(PlanCompetency.id)
        .where(PlanCompetency.plan_id == plan.id, PlanCompetency.review_status.in_(OPEN_REVIEW))
        .limit(1)
    )
    if plan.status == "in_review" and pending is None:
        plan.status = "active"
    session.flush()


def set_goal(session: Session, plan: Plan, goal: Goal, done: bool) -> Goal:
    """Mark a goal done (its competency then waits for review) or not done."""
    if goal.done == done:
        return goal
    goal.done = done
    goal.done_at = utcnow() if done else None
    if done and goal.plan_competency_id is not None:
        _ask_review(plan, session.get(PlanCompetency, goal.plan_competency_id))
    session.flush()
    return goal


def add_evidence(
    session: Session,
    plan: Plan,
    pc: PlanCompetency,
    kind: str,
    title: str,
    actor: str,
    reference: str = "",
    text: str = "",
    filename: str | None = None,
    content: bytes | None = None,
    content_type: str | None = None,
    score: float | None = None,
    max_score: float | None = None,
) -> Evidence:
    """Add evidence; an attachment makes the competency wait for review."""
    if content is not None and len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed(
            f"the file is {len(content) // 1024} KiB; at most {MAX_ATTACHMENT_BYTES // 1024} KiB can be attached"
        )
    evidence = Evidence(
        plan_id=plan.id,
        plan_competency_id=pc.id,
        kind=kind,
        title=title,
        reference=reference,
        text=text,
        filename=filename,
        content_type=content_type,
        size=len(content) if content is not None else 0,
        content=content,
        score=score,
        max_score=max_score,
        created_by=actor,
    )
    session.add(evidence)
    if kind == "attachment":
        _ask_review(plan, pc)
    session.flush()
    session.expire(pc, ["evidence"])
    return evidence


def review(
    session: Session,
    plan: Plan,
    pc: PlanCompetency,
    reviewer: str,
    rating: int | None = None,
    comment: str = "",
    approved: bool = False,
) -> Review:
    """A teacher's review: sets the rating if given; approved → ``reviewed``, else ``in_review``."""
    top = plan.framework.max_level
    if rating is not None and not 0 <= rating <= top:
        raise ValidationFailed(f"rating must be between 0 and {top}")
    if approved and rating is None and pc.rating is None:
        raise ValidationFailed("give a rating to approve a competency")
    row = Review(plan_competency_id=pc.id, reviewer=reviewer, rating=rating, comment=comment, approved=approved)
    session.add(row)
    if rating is not None:
        pc.rating = rating
    pc.review_status = "reviewed" if approved else "in_review"
    refresh_plan_status(session, plan)
    session.expire(pc, ["reviews"])
    return row
