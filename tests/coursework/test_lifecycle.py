"""The whole lifecycle through nbgrader's own CLI, between users who share no directory, against
the real hub and service: release → list → fetch → submit (twice) → collect → autograde →
generate/release feedback → fetch feedback, with the grades reaching the central record."""

from __future__ import annotations

import concurrent.futures
import json

import pytest
from lifetools import answer, make_user, source_notebook
from sqlalchemy import select

from mesolab.demo import record_db_url
from mesolab.record import db
from mesolab.record.models import Assignment, Course, Grade, GradeEvent, Person

pytestmark = pytest.mark.slow
COURSE = "TIK-10"
SCHOOL = "ict-tirana"
RIGHT = "def katror(x):\n    return x * x"
WRONG = "def katror(x):\n    return x + x"


def setup_assignment(teacher, name: str) -> None:
    source = teacher.home / "courses" / COURSE / "source" / name
    source.mkdir(parents=True, exist_ok=True)
    (source / f"{name}.ipynb").write_text(source_notebook(), encoding="utf-8")
    teacher.nbgrader("generate_assignment", name)
    teacher.nbgrader("release_assignment", name)


def record(hub):
    engine = db.make_engine(record_db_url(hub.settings))
    return engine, db.session_factory(engine)


def grades_of(hub, name: str) -> tuple[dict, list]:
    engine, sessions = record(hub)
    try:
        with sessions() as s:
            course = s.scalar(select(Course.id).where(Course.code == COURSE, Course.school_id == SCHOOL))
            a = s.scalar(select(Assignment).where(Assignment.course_id == course, Assignment.name == name))
            grades = {
                g.student.username: (g.score, g.max_score, g.graded_by)
                for g in s.scalars(select(Grade).where(Grade.assignment_id == a.id))
            }
            events = [
                (s.get(Person, e.student_id).username, e.actor, e.payload["score"], e.outcome)
                for e in s.scalars(select(GradeEvent).where(GradeEvent.assignment_id == a.id))
            ]
            return grades, events
    finally:
        engine.dispose()


def test_lifecycle_through_nbgrader(local_hub, tmp_path):
    teacher = make_user(local_hub, "mesues1.ict", tmp_path)
    s1 = make_user(local_hub, "nxenes01.ict", tmp_path)
    s2 = make_user(local_hub, "nxenes02.ict", tmp_path)
    setup_assignment(teacher, "ps1")

    listed = s1.nbgrader("list")
    assert f"{COURSE} ps1" in listed.stdout + listed.stderr
    s1.nbgrader("fetch_assignment", "ps1", "--course", COURSE)
    fetched = s1.home / COURSE / "ps1" / "ps1.ipynb"
    text = fetched.read_text()
    assert "BEGIN SOLUTION" not in text and "FSHEHUR-TEST" not in text and "Zgjidhja e mësuesit" not in text
    again = s1.nbgrader("fetch_assignment", "ps1", "--course", COURSE, check=False)
    assert again.returncode != 0 and "already have a copy" in again.stdout + again.stderr

    answer(fetched, WRONG)
    s1.nbgrader("submit", "ps1", "--course", COURSE)
    answer(fetched, RIGHT)
    s1.nbgrader("submit", "ps1", "--course", COURSE)
    s2.nbgrader("fetch_assignment", "ps1", "--course", COURSE)
    answer(s2.home / COURSE / "ps1" / "ps1.ipynb", WRONG)
    s2.nbgrader("submit", "ps1", "--course", COURSE)

    cached = s1.nbgrader("list", "--cached")
    out = cached.stdout + cached.stderr
    assert out.count(f"{COURSE} nxenes01.ict ps1") == 2 and "nxenes02.ict" not in out

    inbound = teacher.nbgrader("list", "--inbound")
    out = inbound.stdout + inbound.stderr
    assert "nxenes01.ict ps1" in out and "nxenes02.ict ps1" in out

    teacher.nbgrader("collect", "ps1")
    course_root = teacher.home / "courses" / COURSE
    stamp1 = (course_root / "submitted" / "nxenes01.ict" / "ps1" / "timestamp.txt").read_text()
    assert stamp1.endswith("UTC")
    teacher.nbgrader("autograde", "ps1")
    teacher.nbgrader("generate_feedback", "ps1")
    teacher.nbgrader("release_feedback", "ps1")

    grades, events = grades_of(local_hub, "ps1")
    assert grades["nxenes01.ict"][:2] == (2.0, 5.0)  # tests pass (2); the written answer is not graded yet
    assert grades["nxenes02.ict"][:2] == (0.0, 5.0)
    # teachers' events (the grading workers may add their own autograde events: older versions)
    assert {e[1] for e in events if not e[1].startswith("mesolab-")} == {"mesues1.ict"}

    s1.nbgrader("fetch_feedback", "ps1", "--course", COURSE)
    feedback = list((s1.home / COURSE / "ps1" / "feedback").glob("*/ps1.html"))
    assert len(feedback) == 1 and feedback[0].parent.name == stamp1
    cached = s1.nbgrader("list", "--cached")
    assert "(feedback already fetched)" in cached.stdout + cached.stderr
    assert not (s2.home / COURSE / "ps1" / "feedback").exists()

    # with the students' own tokens: no source, no hidden tests, nobody else's work
    import httpx

    for student in (s1, s2):
        headers = {"Authorization": f"token {student.token}"}
        base = student.service + f"api/v1/exchange/courses/{COURSE}"
        assert httpx.get(f"{base}/assignments/ps1/source", headers=headers).status_code == 403
        release = httpx.get(f"{base}/assignments/ps1/release", headers=headers)
        assert release.status_code == 200
        import gzip

        assert b"FSHEHUR-TEST" not in gzip.decompress(release.content)
        mine = httpx.get(f"{base}/submissions", headers=headers).json()
        assert {m["student"] for m in mine} == {student.name}
        other = next(x for x in (s1, s2) if x is not student)
        theirs = httpx.get(f"{base}/submissions", headers={"Authorization": f"token {other.token}"}).json()
        assert (
            httpx.get(
                f"{student.service}api/v1/exchange/submissions/{theirs[0]['id']}/files", headers=headers
            ).status_code
            == 404
        )

    # the releasing teacher's gradebook is not shared: a second teacher starts from the exchange
    other = make_user(local_hub, "mesues2.ict", tmp_path)
    listed = other.nbgrader("list", "--inbound")
    assert "nxenes01.ict ps1" in listed.stdout + listed.stderr


