"""Who may see what in the exchange (SQLite and PostgreSQL): teachers across schools, students
across students, the source version and hidden tests never reachable with a student's token."""

from __future__ import annotations

import pytest
from cwtools import EX, GZ, bundle, notebook, unpack
from recordtools import A

TA, TB = "mesues.ict", "mesues.mek"  # teachers of PRG1 in school A and B
TRAINER_A = "trajner.ict"  # teaches PRG2 in A, not PRG1
SA, SA2, SB = "nxenes.ict", "nxenes2.ict", "nxenes.mek"
ADMIN_A, ADMIN_B, NATIONAL = "drejtor.ict", "drejtor.mek", "admin.kombetar"


@pytest.fixture
def scene(exchange_api):
    api = exchange_api
    assert api.release(TA, "PRG1").status_code == 201
    assert api.source(TA, "PRG1").status_code == 201
    assert api.release(TB, "PRG1").status_code == 201
    sub_a = api.submit(SA, "PRG1").json()
    sub_a2 = api.submit(SA2, "PRG1").json()
    sub_b = api.submit(SB, "PRG1").json()
    fb_a = api.feedback(TA, sub_a["id"]).json()
    return api, sub_a, sub_a2, sub_b, fb_a


def status(response) -> int:
    return response.status_code


def test_teachers_never_see_another_schools_work(scene):
    api, sub_a, _, sub_b, fb_a = scene
    b = api.as_(TB)
    # the course code resolves inside one's own school: PRG1 for TB is school B's course
    assert [s["student"] for s in b.get(f"{EX}/courses/PRG1/submissions").json()] == [SB]
    for path in (
        f"{EX}/submissions/{sub_a['id']}/files",
        f"{EX}/feedback/{fb_a['id']}/files",
        f"{EX}/courses/PRG1/assignments",
    ):
        params = {"school": A} if "courses" in path else {}
        assert status(b.get(path, params=params)) == 404, path
    assert status(b.get(f"{EX}/courses/PRG1/assignments/ps1/source", params={"school": A})) == 404
    assert (
        status(b.post(f"{EX}/submissions/{sub_a['id']}/feedback", content=bundle({"x.html": "x"}), headers=GZ)) == 404
    )
    admin_b = api.as_(ADMIN_B)
    assert status(admin_b.get(f"{EX}/submissions/{sub_a['id']}/files")) == 404
    assert status(admin_b.get(f"{EX}/courses/PRG1/submissions", params={"school": A})) == 404
    # ...and teacher A does not see school B's
    assert status(api.as_(TA).get(f"{EX}/submissions/{sub_b['id']}/files")) == 404


def test_teachers_of_other_courses_of_the_school_are_refused(scene):
    api, sub_a, *_ = scene
    t = api.as_(TRAINER_A)
    assert status(api.release(TRAINER_A, "PRG1", force=True)) == 403
    assert status(t.get(f"{EX}/courses/PRG1/assignments/ps1/source")) == 403
    assert status(t.get(f"{EX}/courses/PRG1/submissions")) == 403
    assert status(t.get(f"{EX}/submissions/{sub_a['id']}/files")) == 404


def test_students_see_only_their_own_work_and_never_the_source(scene):
    api, sub_a, sub_a2, _, fb_a = scene
    s2 = api.as_(SA2)
    assert [s["student"] for s in s2.get(f"{EX}/courses/PRG1/submissions").json()] == [SA2]
    assert [s["student"] for s in s2.get(f"{EX}/courses/PRG1/submissions", params={"student": SA}).json()] == []
    assert status(s2.get(f"{EX}/submissions/{sub_a['id']}/files")) == 404
    assert status(s2.get(f"{EX}/feedback/{fb_a['id']}/files")) == 404
    assert s2.get(f"{EX}/courses/PRG1/feedback").json() == []
    source = s2.get(f"{EX}/courses/PRG1/assignments/ps1/source")
    assert status(source) == 403 and "teachers only" in source.json()["message"]
    release = s2.get(f"{EX}/courses/PRG1/assignments/ps1/release")
    files = unpack(release.content)
    assert all(b"HIDDEN TESTS" not in data and b"BEGIN SOLUTION" not in data for data in files.values())
    # students change nothing but their own attempts
    assert status(api.release(SA2, "PRG1", force=True)) == 403
    assert status(api.source(SA2, "PRG1")) == 403
    assert status(api.policy(SA2, "PRG1", late_policy="accept")) == 403
    assert status(s2.delete(f"{EX}/courses/PRG1/assignments/ps1/release")) == 403
    assert status(api.feedback(SA2, sub_a2["id"])) == 403
    assert status(api.feedback(SA2, sub_a["id"])) == 404
    # a student of another school does not see this course at all
    sb = api.as_(SB)
    assert status(sb.get(f"{EX}/courses/PRG1/assignments", params={"school": A})) == 404
    assert status(sb.get(f"{EX}/submissions/{sub_a['id']}/files")) == 404


def test_school_admins_list_but_do_not_read_work_national_admins_read_all(scene):
    api, sub_a, _, sub_b, fb_a = scene
    admin = api.as_(ADMIN_A)
    assert len(admin.get(f"{EX}/courses/PRG1/submissions").json()) == 2
    assert status(admin.get(f"{EX}/submissions/{sub_a['id']}/files")) == 403
    assert status(admin.get(f"{EX}/courses/PRG1/assignments/ps1/source")) == 403
    assert status(admin.get(f"{EX}/courses/PRG1/feedback")) == 403
    assert status(api.release(ADMIN_A, "PRG1", force=True)) == 403
    national = api.as_(NATIONAL)
    assert status(national.get(f"{EX}/submissions/{sub_a['id']}/files")) == 200
    assert status(national.get(f"{EX}/submissions/{sub_b['id']}/files")) == 200
    assert status(national.get(f"{EX}/feedback/{fb_a['id']}/files")) == 200
    assert status(national.get(f"{EX}/courses/PRG1/assignments/ps1/source", params={"school": A})) == 200
    assert status(api.release(NATIONAL, "PRG1", force=True, school=A)) == 403
    assert status(api.submit(TA, "PRG1")) == 403  # teachers do not submit


def test_not_enrolled_student_of_the_school_is_refused(scene, sessions, world):
    import datetime as dt

    from mesolab.record import db
    from mesolab.record.models import Enrolment

    api = scene[0]
    with db.transaction(sessions, "test") as s:
        s.query(Enrolment).filter_by(person_id=world.people[SA2], course_id=world.courses[f"{A}/PRG1"]).delete()
    forbidden = api.submit(SA2, "PRG1", data=bundle({"ps1.ipynb": notebook("x = 1")}))
    assert status(forbidden) == 403 and "not enrolled" in forbidden.json()["message"]
    assert dt  # the enrolment decides, not the hub group
