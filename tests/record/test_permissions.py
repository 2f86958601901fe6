"""The permission matrix: each role of school A against school A's and school B's data.

Reads: every list shows exactly what the role may see, and nothing of school B; every
object of school B answers 404. Writes: each role may change exactly what it is allowed
to in school A, and nothing in school B.
"""

import pytest
from recordtools import NATIONAL, A, B, username

DREJTOR, MESUES, TRAJNER, NXENES, NXENES2 = (
    username(k, A) for k in ("drejtor", "mesues", "trajner", "nxenes", "nxenes2")
)
A_ROLES = [DREJTOR, MESUES, TRAJNER, NXENES, NXENES2]
EVERYONE = [NATIONAL, *A_ROLES]


def items(api, who, path, **params):
    r = api.as_(who).get(path, params={"limit": 500, **params})
    assert r.status_code == 200, (who, path, r.text)
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def test_schools(api):
    for who in EVERYONE:
        ids = {s["id"] for s in items(api, who, "/schools")}
        assert ids == ({A, B} if who == NATIONAL else {A}), who
        status = api.as_(who).get(f"/schools/{B}").status_code
        assert status == (200 if who == NATIONAL else 404), who


def test_people(api, world):
    for who in EVERYONE:
        names = {p["username"] for p in items(api, who, "/people")}
        if who == NATIONAL:
            expected = set(world.people)
        elif who in (NXENES, NXENES2):
            expected = {who}
        else:
            expected = world.school_people(A)
        assert names == expected, who
        # filters never widen what one sees
        assert {p["username"] for p in items(api, who, "/people", school=B)} == (
            world.school_people(B) if who == NATIONAL else set()
        )
        status = api.as_(who).get(f"/people/{username('nxenes', B)}").status_code
        assert status == (200 if who == NATIONAL else 404), who


def test_people_filters(api, world):
    students = {p["username"] for p in items(api, DREJTOR, "/people", role="student")}
    assert students == {NXENES, NXENES2}
    found = items(api, NATIONAL, "/people", q="hoxha")
    assert {p["username"] for p in found} == {MESUES, username("mesues", B)}


def test_courses(api, world):
    a1, a2 = world.courses[f"{A}/PRG1"], world.courses[f"{A}/PRG2"]
    for who in EVERYONE:
        ids = {c["id"] for c in items(api, who, "/courses")}
        expected = {
            NATIONAL: set(world.courses.values()),
            NXENES: {a1, a2},
            NXENES2: {a1},
        }.get(who, {a1, a2})
        assert ids == expected, who
        status = api.as_(who).get(f"/courses/{world.courses[f'{B}/PRG1']}").status_code
        assert status == (200 if who == NATIONAL else 404), who
    assert {c["id"] for c in items(api, DREJTOR, "/courses", teacher=MESUES)} == {a1}


def test_enrolments(api, world):
    for who in EVERYONE:
        rows = items(api, who, "/enrolments")
        people = {e["username"] for e in rows}
        schools = {e["school_id"] for e in rows}
        if who == NATIONAL:
            assert len(rows) == 10 and schools == {A, B}
        elif who in (NXENES, NXENES2):
            assert people == {who}
            assert len(rows) == (2 if who == NXENES else 1)
        else:
            assert len(rows) == 5 and schools == {A}, who
    b_enrolment = items(api, NATIONAL, "/enrolments", school=B)[0]["id"]
    for who in A_ROLES:
        assert api.as_(who).get(f"/enrolments/{b_enrolment}").status_code == 404


def test_assignments(api, world):
    a = {world.assignments[f"{A}/PRG1"], world.assignments[f"{A}/PRG2"]}
    for who in EVERYONE:
        ids = {x["id"] for x in items(api, who, "/assignments")}
        expected = {NATIONAL: set(world.assignments.values()), NXENES2: {world.assignments[f"{A}/PRG1"]}}.get(who, a)
        assert ids == expected, who
        status = api.as_(who).get(f"/assignments/{world.assignments[f'{B}/PRG1']}").status_code
        assert status == (200 if who == NATIONAL else 404), who


def test_grades(api, world):
    prg1, prg2 = world.assignments[f"{A}/PRG1"], world.assignments[f"{A}/PRG2"]
    for who in EVERYONE:
        rows = items(api, who, "/grades")
        seen = {(g["student"], g["assignment_id"]) for g in rows}
        expected = {
            NATIONAL: None,
            DREJTOR: {(NXENES, prg1), (NXENES, prg2), (NXENES2, prg1)},
            MESUES: {(NXENES, prg1), (NXENES2, prg1)},
            TRAJNER: {(NXENES, prg2)},
            NXENES: {(NXENES, prg1), (NXENES, prg2)},
            NXENES2: {(NXENES2, prg1)},
        }[who]
        if expected is None:
            assert len(rows) == 6
        else:
            assert seen == expected, who
    b_grade = items(api, NATIONAL, "/grades", school=B)[0]["id"]
    for who in A_ROLES:
        assert api.as_(who).get(f"/grades/{b_grade}").status_code == 404


