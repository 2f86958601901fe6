"""The permission matrix of every learning-plan endpoint, on SQLite and PostgreSQL.

Callers: the national admin; school A's admin, teacher (teaches PRG1), trainer (trains PRG2),
two students (``nxenes`` takes PRG1 and PRG2, ``nxenes2`` only PRG1); school B's admin and
teacher. Targets are school A's objects, mostly the plan of ``nxenes.ict``. "ok" means the
caller passed the permission checks: 2xx, or 409 when an earlier caller already made the
same thing.
"""

from __future__ import annotations

import base64

import pytest
from plantools import NATIONAL, A, B, username

DREJTOR, MESUES, TRAJNER, NXENES, NXENES2 = (
    username(k, A) for k in ("drejtor", "mesues", "trajner", "nxenes", "nxenes2")
)
DREJTOR_B, MESUES_B = username("drejtor", B), username("mesues", B)
CALLERS = [NATIONAL, DREJTOR, MESUES, TRAJNER, NXENES, NXENES2, DREJTOR_B, MESUES_B]
OK = "ok"


def expect(default, **by_role):
    """Expected outcome per caller: ``default`` unless named (keys: nat, dre, mes, tra, nx, nx2, dreb, mesb)."""
    keys = dict(zip(("nat", "dre", "mes", "tra", "nx", "nx2", "dreb", "mesb"), CALLERS, strict=True))
    out = {c: default for c in CALLERS}
    for key, value in by_role.items():
        out[keys[key]] = value
    return out


STAFF_OF_NX = dict(nat=OK, dre=OK, mes=OK, tra=OK)
NOT_SEEN = dict(nx2=404, dreb=404, mesb=404)


def cases(w, pw, extra):
    """(name, method, path, json body per caller, expected per caller)."""
    plan = pw.plans[NXENES]
    k1 = pw.entries[NXENES]["K1"]
    goal = pw.goals[NXENES][0]
    f = pw.framework
    k2 = pw.competencies["K2"]
    tmpl = pw.templates[A]
    prg1, prg2 = w.courses[f"{A}/PRG1"], w.courses[f"{A}/PRG2"]
    slug = {c: c.replace(".", "-") for c in CALLERS}
    file64 = base64.b64encode(b'{"cells": []}').decode()
    return [
        ("list frameworks", "get", "/frameworks", None, expect(200)),
        ("one framework", "get", f"/frameworks/{f}", None, expect(200)),
        (
            "add framework",
            "post",
            "/frameworks",
            lambda c: {"qualification_code": f"Q-{slug[c]}", "name_sq": "Q", "name_en": "Q"},
            expect(403, nat=OK),
        ),
        ("change framework", "patch", f"/frameworks/{f}", lambda c: {"name_en": "Programming!"}, expect(403, nat=OK)),
        (
            "add competency",
            "post",
            f"/frameworks/{f}/competencies",
            lambda c: {"code": f"X-{slug[c]}", "title_sq": "X", "title_en": "X"},
            expect(403, nat=OK),
        ),
        (
            "change competency",
            "patch",
            f"/frameworks/{f}/competencies/{k2}",
            lambda c: {"title_en": "Loops"},
            expect(403, nat=OK),
        ),
        ("list templates", "get", "/plan-templates", None, expect(200, nx=403, nx2=403)),
        ("one template", "get", f"/plan-templates/{tmpl}", None, expect(200, nx=403, nx2=403, dreb=404, mesb=404)),
        (
            "add template",
            "post",
            "/plan-templates",
            lambda c: {
                "school_id": A,
                "qualification_code": "TIK-3",
                "name": f"T {c}",
                "competencies": [{"code": "K1"}],
            },
            expect(403, nat=OK, dre=OK),
        ),
        (
            "change template",
            "patch",
            f"/plan-templates/{tmpl}",
            lambda c: {"description": f"by {c}"},
            expect(403, nat=OK, dre=OK, dreb=404, mesb=404),
        ),
        (
            "assign template",
            "post",
            f"/plan-templates/{tmpl}/assign",
            lambda c: {"course_id": prg2},
            expect(403, nat=OK, dre=OK, dreb=404, mesb=404),
        ),
        ("list plans", "get", "/plans", None, expect(200)),
        (
            "class overview",
            "get",
            f"/plans/overview?course={prg1}",
            None,
            expect(403, nat=200, dre=200, mes=200, dreb=404, mesb=404),
        ),
        ("list mappings", "get", "/plans/mappings", None, expect(200, nx=403, nx2=403)),
        (
            "add mapping",
            "post",
            "/plans/mappings",
            lambda c: {"assignment_id": w.assignments[f"{A}/PRG1"], "grade_id": f"g-{c}", "competency_id": k2},
            expect(403, nat=OK, dre=OK, mes=OK, dreb=404, mesb=404),
        ),
        (
            "remove mapping",
            "delete",
            lambda c: f"/plans/mappings/{extra['mappings'][c]}",
            None,
            expect(404, nat=OK, dre=OK, mes=OK, nx=403, nx2=403),
        ),
        (
            "create plan",
            "post",
            "/plans",
            lambda c: {"student": NXENES, "template_id": extra["template2"]},
            expect(403, **STAFF_OF_NX, dreb=404, mesb=404),
        ),
        ("one plan", "get", f"/plans/{plan}", None, expect(200, **NOT_SEEN)),
        (
            "change plan",
            "patch",
            f"/plans/{plan}",
            lambda c: {"title": "Plani im"},
            expect(403, **STAFF_OF_NX, **NOT_SEEN),
        ),
        (
            "add goal",
            "post",
            f"/plans/{plan}/goals",
            lambda c: {"title": f"goal of {c}", "due_on": "2026-05-01", "plan_competency_id": k1},
            expect(OK, **NOT_SEEN),
        ),
        ("change goal", "patch", f"/plans/{plan}/goals/{goal}", lambda c: {"done": True}, expect(OK, **NOT_SEEN)),
        (
            "attach file",
            "post",
            f"/plans/{plan}/evidence",
            lambda c: {
                "plan_competency_id": k1,
                "kind": "attachment",
                "title": "Fletorja",
                "filename": "a.ipynb",
                "content_base64": file64,
            },
            expect(403, nx=OK, **NOT_SEEN),
        ),
        (
            "add note",
            "post",
            f"/plans/{plan}/evidence",
            lambda c: {"plan_competency_id": k1, "kind": "note", "title": "Shënim", "text": "mirë"},
            expect(403, **STAFF_OF_NX, **NOT_SEEN),
        ),
        (
            "download file",
            "get",
            f"/plans/{plan}/evidence/{extra['file']}/content",
            None,
            expect(200, **NOT_SEEN),
        ),
        (
            "review",
            "post",
            f"/plans/{plan}/competencies/{k1}/reviews",
            lambda c: {"rating": 3, "comment": "mirë", "approved": True},
            expect(403, **STAFF_OF_NX, **NOT_SEEN),
        ),
    ]


