"""Helpers of the learning-plan tests: a framework, templates and plans on the record's test world."""

from __future__ import annotations

from dataclasses import dataclass, field

from recordtools import NATIONAL, A, B, World, username
from sqlalchemy import select

from mesolab.plans import logic
from mesolab.plans.models import Competency, CompetencyMapping, Framework, Plan, PlanTemplate
from mesolab.record import db
from mesolab.record.models import Course

QUALIFICATION = "TIK-3"
CODES = ["K1", "K2", "K3"]


@dataclass
class PlanWorld:
    framework: int = 0
    competencies: dict[str, int] = field(default_factory=dict)
    templates: dict[str, int] = field(default_factory=dict)
    plans: dict[str, int] = field(default_factory=dict)
    entries: dict[str, dict[str, int]] = field(default_factory=dict)
    goals: dict[str, list[int]] = field(default_factory=dict)
    mapping: int = 0


def seed_plan_world(sessions, world: World) -> PlanWorld:
    pw = PlanWorld()
    with db.transaction(sessions, actor="seed") as s:
        f = Framework(qualification_code=QUALIFICATION, name_sq="Programim", name_en="Programming")
        s.add(f)
        s.flush()
        for n, code in enumerate(CODES):
            s.add(
                Competency(
                    framework_id=f.id,
                    code=code,
                    title_sq=f"Kompetenca {code}",
                    title_en=f"Competency {code}",
                    position=n,
                )
            )
        s.flush()
        pw.framework = f.id
        pw.competencies = {c.code: c.id for c in s.scalars(select(Competency))}
        for school in (A, B):
            t = PlanTemplate(
                school_id=school,
                framework_id=f.id,
                name="Plani bazë",
                competencies=[{"code": c, "target": 3} for c in CODES],
                goals=[
                    {"title": "Mbaro ushtrimet e cikleve", "competency": "K1", "due_in_days": 14},
                    {"title": "Lexo kapitullin 2", "competency": None, "due_in_days": None},
                ],
            )
            s.add(t)
            s.flush()
            pw.templates[school] = t.id
            course = s.get(Course, world.courses[f"{school}/PRG1"])
            logic.assign_template(s, t, course=course)
        national = PlanTemplate(school_id=None, framework_id=f.id, name="Kombëtar", competencies=[{"code": "K1"}])
        s.add(national)
        s.flush()
        pw.templates["national"] = national.id
        m = CompetencyMapping(
            assignment_id=world.assignments[f"{A}/PRG1"], grade_id="test-cikli", competency_id=pw.competencies["K1"]
        )
        s.add(m)
        s.flush()
        pw.mapping = m.id
        for plan in s.scalars(select(Plan)):
            name = plan.student.username
            pw.plans[name] = plan.id
            pw.entries[name] = {pc.competency.code: pc.id for pc in plan.competencies}
            pw.goals[name] = [g.id for g in plan.goals]
    return pw


__all__ = ["NATIONAL", "A", "B", "username", "PlanWorld", "seed_plan_world"]
