"""Scaffolding: a course from a template in the record and on disk; ``mesolab course``."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from sqlalchemy import select

from mesolab.cli import main
from mesolab.courses.scaffold import new_course, school_year, write_course
from mesolab.record import db
from mesolab.record.errors import Conflict, NotFound, ValidationFailed
from mesolab.record.models import Assignment, Course, Enrolment, Person, School

SCHOOL = "ict-tirana"


@pytest.fixture
def db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'record.sqlite'}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    with db.transaction(db.session_factory(engine), actor="test") as s:
        s.add(School(id=SCHOOL, name_sq="Shkolla e TIK, Tiranë", name_en="ICT School, Tirana"))
        s.add(School(id="hoteleri-vlore", name_sq="Shkolla e Hotelerisë, Vlorë", name_en="Hospitality School, Vlorë"))
        s.flush()
        s.add(Person(username="mesues1.ict", first_name="Drita", last_name="Hoxha", school_id=SCHOOL, role="teacher"))
        s.add(Person(username="nxenes01.ict", first_name="Besa", last_name="Çela", school_id=SCHOOL, role="student"))
    engine.dispose()
    return url


@pytest.fixture
def sessions(db_url):
    engine = db.make_engine(db_url)
    yield db.session_factory(engine)
    engine.dispose()


def test_school_year_starts_in_september():
    assert school_year(dt.date(2026, 9, 1)) == 2026
    assert school_year(dt.date(2027, 6, 30)) == 2026


def test_new_course_in_the_record_and_on_disk(sessions, tmp_path):
    root = tmp_path / "courses"
    with db.transaction(sessions, actor="test") as s:
        course = new_course(s, SCHOOL, "tik-python-detyre", "sq", teachers=["mesues1.ict"], root=root)
        first = (course.id, course.code, course.name, course.qualification_code)
        again = new_course(s, SCHOOL, "tik-python-detyre", "en", root=root)
        assert again.code == "TIK-10-2"  # the template's code was taken
    with sessions() as s:
        assert first[1:] == ("TIK-10", "Detyrë: Python bazë dhe pandas", "TIK-3.1")
        assignments = s.scalars(select(Assignment).where(Assignment.course_id == first[0])).all()
        assert [(a.name, a.max_score) for a in assignments] == [("detyra-1-python", 15.0)]
        enrolled = s.scalars(select(Enrolment).where(Enrolment.course_id == first[0])).all()
        assert [(e.person.username, e.role) for e in enrolled] == [("mesues1.ict", "teacher")]
    course_dir = root / "TIK-10"
    assert sorted(p.name for p in (course_dir / "source" / "detyra-1-python").iterdir()) == [
        "python-dhe-pandas.ipynb",
        "shitjet.csv",
    ]
    config = (course_dir / "nbgrader_config.py").read_text(encoding="utf-8")
    assert "c.CourseDirectory.course_id = 'TIK-10'" in config and "SHKRUANI KODIN TUAJ KËTU" in config
    manifest = yaml.safe_load((course_dir / "mesolab-course.yaml").read_text(encoding="utf-8"))
    assert manifest["template"] == "tik-python-detyre" and manifest["assignments"][0]["auto_points"] == 10
    assert (root / "TIK-10-2" / "source" / "assignment-1-python" / "sales.csv").exists()


def test_exam_keeps_its_time_limit(sessions, tmp_path):
    with db.transaction(sessions, actor="test") as s:
        new_course(s, SCHOOL, "kontabilitet-amortizim-provim", "en", code="KON-EXAM", root=tmp_path)
    manifest = yaml.safe_load((tmp_path / "KON-EXAM" / "mesolab-course.yaml").read_text(encoding="utf-8"))
    assert manifest["assignments"] == [
        {
            "name": "exam-depreciation",
            "kind": "exam",
            "notebooks": ["exam.ipynb"],
            "auto_points": 10.0,
            "manual_points": 0.0,
            "time_limit_minutes": 45,
        }
    ]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"template_id": "no-such-template"}, NotFound),
        ({"lang": "de"}, ValidationFailed),
        ({"school_id": "no-such-school"}, ValidationFailed),
        ({"code": "../etc"}, ValidationFailed),
        ({"code": "TIK 10"}, ValidationFailed),
        ({"teachers": ["nxenes01.ict"]}, ValidationFailed),
    ],
)
def test_new_course_refuses_bad_input(sessions, tmp_path, kwargs, error):
    args = {"school_id": SCHOOL, "template_id": "tik-python-detyre", "lang": "sq", **kwargs}
    with pytest.raises(error), db.transaction(sessions, actor="test") as s:
        new_course(s, root=tmp_path, **args)
    with sessions() as s:
        assert s.scalars(select(Course)).all() == []


def test_new_course_refuses_a_taken_code(sessions, tmp_path):
    with db.transaction(sessions, actor="test") as s:
        new_course(s, SCHOOL, "elektro-ohm-mesim", "sq", code="E1")
    with pytest.raises(Conflict), db.transaction(sessions, actor="test") as s:
        new_course(s, SCHOOL, "elektro-ohm-mesim", "sq", code="E1")


def test_a_lesson_has_no_graded_assignment_in_the_record(sessions):
    with db.transaction(sessions, actor="test") as s:
        course = new_course(s, SCHOOL, "elektro-ohm-mesim", "en")
        assert s.scalars(select(Assignment).where(Assignment.course_id == course.id)).all() == []


def test_a_template_is_added_to_an_existing_course(tmp_path):
    course = write_course(tmp_path / "ELE-10", "elektro-ohm-detyre", "sq")
    write_course(course, "elektro-ohm-mesim", "sq")
    assert sorted(p.name for p in (course / "source").iterdir()) == ["detyra-1-ohm", "mesimi-ligji-ohmit"]
    manifest = yaml.safe_load((course / "mesolab-course.yaml").read_text(encoding="utf-8"))
    assert [a["kind"] for a in manifest["assignments"]] == ["assignment", "lesson"]
    with pytest.raises(Conflict):
        write_course(course, "elektro-ohm-mesim", "sq")


def test_cli_course_templates(capsys):
    assert main(["course", "templates", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    for tid in ("tik-python-detyre", "elektro-ohm-mesim", "kontabilitet-amortizim-provim", "trajnim-intensiv"):
        assert tid in out
    assert "45 min" in out


def test_cli_course_new(db_url, tmp_path, capsys):
    argv = ["course", "new", "--db-url", db_url, "--school", "hoteleri-vlore", "--template", "hoteleri-menu-detyre"]
    assert main([*argv, "--lang", "sq", "--dir", str(tmp_path)]) == 0
    assert "created hoteleri-vlore/HOT-10" in capsys.readouterr().out
    assert (tmp_path / "HOT-10" / "source" / "detyra-1-menuja" / "kostoja-e-menuse.ipynb").exists()
    assert main([*argv, "--lang", "sq", "--dir", str(tmp_path), "--code", "HOT-10"]) == 2
    assert "already has a course 'HOT-10'" in capsys.readouterr().err
    assert (
        main(
            [
                "course",
                "new",
                "--template",
                "hoteleri-menu-detyre",
                "--lang",
                "en",
                "--no-record",
                "--dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert (tmp_path / "HOT-10" / "source" / "assignment-1-menu").is_dir()


@pytest.mark.slow
def test_stock_nbgrader_releases_a_scaffolded_course(tmp_path):
    """``nbgrader generate_assignment`` run by a teacher inside the course directory."""
    course = write_course(tmp_path / "HOT-10", "hoteleri-menu-detyre", "sq")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", "detyra-1-menuja"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    nb = nbformat.read(course / "release" / "detyra-1-menuja" / "kostoja-e-menuse.ipynb", as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "SHKRUANI KODIN TUAJ KËTU" in text and "SHKRUANI PËRGJIGJEN TUAJ KËTU" in text
    assert "BEGIN HIDDEN TESTS" not in text and "BEGIN MARK SCHEME" not in text