@pytest.fixture
def extra(api, plans, world):
    """Objects made per caller before the matrix runs: a mapping each, one attached file."""
    a1 = world.assignments[f"{A}/PRG1"]
    mappings = {}
    for n, caller in enumerate(CALLERS):
        r = api.as_(NATIONAL).post(
            "/plans/mappings",
            json={"assignment_id": a1, "grade_id": f"del-{n}", "competency_id": plans.competencies["K3"]},
        )
        assert r.status_code == 201, r.text
        mappings[caller] = r.json()["id"]
    r = api.as_(NXENES).post(
        f"/plans/{plans.plans[NXENES]}/evidence",
        json={
            "plan_competency_id": plans.entries[NXENES]["K2"],
            "kind": "attachment",
            "title": "x",
            "content_base64": base64.b64encode(b"print(1)").decode(),
            "filename": "x.py",
        },
    )
    assert r.status_code == 201, r.text
    file_id = r.json()["id"]
    # a second qualification, so that one plan can still be created
    r = api.as_(NATIONAL).post(
        "/frameworks",
        json={
            "qualification_code": "TIK-4",
            "name_sq": "Rrjete",
            "name_en": "Networks",
            "competencies": [{"code": "R1", "title_sq": "Kabllon rrjetin", "title_en": "Cables the network"}],
        },
    )
    assert r.status_code == 201, r.text
    r = api.as_(DREJTOR).post(
        "/plan-templates",
        json={
            "school_id": A,
            "qualification_code": "TIK-4",
            "name": "Rrjete",
            "competencies": [{"code": "R1", "target": 2}],
        },
    )
    assert r.status_code == 201, r.text
    return {"mappings": mappings, "file": file_id, "template2": r.json()["id"]}


def test_permission_matrix(api, world, plans, extra):
    failures = []
    for name, method, path, body, expected in cases(world, plans, extra):
        passed_any = False
        for caller in CALLERS:
            url = path(caller) if callable(path) else path
            kwargs = {"json": body(caller)} if body else {}
            r = getattr(api.as_(caller), method)(url, **kwargs)
            want = expected[caller]
            if want == OK:
                good = r.status_code in (200, 201, 204, 409)
                passed_any |= r.status_code < 300
            else:
                good = r.status_code == want
            if r.status_code >= 400:
                assert set(r.json()) >= {"error", "message"}, (name, caller, r.text)
            if not good:
                failures.append(f"{name}: {caller} got {r.status_code}, expected {want}: {r.text[:160]}")
        if OK in expected.values() and not passed_any:
            failures.append(f"{name}: nobody succeeded")
    assert not failures, "\n".join(failures)


def test_not_logged_in_and_no_role(api, plans):
    r = api.as_(None).get("/plans")
    assert r.status_code == 401 and r.json()["error"] == "not-authenticated"
    r = api.as_("stranger").get(f"/plans/{plans.plans[NXENES]}")
    assert r.status_code == 403 and r.json()["error"] == "forbidden"


def test_lists_show_only_what_one_may_see(api, world, plans):
    def students(who, **params):
        r = api.as_(who).get("/plans", params={"limit": 500, **params})
        assert r.status_code == 200, r.text
        return {p["student"] for p in r.json()["items"]}

    a_students = {NXENES, NXENES2}
    assert students(NATIONAL) == a_students | {username("nxenes", B), username("nxenes2", B)}
    assert students(DREJTOR) == a_students
    assert students(MESUES) == a_students
    assert students(TRAJNER) == {NXENES}
    assert students(NXENES) == {NXENES}
    assert students(NXENES2) == {NXENES2}
    assert students(DREJTOR_B) == {username("nxenes", B), username("nxenes2", B)}
    # filters never widen
    assert students(MESUES, student=username("nxenes", B)) == set()
    assert students(NXENES, student=NXENES2) == set()
    templates = api.as_(DREJTOR).get("/plan-templates").json()["items"]
    assert {t["school_id"] for t in templates} == {A, None}
    mappings = api.as_(TRAJNER).get("/plans/mappings").json()["items"]
    assert mappings == []  # the only mapping is of PRG1, which the trainer does not train
    assert len(api.as_(MESUES).get("/plans/mappings").json()["items"]) == 1
    assert api.as_(DREJTOR_B).get("/plans/mappings").json()["items"] == []
