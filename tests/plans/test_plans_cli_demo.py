"""``mesolab plans assign`` and the demo's plans (SQLite only: they are about the command and the data)."""

from __future__ import annotations

import pytest
from plantools import A, B, username
from sqlalchemy import func, select

from mesolab.cli import main
from mesolab.plans import demo_data
from mesolab.plans.models import Competency, Evidence, Plan, PlanCompetency, PlanTemplate, Review
from mesolab.record import db
from mesolab.record.models import Course

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def test_assign_by_course_and_qualification(engine, sessions, world, capsys):
    with db.transaction(sessions, actor="t") as s:
        framework = demo_data.ensure_framework(s, "TIK-3.1")
        for course in s.scalars(select(Course)):
            course.qualification_code = "TIK-3.1"
        template = demo_data.ensure_template(s, A, "TIK-3.1")
        national = demo_data.ensure_template(s, None, "TIK-3.1")
        assert len(framework.competencies) == 5
        ids = template.id, national.id
    url = engine.url.render_as_string(hide_password=False)
    assert main(["plans", "assign", "--db-url", url, "--template", str(ids[0]), "--course", f"{A}/PRG1"]) == 0
    out = capsys.readouterr().out
    assert "2 plans created" in out and username("nxenes", A) in out
    # ambiguous course code, then the same again by qualification: nothing new
    assert main(["plans", "assign", "--db-url", url, "--template", str(ids[0]), "--course", "PRG1"]) == 2
    assert "several schools" in capsys.readouterr().err
    name = demo_data.template_name("TIK-3.1")
    assert (
        main(["plans", "assign", "--db-url", url, "--template", name, "--school", A, "--qualification", "TIK-3.1"]) == 0
    )
    assert "0 plans created" in capsys.readouterr().out
    # the national template reaches every school's students
    assert main(["plans", "assign", "--db-url", url, "--template", name, "--qualification", "TIK-3.1"]) == 0
    assert "2 plans created" in capsys.readouterr().out
    with sessions() as s:
        schools = s.execute(select(Plan.school_id, func.count()).group_by(Plan.school_id)).all()
        assert dict(schools) == {A: 2, B: 2}
    assert main(["plans", "assign", "--db-url", url, "--template", "nope", "--course", "1"]) == 2


def test_demo_plans_have_content(sessions, world):
    with db.transaction(sessions, actor="mesolab-demo") as s:
        course = s.get(Course, world.courses[f"{A}/PRG1"])
        course.qualification_code = "HOT-1.2"
        changes = demo_data.seed_course_plans(s, course, reviewer=username("mesues", A))
        assert len(changes) == 2
        again = demo_data.seed_course_plans(s, course, reviewer=username("mesues", A))
        assert again == []
    with sessions() as s:
        titles = set(s.scalars(select(Competency.title_en)))
        assert "Calculates recipe cost per portion" in titles
        assert s.scalar(select(func.count()).select_from(PlanTemplate)) == 1
        assert s.scalar(select(func.count()).select_from(Evidence)) >= 3
        assert s.scalar(select(func.count()).select_from(Review)) >= 1
        statuses = set(s.scalars(select(PlanCompetency.review_status)))
        assert {"reviewed", "waiting_for_review"} <= statuses


def test_demo_seeds_a_plan_for_every_student(tmp_path, backend):
    from hubtools import write_settings
    from mesolab.demo import demo_people, record_db_url, seed_record
    from mesolab.plans.demo_data import seed_plans
    from mesolab.settings import load_settings

    settings = load_settings(write_settings(tmp_path))
    seed_record(settings, demo_people(settings))
    changes = seed_plans(settings)
    assert len(changes) == 30
    assert seed_plans(settings) == []
    engine = db.make_engine(record_db_url(settings))
    with db.session_factory(engine)() as s:
        plans = s.scalars(select(Plan)).all()
        assert {p.framework.qualification_code for p in plans} == {"TIK-3.1", "ELE-2.4", "HOT-1.2"}
        assert all(len(p.competencies) == 5 and len(p.goals) == 3 for p in plans)
    engine.dispose()