def _manual_grade(teacher, assignment: str, student: str, points: float, comment: str) -> None:
    code = f"""
from nbgrader.api import Gradebook
with Gradebook('sqlite:///{teacher.home}/courses/{COURSE}/gradebook.db', '{COURSE}') as gb:
    g = gb.find_grade('shpjegimi', '{assignment}', '{assignment}', '{student}')
    g.manual_score = {points}
    c = gb.find_comment('shpjegimi', '{assignment}', '{assignment}', '{student}')
    c.manual_comment = {json.dumps(comment)}
    gb.db.commit()
"""
    import subprocess

    subprocess.run([str(teacher.env()["PATH"].split(":")[0] + "/python"), "-c", code], env=teacher.env(), check=True)


def test_two_teachers_grade_the_same_course_at_once(local_hub, tmp_path):
    t1 = make_user(local_hub, "mesues1.ict", tmp_path)
    t2 = make_user(local_hub, "mesues2.ict", tmp_path)
    setup_assignment(t1, "ps2")
    students = {}
    for n in ("03", "04"):
        s = make_user(local_hub, f"nxenes{n}.ict", tmp_path)
        s.nbgrader("fetch_assignment", "ps2", "--course", COURSE)
        answer(s.home / COURSE / "ps2" / "ps2.ipynb", RIGHT)
        s.nbgrader("submit", "ps2", "--course", COURSE)
        students[n] = s

    # the second teacher needs the assignment in their own gradebook: the source is on the service
    source = t2.home / "courses" / COURSE / "source" / "ps2"
    source.mkdir(parents=True)
    (source / "ps2.ipynb").write_text(source_notebook(), encoding="utf-8")
    t2.nbgrader("generate_assignment", "ps2")

    def grade(teacher, student, points, comment):
        teacher.nbgrader("collect", "ps2")
        teacher.nbgrader("autograde", "ps2", "--student", student)
        _manual_grade(teacher, "ps2", student, points, comment)
        teacher.nbgrader("generate_feedback", "ps2", "--student", student)
        teacher.nbgrader("release_feedback", "ps2", "--student", student)

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        jobs = [
            pool.submit(grade, t1, "nxenes03.ict", 3, "Shumë mirë"),
            pool.submit(grade, t2, "nxenes04.ict", 1, "Shpjegimi është i shkurtër"),
        ]
        for job in jobs:
            job.result()

    grades, events = grades_of(local_hub, "ps2")
    assert grades["nxenes03.ict"] == (5.0, 5.0, "mesues1.ict")
    assert grades["nxenes04.ict"] == (3.0, 5.0, "mesues2.ict")
    teachers = {(e[0], e[1]) for e in events if not e[1].startswith("mesolab-")}
    assert teachers == {("nxenes03.ict", "mesues1.ict"), ("nxenes04.ict", "mesues2.ict")}

    students["03"].nbgrader("fetch_feedback", "ps2", "--course", COURSE)
    html = next((students["03"].home / COURSE / "ps2" / "feedback").glob("*/ps2.html")).read_text()
    assert "Shumë mirë" in html
