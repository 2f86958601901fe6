"""Endpoints of individual learning plans: ``/frameworks``, ``/plan-templates`` and ``/plans``.

Who may do what is in :mod:`mesolab.plans.access`; the review cycle in :mod:`mesolab.plans.logic`.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from ..plans import access, logic
from ..plans.models import (
    Competency,
    CompetencyMapping,
    Evidence,
    Framework,
    Goal,
    Plan,
    PlanCompetency,
    PlanTemplate,
)
from ..plans.schemas import (
    AssignIn,
    AssignOut,
    CompetencyIn,
    CompetencyOut,
    CompetencyUpdate,
    EvidenceCreate,
    EvidenceOut,
    FrameworkCreate,
    FrameworkOut,
    FrameworkUpdate,
    GoalCreate,
    GoalOut,
    GoalUpdate,
    MappingCreate,
    MappingOut,
    OverviewOut,
    PlanCompetencyOut,
    PlanCreate,
    PlanOut,
    PlanStatus,
    PlanSummary,
    PlanUpdate,
    ReviewCreate,
    ReviewOut,
    TemplateCreate,
    TemplateOut,
    TemplateUpdate,
)
from ..record.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..record.models import Assignment, Enrolment, Person, School
from .deps import PagingDep, PrincipalDep, SessionDep, page
from .permissions import assignments_visible, people_visible, require_admin_of, require_course_staff
from .routes_courses import visible_course
from .schemas import Code, Page, Username

router = APIRouter()
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
IdFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
FRAMEWORKS, TEMPLATES, PLANS = ["competency frameworks"], ["plan templates"], ["learning plans"]


def _changes(body) -> dict:
    """The fields a PATCH body sets; a field set to null is refused (422)."""
    changes = body.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None:
            raise ValidationFailed(f"{key} cannot be empty")
    return changes


def _update(row, changes: dict) -> None:
    """Set the changed fields (from :func:`_changes`) on ``row``."""
    for key, value in changes.items():
        setattr(row, key, value)


# --- frameworks ---------------------------------------------------------------------------


def _framework(session, framework_id: int) -> Framework:
    f = session.get(Framework, framework_id)
    if f is None:
        raise NotFound(f"no competency framework {framework_id}")
    return f


def _add_competency(session, framework: Framework, body: CompetencyIn) -> Competency:
    if session.scalar(
        select(Competency.id).where(Competency.framework_id == framework.id, Competency.code == body.code)
    ):
        raise Conflict(f"framework {framework.qualification_code} already has a competency {body.code!r}")
    c = Competency(framework_id=framework.id, **body.model_dump())
    session.add(c)
    session.flush()
    return c


@router.get("/frameworks", response_model=Page[FrameworkOut], tags=FRAMEWORKS, summary="List competency frameworks")
def list_frameworks(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    qualification: Annotated[Code | None, Query(description="Only this VET qualification code.")] = None,
):
    conditions = [Framework.qualification_code == qualification] if qualification else []
    return page(session, Framework, conditions, [Framework.qualification_code], paging)


@router.get("/frameworks/{framework_id}", response_model=FrameworkOut, tags=FRAMEWORKS, summary="One framework")
def get_framework(framework_id: Id, session: SessionDep, principal: PrincipalDep):
    return _framework(session, framework_id)


@router.post(
    "/frameworks",
    response_model=FrameworkOut,
    status_code=201,
    tags=FRAMEWORKS,
    summary="Add a framework for a qualification (national administrators)",
)
def create_framework(body: FrameworkCreate, session: SessionDep, principal: PrincipalDep):
    access.require_national(principal, "manage competency frameworks")
    if logic.find_framework(session, body.qualification_code):
        raise Conflict(f"qualification {body.qualification_code} already has a framework")
    values = body.model_dump(exclude={"competencies", "scale"})
    f = Framework(**values)
    if body.scale is not None:
        f.scale = [s.model_dump() for s in body.scale]
    session.add(f)
    session.flush()
    for c in body.competencies:
        _add_competency(session, f, c)
    session.commit()
    session.refresh(f)
    return f


@router.patch(
    "/frameworks/{framework_id}",
    response_model=FrameworkOut,
    tags=FRAMEWORKS,
    summary="Change a framework's names or scale (national administrators)",
)
def update_framework(framework_id: Id, body: FrameworkUpdate, session: SessionDep, principal: PrincipalDep):
    f = _framework(session, framework_id)
    access.require_national(principal, "manage competency frameworks")
    _update(f, _changes(body))
    session.commit()
    return f


@router.post(
    "/frameworks/{framework_id}/competencies",
    response_model=CompetencyOut,
    status_code=201,
    tags=FRAMEWORKS,
    summary="Add a competency (national administrators)",
)
def create_competency(framework_id: Id, body: CompetencyIn, session: SessionDep, principal: PrincipalDep):
    f = _framework(session, framework_id)
    access.require_national(principal, "manage competency frameworks")
    c = _add_competency(session, f, body)
    session.commit()
    return c


@router.patch(
    "/frameworks/{framework_id}/competencies/{competency_id}",
    response_model=CompetencyOut,
    tags=FRAMEWORKS,
    summary="Change a competency's titles, description or position (national administrators)",
)
def update_competency(
    framework_id: Id, competency_id: Id, body: CompetencyUpdate, session: SessionDep, principal: PrincipalDep
):
    c = session.get(Competency, competency_id)
    if c is None or c.framework_id != framework_id:
        raise NotFound(f"framework {framework_id} has no competency {competency_id}")
    access.require_national(principal, "manage competency frameworks")
    _update(c, _changes(body))
    session.commit()
    return c


# --- plan templates -----------------------------------------------------------------------


def template_out(t: PlanTemplate) -> TemplateOut:
    return TemplateOut(
        id=t.id,
        school_id=t.school_id,
        framework_id=t.framework_id,
        qualification_code=t.framework.qualification_code,
        name=t.name,
        description=t.description,
        competencies=t.competencies,
        goals=t.goals,
    )


@router.get("/plan-templates", response_model=Page[TemplateOut], tags=TEMPLATES, summary="List plan templates")
def list_templates(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    qualification: Annotated[Code | None, Query(description="Only templates of this qualification.")] = None,
):
    conditions = [access.templates_visible(principal)]
    if qualification:
        conditions.append(
            PlanTemplate.framework_id.in_(select(Framework.id).where(Framework.qualification_code == qualification))
        )
    return page(session, PlanTemplate, conditions, [PlanTemplate.id], paging, template_out)


@router.get("/plan-templates/{template_id}", response_model=TemplateOut, tags=TEMPLATES, summary="One template")
def get_template(template_id: Id, session: SessionDep, principal: PrincipalDep):
    return template_out(access.visible_template(session, principal, template_id))


@router.post(
    "/plan-templates",
    response_model=TemplateOut,
    status_code=201,
    tags=TEMPLATES,
    summary="Add a template (administrators of its school; national admins for national templates)",
)
def create_template(body: TemplateCreate, session: SessionDep, principal: PrincipalDep):
    if principal.student:
        raise Forbidden("students may not manage plan templates")
    access.require_template_admin(principal, body.school_id)
    if body.school_id is not None and session.get(School, body.school_id) is None:
        raise ValidationFailed(f"unknown school {body.school_id!r}")
    framework = logic.find_framework(session, body.qualification_code)
    if framework is None:
        raise ValidationFailed(f"qualification {body.qualification_code} has no competency framework")
    content = body.model_dump(include={"competencies", "goals"})
    logic.check_template_content(framework, content["competencies"], content["goals"])
    exists = select(PlanTemplate.id).where(PlanTemplate.school_id == body.school_id, PlanTemplate.name == body.name)
    if session.scalar(exists):
        raise Conflict(f"there is already a template named {body.name!r}")
    t = PlanTemplate(
        school_id=body.school_id, framework_id=framework.id, name=body.name, description=body.description, **content
    )
    session.add(t)
    session.commit()
    return template_out(session.get(PlanTemplate, t.id))


@router.patch("/plan-templates/{template_id}", response_model=TemplateOut, tags=TEMPLATES, summary="Change a template")
def update_template(template_id: Id, body: TemplateUpdate, session: SessionDep, principal: PrincipalDep):
    t = access.visible_template(session, principal, template_id)
    access.require_template_admin(principal, t.school_id)
    changes = _changes(body)
    competencies = changes.get("competencies", t.competencies)
    goals = changes.get("goals", t.goals)
    logic.check_template_content(t.framework, competencies, goals)
    _update(t, changes)
    session.commit()
    return template_out(t)


@router.post(
    "/plan-templates/{template_id}/assign",
    response_model=AssignOut,
    tags=TEMPLATES,
    summary="Give every student of a course, or of a qualification, a plan from this template (administrators)",
)
def assign(template_id: Id, body: AssignIn, session: SessionDep, principal: PrincipalDep):
    t = access.visible_template(session, principal, template_id)
    course, school = None, body.school_id
    if body.course_id is not None:
        course = visible_course(session, principal, body.course_id)
        require_admin_of(principal, course.school_id, "assign plans")
        if course.qualification_code != t.framework.qualification_code:
            raise ValidationFailed(
                f"course {course.code} teaches {course.qualification_code}, the template is for "
                f"{t.framework.qualification_code}"
            )
    else:
        if not principal.national:
            require_admin_of(principal, principal.school, "assign plans")
            if school not in (None, principal.school):
                raise Forbidden(f"you may assign plans only in your school ({principal.school})")
            school = principal.school
        if body.qualification_code != t.framework.qualification_code:
            raise ValidationFailed(f"the template is for {t.framework.qualification_code}")
    result = logic.assign_template(session, t, course=course, qualification=body.qualification_code, school=school)
    session.commit()
    return AssignOut(template_id=t.id, created=result.created, skipped=result.skipped)


# --- plans --------------------------------------------------------------------------------


def _waiting(plan: Plan) -> int:
    return sum(1 for pc in plan.competencies if pc.review_status == "waiting_for_review")


def plan_summary(plan: Plan) -> PlanSummary:
    return PlanSummary(
        id=plan.id,
        student=plan.student.username,
        student_name=plan.student.display_name,
        school_id=plan.school_id,
        course_id=plan.course_id,
        qualification_code=plan.framework.qualification_code,
        template_id=plan.template_id,
        title=plan.title,
        status=plan.status,
        waiting_for_review=_waiting(plan),
        updated_at=plan.updated_at,
    )


def plan_out(plan: Plan) -> PlanOut:
    f = plan.framework
    competencies = []
    for pc in plan.competencies:
        c = pc.competency
        competencies.append(
            PlanCompetencyOut(
                id=pc.id,
                competency_id=c.id,
                code=c.code,
                title_sq=c.title_sq,
                title_en=c.title_en,
                description_sq=c.description_sq,
                description_en=c.description_en,
                target=pc.target,
                rating=pc.rating,
                suggested_rating=pc.suggested_rating,
                review_status=pc.review_status,
                evidence=[EvidenceOut.model_validate(e) for e in pc.evidence],
                reviews=[ReviewOut.model_validate(r) for r in pc.reviews],
            )
        )
    return PlanOut(
        **plan_summary(plan).model_dump(),
        framework={
            "id": f.id,
            "qualification_code": f.qualification_code,
            "name_sq": f.name_sq,
            "name_en": f.name_en,
            "scale": f.scale,
            "max_level": f.max_level,
        },
        competencies=competencies,
        goals=[GoalOut.model_validate(g) for g in plan.goals],
    )


def _fresh(session, plan: Plan) -> PlanOut:
    session.expire_all()
    return plan_out(session.get(Plan, plan.id))


@router.get("/plans", response_model=Page[PlanSummary], tags=PLANS, summary="List learning plans you can see")
def list_plans(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    student: Annotated[Username | None, Query(description="Only this student's plans.")] = None,
    course: Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Only students of this course.")] = None,
    status: Annotated[PlanStatus | None, Query()] = None,
    school: Annotated[str | None, Query(max_length=40)] = None,
):
    conditions = [access.plans_visible(principal)]
    if student:
        conditions.append(Plan.student_id.in_(select(Person.id).where(Person.username == student)))
    if course:
        conditions.append(
            Plan.student_id.in_(
                select(Enrolment.person_id).where(Enrolment.course_id == course, Enrolment.role == "student")
            )
        )
    if status:
        conditions.append(Plan.status == status)
    if school:
        conditions.append(Plan.school_id == school)
    return page(session, Plan, conditions, [Plan.school_id, Plan.id], paging, plan_summary)


@router.get(
    "/plans/overview",
    response_model=OverviewOut,
    tags=PLANS,
    summary="Competencies × students of a course (the course's teachers and administrators)",
)
def overview(course: Annotated[int, Query(ge=1, le=2**31 - 1)], session: SessionDep, principal: PrincipalDep):
    c = visible_course(session, principal, course)
    if principal.student:
        raise Forbidden("students may not see the class overview")
    require_course_staff(session, principal, c, "see the class overview")
    students = session.scalars(
        select(Person)
        .join(Enrolment, Enrolment.person_id == Person.id)
        .where(Enrolment.course_id == c.id, Enrolment.role == "student")
        .order_by(Person.username)
    ).all()
    framework = logic.find_framework(session, c.qualification_code)
    plans = {}
    if framework is not None and students:
        rows = session.scalars(
            select(Plan).where(Plan.framework_id == framework.id, Plan.student_id.in_([s.id for s in students]))
        )
        plans = {p.student_id: p for p in rows}
    columns: dict[str, dict] = {}
    out_rows = []
    for s in students:
        plan = plans.get(s.id)
        cells = {}
        for pc in plan.competencies if plan else []:
            comp = pc.competency
            columns.setdefault(comp.code, {"code": comp.code, "title_sq": comp.title_sq, "title_en": comp.title_en})
            cells[comp.code] = {
                "rating": pc.rating,
                "suggested_rating": pc.suggested_rating,
                "target": pc.target,
                "review_status": pc.review_status,
            }
        out_rows.append(
            {
                "student": s.username,
                "student_name": s.display_name,
                "plan_id": plan.id if plan else None,
                "cells": cells,
            }
        )
    return OverviewOut(
        course_id=c.id,
        course_code=c.code,
        max_level=framework.max_level if framework else 4,
        competencies=list(columns.values()),
        students=out_rows,
    )


# --- cell mappings ------------------------------------------------------------------------


def mapping_out(m: CompetencyMapping) -> MappingOut:
    return MappingOut(
        id=m.id,
        assignment_id=m.assignment_id,
        course_id=m.assignment.course_id,
        grade_id=m.grade_id,
        competency_id=m.competency_id,
        competency_code=m.competency.code,
        weight=m.weight,
    )


@router.get(
    "/plans/mappings",
    response_model=Page[MappingOut],
    tags=PLANS,
    summary="Autograded cells mapped to competencies (teachers of the course, administrators)",
)
def list_mappings(session: SessionDep, principal: PrincipalDep, paging: PagingDep, assignment: IdFilter = None):
    conditions = [access.mappings_visible(principal)]
    if assignment:
        conditions.append(CompetencyMapping.assignment_id == assignment)
    return page(session, CompetencyMapping, conditions, [CompetencyMapping.id], paging, mapping_out)


@router.post(
    "/plans/mappings",
    response_model=MappingOut,
    status_code=201,
    tags=PLANS,
    summary="Map an autograded cell (nbgrader grade id) to a competency (teachers of the course, administrators)",
)
def create_mapping(body: MappingCreate, session: SessionDep, principal: PrincipalDep):
    if principal.student:
        raise Forbidden("students may not map assignments to competencies")
    a = session.scalar(select(Assignment).where(Assignment.id == body.assignment_id, assignments_visible(principal)))
    if a is None:
        raise NotFound(f"no assignment {body.assignment_id} that you can see")
    require_course_staff(session, principal, a.course, "map assignments to competencies")
    comp = session.get(Competency, body.competency_id)
    if comp is None:
        raise ValidationFailed(f"no competency {body.competency_id}")
    if comp.framework_id != getattr(logic.find_framework(session, a.course.qualification_code), "id", None):
        raise ValidationFailed(f"competency {comp.code} is not in the framework of {a.course.qualification_code}")
    dup = select(CompetencyMapping.id).where(
        CompetencyMapping.assignment_id == a.id,
        CompetencyMapping.grade_id == body.grade_id,
        CompetencyMapping.competency_id == comp.id,
    )
    if session.scalar(dup):
        raise Conflict(f"cell {body.grade_id!r} is already mapped to {comp.code}")
    m = CompetencyMapping(**body.model_dump())
    session.add(m)
    session.commit()
    return mapping_out(session.get(CompetencyMapping, m.id))


@router.delete("/plans/mappings/{mapping_id}", status_code=204, tags=PLANS, summary="Remove a cell mapping")
def delete_mapping(mapping_id: Id, session: SessionDep, principal: PrincipalDep):
    m = session.scalar(
        select(CompetencyMapping).where(CompetencyMapping.id == mapping_id, access.mappings_visible(principal))
    )
    if m is None:
        raise NotFound(f"no mapping {mapping_id} that you can see")
    require_course_staff(session, principal, m.assignment.course, "remove mappings")
    session.delete(m)
    session.commit()
    return Response(status_code=204)


# --- one plan -----------------------------------------------------------------------------


@router.post(
    "/plans",
    response_model=PlanOut,
    status_code=201,
    tags=PLANS,
    summary="Give one student a plan from a template (their teachers and administrators)",
)
def create_plan(body: PlanCreate, session: SessionDep, principal: PrincipalDep):
    if principal.student:
        raise Forbidden("students may not create plans")
    t = access.visible_template(session, principal, body.template_id)
    student = session.scalar(select(Person).where(Person.username == body.student, people_visible(principal)))
    if student is None:
        raise ValidationFailed(f"no student {body.student!r} that you can see")
    if principal.teaching:
        taught = select(Enrolment.id).where(
            Enrolment.person_id == student.id,
            Enrolment.role == "student",
            Enrolment.course_id.in_(access.taught_course_ids(principal)),
        )
        if session.scalar(taught.limit(1)) is None:
            raise Forbidden(f"you may create plans only for students of courses you teach ({student.username} is not)")
    plan = logic.create_plan(session, student, t, course_id=body.course_id, status=body.status)
    session.commit()
    return _fresh(session, plan)


@router.get("/plans/{plan_id}", response_model=PlanOut, tags=PLANS, summary="One plan, with everything in it")
def get_plan(plan_id: Id, session: SessionDep, principal: PrincipalDep):
    return plan_out(access.visible_plan(session, principal, plan_id))


@router.patch(
    "/plans/{plan_id}",
    response_model=PlanOut,
    tags=PLANS,
    summary="Change a plan's title or status (the student's teachers and administrators)",
)
def update_plan(plan_id: Id, body: PlanUpdate, session: SessionDep, principal: PrincipalDep):
    plan = access.visible_plan(session, principal, plan_id)
    access.require_staff(principal, plan, "change a plan's status or title")
    _update(plan, _changes(body))
    session.commit()
    return _fresh(session, plan)


def _plan_competency(session, plan: Plan, pc_id: int | None) -> PlanCompetency | None:
    if pc_id is None:
        return None
    pc = session.get(PlanCompetency, pc_id)
    if pc is None or pc.plan_id != plan.id:
        raise NotFound(f"plan {plan.id} has no competency entry {pc_id}")
    return pc


@router.post(
    "/plans/{plan_id}/goals", response_model=GoalOut, status_code=201, tags=PLANS, summary="Add a goal to a plan"
)
def create_goal(plan_id: Id, body: GoalCreate, session: SessionDep, principal: PrincipalDep):
    plan = access.visible_plan(session, principal, plan_id)
    access.require_owner_or_staff(principal, plan, "add goals")
    _plan_competency(session, plan, body.plan_competency_id)
    goal = Goal(plan_id=plan.id, done=False, **body.model_dump())
    session.add(goal)
    session.commit()
    return goal


@router.patch(
    "/plans/{plan_id}/goals/{goal_id}",
    response_model=GoalOut,
    tags=PLANS,
    summary="Change a goal, or mark it done (its competency then waits for review)",
)
def update_goal(plan_id: Id, goal_id: Id, body: GoalUpdate, session: SessionDep, principal: PrincipalDep):
    plan = access.visible_plan(session, principal, plan_id)
    goal = session.get(Goal, goal_id)
    if goal is None or goal.plan_id != plan.id:
        raise NotFound(f"plan {plan_id} has no goal {goal_id}")
    access.require_owner_or_staff(principal, plan, "change goals")
    changes = body.model_dump(exclude_unset=True)
    if "title" in changes:
        if changes["title"] is None:
            raise ValidationFailed("title cannot be empty")
        goal.title = changes["title"]
    if "due_on" in changes:
        goal.due_on = changes["due_on"]
    if changes.get("done") is not None:
        logic.set_goal(session, plan, goal, changes["done"])
    session.commit()
    return goal


@router.post(
    "/plans/{plan_id}/evidence",
    response_model=EvidenceOut,
    status_code=201,
    tags=PLANS,
    summary="Attach a notebook or file (the student: the competency waits for review) or add a note (teachers)",
)
def create_evidence(plan_id: Id, body: EvidenceCreate, session: SessionDep, principal: PrincipalDep):
    plan = access.visible_plan(session, principal, plan_id)
    access.require_owner_or_staff(principal, plan, "add evidence")
    if body.kind == "note" and principal.student:
        raise Forbidden("notes are written by teachers; attach a notebook or file instead")
    if body.kind == "attachment" and not access.is_owner(principal, plan):
        raise Forbidden("only the student attaches notebooks and files to their plan; add a note instead")
    pc = _plan_competency(session, plan, body.plan_competency_id)
    content = None
    if body.content_base64 is not None:
        try:
            content = base64.b64decode(body.content_base64, validate=False)
        except (binascii.Error, ValueError):
            raise ValidationFailed("content_base64 is not valid base64") from None
    evidence = logic.add_evidence(
        session,
        plan,
        pc,
        body.kind,
        body.title,
        principal.username,
        reference=body.reference,
        text=body.text,
        filename=body.filename,
        content=content,
        content_type=body.content_type,
    )
    session.commit()
    return evidence


@router.get(
    "/plans/{plan_id}/evidence/{evidence_id}/content",
    tags=PLANS,
    summary="Download an attached file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def evidence_content(plan_id: Id, evidence_id: Id, session: SessionDep, principal: PrincipalDep):
    plan = access.visible_plan(session, principal, plan_id)
    ev = session.get(Evidence, evidence_id)
    if ev is None or ev.plan_id != plan.id:
        raise NotFound(f"plan {plan_id} has no evidence {evidence_id}")
    if ev.content is None:
        raise NotFound(f"evidence {evidence_id} has no stored file")
    name = (ev.filename or f"evidence-{ev.id}").replace('"', "")
    return Response(
        ev.content,
        media_type=ev.content_type or "application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/plans/{plan_id}/competencies/{entry_id}/reviews",
    response_model=PlanOut,
    status_code=201,
    tags=PLANS,
    summary="Review a competency: rating, comment, approval (the student's teachers and administrators)",
)
def create_review(plan_id: Id, entry_id: Id, body: ReviewCreate, session: SessionDep, principal: PrincipalDep):
    plan = access.visible_plan(session, principal, plan_id)
    pc = _plan_competency(session, plan, entry_id)
    access.require_staff(principal, plan, "review competencies")
    logic.review(session, plan, pc, principal.username, body.rating, body.comment, body.approved)
    session.commit()
    return _fresh(session, plan)
