"""The demo's competency frameworks, plan templates and plans.

Three frameworks, one per demo qualification (ICT programming ``TIK-3.1``, electrical
installation ``ELE-2.4``, hospitality menu costing ``HOT-1.2``), a template per demo school,
and — through :func:`seed_plans` — a plan for every demo student, some with evidence and
teachers' reviews, so the notebook widgets show real content at first use. Everything is
idempotent: frameworks and templates are found by code and name, and only plans created by
this run get sample evidence.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..record.models import Course
from . import logic
from .models import Competency, Framework, Plan, PlanTemplate

# (code, title sq, title en, description sq, description en)
FRAMEWORKS: dict[str, dict] = {
    "TIK-3.1": {
        "name_sq": "Programues/e i aplikacioneve (niveli 3)",
        "name_en": "Application programmer (level 3)",
        "competencies": [
            (
                "TIK-K1",
                "Përdor variablat dhe tipat e të dhënave",
                "Uses variables and data types",
                "Zgjedh tipin e duhur (numër, tekst, listë) dhe i emërton qartë variablat.",
                "Chooses the right type (number, text, list) and names variables clearly.",
            ),
            (
                "TIK-K2",
                "Shkruan kushte dhe cikle",
                "Writes conditions and loops",
                "Përdor if/elif/else, for dhe while për të zgjidhur probleme të thjeshta.",
                "Uses if/elif/else, for and while to solve simple problems.",
            ),
            (
                "TIK-K3",
                "Ndërton funksione të ripërdorshme",
                "Builds reusable functions",
                "Ndan problemin në funksione me parametra dhe vlerë kthimi.",
                "Splits a problem into functions with parameters and return values.",
            ),
            (
                "TIK-K4",
                "Punon me lista dhe fjalorë",
                "Works with lists and dictionaries",
                "Ruan, kërkon dhe përpunon të dhëna në lista dhe fjalorë.",
                "Stores, searches and processes data in lists and dictionaries.",
            ),
            (
                "TIK-K5",
                "Teston dhe korrigjon kodin",
                "Tests and debugs code",
                "Shkruan teste të thjeshta, lexon mesazhet e gabimit dhe gjen shkakun.",
                "Writes simple tests, reads error messages and finds the cause.",
            ),
        ],
    },
    "ELE-2.4": {
        "name_sq": "Instalues/e i instalimeve elektrike (niveli 2)",
        "name_en": "Electrical installer (level 2)",
        "competencies": [
            (
                "ELE-K1",
                "Zbaton rregullat e sigurisë në punë me elektricitetin",
                "Applies electrical safety rules",
                "Shkëput, siguron dhe verifikon mungesën e tensionit para çdo ndërhyrjeje.",
                "Isolates, locks off and proves dead before any work.",
            ),
            (
                "ELE-K2",
                "Llogarit rrymën, tensionin dhe rezistencën",
                "Calculates current, voltage and resistance",
                "Zbaton ligjin e Ohmit dhe formulën e fuqisë në qarqe seri dhe paralel.",
                "Applies Ohm's law and the power formula to series and parallel circuits.",
            ),
            (
                "ELE-K3",
                "Lexon dhe vizaton skema elektrike",
                "Reads and draws wiring diagrams",
                "Njeh simbolet standarde dhe vizaton skemën njëfazore të një banese.",
                "Knows the standard symbols and draws the single-phase diagram of a flat.",
            ),
            (
                "ELE-K4",
                "Përzgjedh kabllot dhe mbrojtjet e qarkut",
                "Selects cables and circuit protection",
                "Zgjedh seksionin e kabllit, siguresën dhe relenë diferenciale sipas ngarkesës.",
                "Chooses cable size, breaker and residual-current device for the load.",
            ),
            (
                "ELE-K5",
                "Mat dhe kontrollon instalimin me multimetër",
                "Measures and checks an installation with a multimeter",
                "Mat tensionin, vazhdimësinë dhe rezistencën e izolimit dhe i regjistron.",
                "Measures voltage, continuity and insulation resistance and records them.",
            ),
        ],
    },
    "HOT-1.2": {
        "name_sq": "Kuzhinier/e: kostimi i menusë (niveli 2)",
        "name_en": "Cook: menu costing (level 2)",
        "competencies": [
            (
                "HOT-K1",
                "Llogarit koston e recetës për porcion",
                "Calculates recipe cost per portion",
                "Përdor fletën e recetës, rendimentin dhe çmimet e blerjes.",
                "Uses the recipe card, yield and purchase prices.",
            ),
            (
                "HOT-K2",
                "Përcakton çmimin e shitjes sipas marzhit",
                "Sets selling prices from a target margin",
                "Llogarit përqindjen e kostos së ushqimit dhe çmimin me TVSH.",
                "Calculates the food-cost percentage and the price with VAT.",
            ),
            (
                "HOT-K3",
                "Menaxhon stokun dhe humbjet",
                "Manages stock and waste",
                "Mban inventarin, zbaton FIFO dhe mat humbjet në kuzhinë.",
                "Keeps inventory, applies FIFO and measures kitchen waste.",
            ),
            (
                "HOT-K4",
                "Zbaton standardet e higjienës (HACCP)",
                "Applies hygiene standards (HACCP)",
                "Njeh pikat kritike të kontrollit dhe mban regjistrat e temperaturës.",
                "Knows the critical control points and keeps temperature records.",
            ),
            (
                "HOT-K5",
                "Harton menu të balancuar",
                "Plans a balanced menu",
                "Kombinon pjatat sipas stinës, kostos dhe vlerës ushqyese.",
                "Combines dishes by season, cost and nutritional value.",
            ),
        ],
    },
}

# goals per qualification: (title, competency code, due in days)
GOALS: dict[str, list[tuple[str, str, int]]] = {
    "TIK-3.1": [
        ("Përfundo ushtrimet me cikle (fletorja 2)", "TIK-K2", 14),
        ("Shkruaj tri funksione për llogaritjen e notave", "TIK-K3", 28),
        ("Shto teste për funksionet e tua", "TIK-K5", 42),
    ],
    "ELE-2.4": [
        ("Kalo testin e sigurisë në punëtori", "ELE-K1", 7),
        ("Zgjidh 10 ushtrime me ligjin e Ohmit", "ELE-K2", 21),
        ("Vizato skemën e dhomës së ndenjes", "ELE-K3", 35),
    ],
    "HOT-1.2": [
        ("Llogarit koston e tri recetave", "HOT-K1", 14),
        ("Cakto çmimet e menusë ditore me marzh 70%", "HOT-K2", 28),
        ("Plotëso regjistrin HACCP për një javë", "HOT-K4", 35),
    ],
}


def ensure_framework(session: Session, qualification: str) -> Framework:
    """The demo framework of ``qualification``, created (or completed) if needed."""
    data = FRAMEWORKS[qualification]
    framework = logic.find_framework(session, qualification)
    if framework is None:
        framework = Framework(qualification_code=qualification, name_sq=data["name_sq"], name_en=data["name_en"])
        session.add(framework)
        session.flush()
    have = set(session.scalars(select(Competency.code).where(Competency.framework_id == framework.id)))
    for n, (code, t_sq, t_en, d_sq, d_en) in enumerate(data["competencies"]):
        if code not in have:
            session.add(
                Competency(
                    framework_id=framework.id,
                    code=code,
                    title_sq=t_sq,
                    title_en=t_en,
                    description_sq=d_sq,
                    description_en=d_en,
                    position=n,
                )
            )
    session.flush()
    session.expire(framework, ["competencies"])
    return framework


def template_name(qualification: str) -> str:
    return f"Plani individual — {qualification}"


def ensure_template(session: Session, school_id: str | None, qualification: str) -> PlanTemplate:
    """The demo template of ``qualification`` for ``school_id`` (every competency, target 3)."""
    framework = ensure_framework(session, qualification)
    name = template_name(qualification)
    same_school = PlanTemplate.school_id.is_(None) if school_id is None else PlanTemplate.school_id == school_id
    template = session.scalar(select(PlanTemplate).where(same_school, PlanTemplate.name == name))
    if template is None:
        template = PlanTemplate(
            school_id=school_id,
            framework_id=framework.id,
            name=name,
            description="Kompetencat e kualifikimit dhe qëllimet e para të vitit.",
            competencies=[{"code": c[0], "target": 3} for c in FRAMEWORKS[qualification]["competencies"]],
            goals=[{"title": t, "competency": c, "due_in_days": d} for t, c, d in GOALS[qualification]],
        )
        session.add(template)
        session.flush()
    return template


def _sample_content(session: Session, plan, n: int, reviewer: str | None) -> None:
    """Evidence and reviews for a few plans: one attachment waiting, one reviewed competency."""
    entries = sorted(plan.competencies, key=lambda pc: pc.position)
    if len(entries) < 3:
        return
    first, second, third = entries[:3]
    score = float(6 + n % 5)
    logic.add_evidence(
        session,
        plan,
        first,
        "autograded",
        "Ushtrimi 1 — testet automatike",
        "autograder",
        reference="demo:ushtrimi-1",
        score=score,
        max_score=10.0,
    )
    first.suggested_rating = round(score / 10.0 * plan.framework.max_level, 1)
    if reviewer and n % 2 == 0:
        logic.review(session, plan, first, reviewer, rating=3, comment="Punë e mirë, vazhdo kështu!", approved=True)
    if n % 3 == 0:
        logic.add_evidence(
            session,
            plan,
            second,
            "attachment",
            "Fletorja ime e ushtrimeve",
            plan.student.username,
            reference="ushtrime.ipynb",
            filename="ushtrime.ipynb",
            content=b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
            content_type="application/x-ipynb+json",
        )
    if reviewer and n % 4 == 1:
        logic.add_evidence(
            session, plan, third, "note", "Shënim nga mësuesi", reviewer, text="Diskutuam në klasë; provo sërish."
        )
        logic.review(session, plan, third, reviewer, rating=2, comment="Ke nevojë për pak më shumë praktikë.")


def seed_course_plans(
    session: Session, course: Course, reviewer: str | None, today: dt.date | None = None
) -> list[str]:
    """Plans from the school's template for every student of ``course``; sample content in new ones."""
    if course.qualification_code not in FRAMEWORKS:
        return []
    template = ensure_template(session, course.school_id, course.qualification_code)
    result = logic.assign_template(session, template, course=course, today=today)
    changes = []
    for n, plan_id in enumerate(result.plan_ids):
        plan = session.get(Plan, plan_id)
        _sample_content(session, plan, n, reviewer)
        changes.append(f"learning plan for {plan.student.username} ({course.code})")
    session.flush()
    return changes


def seed_plans(settings) -> list[str]:
    """Every demo student's plan (from their school's template), in the demo's record database."""
    from ..demo import DEMO_COURSES, SHORT, record_db_url
    from ..record import db

    engine = db.make_engine(record_db_url(settings))
    changes: list[str] = []
    try:
        with db.transaction(db.session_factory(engine), actor="mesolab-demo") as session:
            for school in settings.schools:
                if school.id not in DEMO_COURSES:
                    continue
                code = DEMO_COURSES[school.id][0]
                course = session.scalar(select(Course).where(Course.school_id == school.id, Course.code == code))
                if course is not None:
                    reviewer = f"mesues1.{SHORT.get(school.id, school.id)}"
                    changes += seed_course_plans(session, course, reviewer)
    finally:
        engine.dispose()
    return changes
