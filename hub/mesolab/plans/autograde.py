"""Evidence from autograded work: nbgrader cells mapped to competencies.

Teachers map the autograded cells of an assignment (nbgrader grade ids) to competencies
(:class:`~mesolab.plans.models.CompetencyMapping`). When a submission is graded, the grading
code calls :func:`record_autograded_evidence` with the scores per cell: each mapped cell
becomes (or updates) an ``autograded`` evidence item of every plan of the student holding
that competency, and the competency's suggested rating is recomputed from all of its
autograded evidence (mapping weights count)::

    record_autograded_evidence(session, "nxenes01.ict", course_id, "detyra-1",
                               {"test-shuma": (2.0, 2.0), "test-mesatarja": (1.0, 3.0)})

:func:`cell_scores_from_gradebook` reads those scores from an nbgrader gradebook.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..record.models import Assignment, Course, Person
from .models import CompetencyMapping, Evidence, Plan, PlanCompetency

AUTOGRADER = "autograder"


def reference_for(assignment_id: int, grade_id: str) -> str:
    """The ``reference`` of an autograded evidence item: ``assignment:<id>#<grade id>``."""
    return f"assignment:{assignment_id}#{grade_id}"


def _weights(session: Session, competency_id: int) -> dict[str, float]:
    rows = session.scalars(select(CompetencyMapping).where(CompetencyMapping.competency_id == competency_id))
    return {reference_for(m.assignment_id, m.grade_id): m.weight for m in rows}


def update_suggested_rating(session: Session, pc: PlanCompetency, max_level: int) -> float | None:
    """Suggested rating = weighted share of points of the autograded evidence × the top level."""
    weights = _weights(session, pc.competency_id)
    got = total = 0.0
    for ev in session.scalars(
        select(Evidence).where(Evidence.plan_competency_id == pc.id, Evidence.kind == "autograded")
    ):
        if ev.max_score:
            w = weights.get(ev.reference, 1.0)
            got += w * (ev.score or 0.0) / ev.max_score
            total += w
    pc.suggested_rating = round(got / total * max_level, 1) if total else None
    return pc.suggested_rating


def record_autograded_evidence(
    session: Session,
    student_username: str,
    course_id: int,
    assignment_name: str,
    cell_scores: Mapping[str, tuple[float, float]],
    actor: str = AUTOGRADER,
) -> list[Evidence]:
    """Add or update autograded evidence for the mapped cells in ``cell_scores``.

    ``cell_scores`` maps nbgrader grade ids to ``(score, max_score)``. Unmapped cells, unknown
    assignments and students without a plan holding the competency are ignored (grading goes
    on); grading the same cell again updates its evidence instead of adding another. Returns
    the evidence items written. The caller commits.
    """
    assignment = session.scalar(
        select(Assignment).where(Assignment.course_id == course_id, Assignment.name == assignment_name)
    )
    student = session.scalar(select(Person).where(Person.username == student_username))
    if assignment is None or student is None or not cell_scores:
        return []
    mappings = session.scalars(
        select(CompetencyMapping).where(
            CompetencyMapping.assignment_id == assignment.id, CompetencyMapping.grade_id.in_(list(cell_scores))
        )
    ).all()
    if not mappings:
        return []
    course = session.get(Course, course_id)
    written: list[Evidence] = []
    touched: dict[int, tuple[PlanCompetency, Plan]] = {}
    for mapping in mappings:
        score, max_score = (float(v) for v in cell_scores[mapping.grade_id])
        rows = session.execute(
            select(PlanCompetency, Plan)
            .join(Plan, Plan.id == PlanCompetency.plan_id)
            .where(Plan.student_id == student.id, PlanCompetency.competency_id == mapping.competency_id)
        ).all()
        for pc, plan in rows:
            ref = reference_for(assignment.id, mapping.grade_id)
            ev = session.scalar(
                select(Evidence).where(
                    Evidence.plan_competency_id == pc.id, Evidence.kind == "autograded", Evidence.reference == ref
                )
            )
            if ev is None:
                ev = Evidence(
                    plan_id=plan.id,
                    plan_competency_id=pc.id,
                    kind="autograded",
                    reference=ref,
                    text="",
                    size=0,
                    created_by=actor,
                )
                session.add(ev)
            ev.title = f"{course.code if course else course_id} / {assignment.name} — {mapping.grade_id}"
            ev.score, ev.max_score = score, max_score
            written.append(ev)
            touched[pc.id] = (pc, plan)
    session.flush()
    for pc, plan in touched.values():
        update_suggested_rating(session, pc, plan.framework.max_level)
        session.expire(pc, ["evidence"])
    session.flush()
    return written


def cell_scores_from_gradebook(db_url: str, course_id: str, assignment: str, student: str) -> dict:
    """``{grade id: (score, max_score)}`` of a graded submission in an nbgrader gradebook."""
    from nbgrader.api import Gradebook

    scores: dict[str, tuple[float, float]] = {}
    with Gradebook(db_url, course_id) as gb:
        submission = gb.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                scores[grade.name] = (float(grade.score or 0.0), float(grade.max_score or 0.0))
    return scores


def evidence_from_graded_job(session: Session, job) -> list[Evidence]:
    """Grading-queue hook: a graded job's cell scores become evidence in the student's plan
    (same transaction as the grade)."""
    student = session.get(Person, job.student_id)
    assignment = session.get(Assignment, job.assignment_id)
    cells = {
        grade_id: (float(v[0] or 0.0), float(v[1] or 0.0))
        for grade_id, v in (job.cells or {}).items()
        if v and v[1] is not None
    }
    if student is None or assignment is None:
        return []
    return record_autograded_evidence(session, student.username, assignment.course_id, assignment.name, cells)