def test_audit(api):
    for who in EVERYONE:
        r = api.as_(who).get("/audit", params={"limit": 500})
        if who == NATIONAL:
            assert r.status_code == 200 and {e["school_id"] for e in r.json()["items"]} >= {A, B}
        elif who == DREJTOR:
            assert r.status_code == 200 and {e["school_id"] for e in r.json()["items"]} == {A}
        else:
            assert r.status_code == 403, who
            assert r.json()["error"] == "forbidden"


def expect(response, status, who):
    assert response.status_code == status, (who, response.status_code, response.text)
    if status >= 400:
        body = response.json()
        assert set(body) >= {"error", "message"} and body["message"], body


@pytest.mark.parametrize(
    "who,status",
    [(NATIONAL, 201), (DREJTOR, 201), (MESUES, 403), (TRAJNER, 403), (NXENES, 403)],
)
def test_create_person(api, who, status):
    body = {
        "username": f"i-ri.{status}.{who.split('.')[0]}",
        "first_name": "Çlirim",
        "last_name": "Ëmeri",
        "school_id": A,
        "role": "student",
    }
    expect(api.as_(who).post("/people", json=body), status, who)
    other = {**body, "username": body["username"] + "b", "school_id": B}
    expect(api.as_(who).post("/people", json=other), 201 if who == NATIONAL else 403, who)


@pytest.mark.parametrize(
    "who,own,foreign",
    [(NATIONAL, 200, 200), (DREJTOR, 200, 404), (MESUES, 403, 404), (TRAJNER, 403, 404), (NXENES, 404, 404)],
)
def test_update_person(api, who, own, foreign):
    expect(api.as_(who).patch(f"/people/{NXENES2}", json={"first_name": "Ëlira"}), own, who)
    expect(api.as_(who).patch(f"/people/{username('nxenes2', B)}", json={"first_name": "Ëlira"}), foreign, who)


def test_student_cannot_change_self(api):
    expect(api.as_(NXENES).patch(f"/people/{NXENES}", json={"first_name": "X"}), 403, NXENES)


def test_school_admin_cannot_make_national_admins(api):
    body = {"username": "grusht", "first_name": "A", "last_name": "B", "role": "national-admin"}
    expect(api.as_(DREJTOR).post("/people", json=body), 403, DREJTOR)
    expect(api.as_(DREJTOR).patch(f"/people/{NXENES}", json={"role": "national-admin"}), 403, DREJTOR)
    expect(api.as_(DREJTOR).patch(f"/people/{NXENES}", json={"school_id": B}), 403, DREJTOR)


# teachers and trainers may add a course in their own school: they then teach it
@pytest.mark.parametrize("who,status", [(NATIONAL, 201), (DREJTOR, 201), (MESUES, 201), (TRAJNER, 201), (NXENES, 403)])
def test_create_course(api, who, status):
    body = {
        "school_id": A,
        "code": f"WEB-{who[:4]}",
        "name": "Zhvillim uebi",
        "qualification_code": "TIK-3",
        "year": 2025,
    }
    expect(api.as_(who).post("/courses", json=body), status, who)
    expect(api.as_(who).post("/courses", json={**body, "school_id": B}), 201 if who == NATIONAL else 403, who)
    if who in (MESUES, TRAJNER):
        mine = api.as_(who).get("/enrolments", params={"limit": 500}).json()["items"]
        assert any(e["course_code"] == body["code"] and e["username"] == who for e in mine)


@pytest.mark.parametrize("who,status", [(NATIONAL, 200), (DREJTOR, 200), (MESUES, 403), (TRAJNER, 403), (NXENES, 403)])
def test_update_course(api, world, who, status):
    expect(api.as_(who).patch(f"/courses/{world.courses[f'{A}/PRG1']}", json={"name": "Programim bazë"}), status, who)
    foreign = api.as_(who).patch(f"/courses/{world.courses[f'{B}/PRG1']}", json={"name": "X"})
    expect(foreign, 200 if who == NATIONAL else 404, who)


@pytest.mark.parametrize("who,status", [(NATIONAL, 201), (DREJTOR, 201), (MESUES, 403), (TRAJNER, 403), (NXENES, 403)])
def test_create_enrolment(api, world, who, status):
    body = {
        "username": NXENES2,
        "course_id": world.courses[f"{A}/PRG2"],
        "role": "student",
        "active_from": "2025-09-15",
    }
    expect(api.as_(who).post("/enrolments", json=body), status, who)
    foreign = {**body, "username": username("nxenes2", B), "course_id": world.courses[f"{B}/PRG2"]}
    expect(api.as_(who).post("/enrolments", json=foreign), 201 if who == NATIONAL else 404, who)


@pytest.mark.parametrize(
    "who,own,foreign",
    [(NATIONAL, 200, 200), (DREJTOR, 200, 404), (MESUES, 403, 404), (TRAJNER, 403, 404), (NXENES, 403, 404)],
)
def test_update_enrolment(api, who, own, foreign):
    mine = items(api, NXENES, "/enrolments")[0]["id"]
    theirs = items(api, NATIONAL, "/enrolments", school=B)[0]["id"]
    expect(api.as_(who).patch(f"/enrolments/{mine}", json={"active_until": "2026-06-30"}), own, who)
    expect(api.as_(who).patch(f"/enrolments/{theirs}", json={"active_until": "2026-06-30"}), foreign, who)


@pytest.mark.parametrize(
    "who,prg1,prg2",
    [(NATIONAL, 201, 201), (DREJTOR, 201, 201), (MESUES, 201, 403), (TRAJNER, 403, 201), (NXENES, 403, 403)],
)
def test_create_assignment(api, world, who, prg1, prg2):
    for code, status in (("PRG1", prg1), ("PRG2", prg2)):
        body = {"course_id": world.courses[f"{A}/{code}"], "name": f"Projekt {who}", "max_score": 20}
        expect(api.as_(who).post("/assignments", json=body), status, who)
    foreign = {"course_id": world.courses[f"{B}/PRG1"], "name": f"Projekt {who}"}
    # students are refused outright (403); staff of school A cannot even see school B (404)
    expected = 201 if who == NATIONAL else 403 if who == NXENES else 404
    expect(api.as_(who).post("/assignments", json=foreign), expected, who)


@pytest.mark.parametrize(
    "who,prg1,prg2",
    [(NATIONAL, 200, 200), (DREJTOR, 200, 200), (MESUES, 200, 403), (TRAJNER, 403, 200), (NXENES, 403, 403)],
)
def test_update_assignment(api, world, who, prg1, prg2):
    for code, status in (("PRG1", prg1), ("PRG2", prg2)):
        expect(
            api.as_(who).patch(f"/assignments/{world.assignments[f'{A}/{code}']}", json={"max_score": 12}), status, who
        )
    foreign = api.as_(who).patch(f"/assignments/{world.assignments[f'{B}/PRG1']}", json={"max_score": 12})
    expect(foreign, 200 if who == NATIONAL else 404, who)


@pytest.mark.parametrize(
    "who,prg1,prg2",
    [
        (NATIONAL, 200, 200),
        (DREJTOR, 200, 200),
        (MESUES, 200, 403),
        (TRAJNER, 403, 200),
        (NXENES, 403, 403),
        (NXENES2, 403, 403),
    ],
)
def test_grade_events(api, world, who, prg1, prg2):
    for code, status in (("PRG1", prg1), ("PRG2", prg2)):
        event = {
            "event_id": f"{who}-{code}",
            "student": NXENES,
            "assignment_id": world.assignments[f"{A}/{code}"],
            "score": 9,
            "version": 5,
        }
        expect(api.as_(who).post("/grades/events", json=event), status, who)
        manual = {"student": NXENES, "assignment_id": world.assignments[f"{A}/{code}"], "score": 8}
        expect(api.as_(who).post("/grades", json=manual), status, who)
    foreign = {
        "event_id": f"{who}-B",
        "student": username("nxenes", B),
        "assignment_id": world.assignments[f"{B}/PRG1"],
        "score": 1,
    }
    expected = 200 if who == NATIONAL else 403 if who in (NXENES, NXENES2) else 404
    expect(api.as_(who).post("/grades/events", json=foreign), expected, who)


@pytest.mark.parametrize("who,status", [(NATIONAL, 200), (DREJTOR, 200), (MESUES, 403), (TRAJNER, 403), (NXENES, 403)])
def test_import(api, who, status):
    csv = f"username;first_name;last_name;school;role\nri.{who[:3]};Ëngjëll;Çela;{A};student\n".encode()
    r = api.as_(who).post(
        "/import/people", params={"dry_run": "true"}, content=csv, headers={"Content-Type": "text/csv"}
    )
    expect(r, status, who)
    foreign = f"username;first_name;last_name;school;role\nri.{who[:3]};Ëngjëll;Çela;{B};student\n".encode()
    r = api.as_(who).post(
        "/import/people", params={"dry_run": "true"}, content=foreign, headers={"Content-Type": "text/csv"}
    )
    expect(r, status, who)
    if status == 200:
        assert r.json()["ok"] is (who == NATIONAL), r.json()


def test_no_role_and_unknown_service(api):
    r = api.as_("i-panjohur").get("/me")
    assert r.status_code == 403 and "no MësoLab role" in r.json()["message"]
    api.users["grader"] = {"name": "grader", "kind": "service", "groups": []}
    r = api.as_("grader").get("/people")
    assert r.status_code == 403 and "trusted_services" in r.json()["message"]


def test_trusted_service_acts_nationally(api):
    api.client.app.state.config.trusted_services = ["grader"]
    api.users["grader"] = {"name": "grader", "kind": "service"}
    assert api.as_("grader").get("/people").json()["total"] == 11


def test_not_authenticated(api):
    r = api.as_(None).get("/people")
    assert r.status_code == 401 and r.json()["error"] == "not-authenticated"
