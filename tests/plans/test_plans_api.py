"""What the learning-plan API does, on SQLite and PostgreSQL: the review cycle, attachments,
templates and bulk assignment, the class overview, the audit log."""

from __future__ import annotations

import base64

from plantools import NATIONAL, A, B, username

DREJTOR, MESUES, NXENES, NXENES2 = (username(k, A) for k in ("drejtor", "mesues", "nxenes", "nxenes2"))


def plan_of(api, who, plan_id):
    r = api.as_(who).get(f"/plans/{plan_id}")
    assert r.status_code == 200, r.text
    return r.json()


def entry(plan, code):
    return next(c for c in plan["competencies"] if c["code"] == code)


def test_plan_has_the_template_content(api, plans):
    plan = plan_of(api, NXENES, plans.plans[NXENES])
    assert plan["status"] == "active" and plan["qualification_code"] == "TIK-3"
    assert [c["code"] for c in plan["competencies"]] == ["K1", "K2", "K3"]
    assert all(c["review_status"] == "idle" and c["target"] == 3 for c in plan["competencies"])
    assert plan["framework"]["max_level"] == 4 and len(plan["framework"]["scale"]) == 5
    goals = {g["title"]: g for g in plan["goals"]}
    assert goals["Mbaro ushtrimet e cikleve"]["plan_competency_id"] == entry(plan, "K1")["id"]
    assert goals["Mbaro ushtrimet e cikleve"]["due_on"] is not None
    assert goals["Lexo kapitullin 2"]["due_on"] is None


def test_goal_done_waits_for_review_then_teacher_approves(api, plans):
    plan_id = plans.plans[NXENES]
    goal = next(g for g in plan_of(api, NXENES, plan_id)["goals"] if g["plan_competency_id"])
    r = api.as_(NXENES).patch(f"/plans/{plan_id}/goals/{goal['id']}", json={"done": True})
    assert r.status_code == 200 and r.json()["done"] and r.json()["done_at"]
    plan = plan_of(api, MESUES, plan_id)
    assert entry(plan, "K1")["review_status"] == "waiting_for_review"
    assert plan["status"] == "in_review" and plan["waiting_for_review"] == 1
    waiting = api.as_(MESUES).get("/plans", params={"status": "in_review"}).json()["items"]
    assert [p["student"] for p in waiting] == [NXENES]
    # a comment without approval: in review
    k1 = entry(plan, "K1")["id"]
    r = api.as_(MESUES).post(f"/plans/{plan_id}/competencies/{k1}/reviews", json={"comment": "Shto një test"})
    assert r.status_code == 201 and entry(r.json(), "K1")["review_status"] == "in_review"
    # approval without any rating is refused
    r = api.as_(MESUES).post(f"/plans/{plan_id}/competencies/{k1}/reviews", json={"approved": True})
    assert r.status_code == 422 and "rating" in r.json()["message"]
    r = api.as_(MESUES).post(
        f"/plans/{plan_id}/competencies/{k1}/reviews", json={"rating": 3, "comment": "Shumë mirë", "approved": True}
    )
    assert r.status_code == 201, r.text
    plan = r.json()
    k1_entry = entry(plan, "K1")
    assert k1_entry["review_status"] == "reviewed" and k1_entry["rating"] == 3
    assert [(v["reviewer"], v["approved"]) for v in k1_entry["reviews"]] == [(MESUES, False), (MESUES, True)]
    assert plan["status"] == "active"
    # the student sees the teacher's comment
    assert entry(plan_of(api, NXENES, plan_id), "K1")["reviews"][-1]["comment"] == "Shumë mirë"
    # out-of-scale rating
    r = api.as_(MESUES).post(f"/plans/{plan_id}/competencies/{k1}/reviews", json={"rating": 9})
    assert r.status_code == 422


def test_attachment_round_trip_and_limits(api, plans):
    plan_id, k2 = plans.plans[NXENES], plans.entries[NXENES]["K2"]
    notebook = '{"cells": [{"cell_type": "code", "source": "print(\'Përshëndetje\')"}]}'.encode()
    r = api.as_(NXENES).post(
        f"/plans/{plan_id}/evidence",
        json={
            "plan_competency_id": k2,
            "kind": "attachment",
            "title": "Detyra ime",
            "reference": "detyra.ipynb",
            "filename": "detyra.ipynb",
            "content_type": "application/x-ipynb+json",
            "content_base64": base64.b64encode(notebook).decode(),
        },
    )
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["size"] == len(notebook) and ev["created_by"] == NXENES and ev["kind"] == "attachment"
    assert entry(plan_of(api, NXENES, plan_id), "K2")["review_status"] == "waiting_for_review"
    r = api.as_(MESUES).get(f"/plans/{plan_id}/evidence/{ev['id']}/content")
    assert r.status_code == 200 and r.content == notebook
    assert r.headers["content-type"].startswith("application/x-ipynb+json")
    assert 'filename="detyra.ipynb"' in r.headers["content-disposition"]
    too_big = base64.b64encode(b"x" * (2 * 1024 * 1024 + 1)).decode()
    r = api.as_(NXENES).post(
        f"/plans/{plan_id}/evidence",
        json={"plan_competency_id": k2, "kind": "attachment", "title": "big", "content_base64": too_big},
    )
    assert r.status_code == 422 and r.json()["error"] == "invalid"
    # a competency entry of another plan
    other = plans.entries[NXENES2]["K1"]
    r = api.as_(NXENES).post(
        f"/plans/{plan_id}/evidence", json={"plan_competency_id": other, "kind": "attachment", "title": "x"}
    )
    assert r.status_code == 404
    # a note has no file
    r = api.as_(MESUES).post(
        f"/plans/{plan_id}/evidence", json={"plan_competency_id": k2, "kind": "note", "title": "Shënim", "text": "ok"}
    )
    assert api.as_(NXENES).get(f"/plans/{plan_id}/evidence/{r.json()['id']}/content").status_code == 404


def test_student_adds_own_goal_and_plan_status_by_teacher(api, plans):
    plan_id = plans.plans[NXENES2]
    r = api.as_(NXENES2).post(f"/plans/{plan_id}/goals", json={"title": "Mëso për provimin", "due_on": "2026-06-01"})
    assert r.status_code == 201 and r.json()["due_on"] == "2026-06-01"
    r = api.as_(NXENES2).patch(f"/plans/{plan_id}", json={"status": "complete"})
    assert r.status_code == 403
    r = api.as_(MESUES).patch(f"/plans/{plan_id}", json={"status": "complete"})
    assert r.status_code == 200 and r.json()["status"] == "complete"
    r = api.as_(MESUES).patch(f"/plans/{plan_id}", json={"status": "finished"})
    assert r.status_code == 422 and r.json()["error"] == "invalid"


def test_frameworks_templates_and_bulk_assignment(api, world):
    r = api.as_(NATIONAL).post(
        "/frameworks",
        json={
            "qualification_code": "TIK-3",
            "name_sq": "Programim",
            "name_en": "Programming",
            "scale": [{"level": 0, "sq": "Jo", "en": "No"}, {"level": 1, "sq": "Po", "en": "Yes"}],
            "competencies": [
                {"code": "P1", "title_sq": "Shkruan cikle", "title_en": "Writes loops"},
                {"code": "P2", "title_sq": "Shkruan funksione", "title_en": "Writes functions", "position": 1},
            ],
        },
    )
    assert r.status_code == 201, r.text
    framework = r.json()
    assert [c["code"] for c in framework["competencies"]] == ["P1", "P2"]
    assert api.as_(NATIONAL).post("/frameworks", json={**framework, "competencies": []}).status_code == 422
    r = api.as_(NATIONAL).post("/frameworks", json={"qualification_code": "TIK-3", "name_sq": "x", "name_en": "x"})
    assert r.status_code == 409
    bad_scale = {
        "qualification_code": "Z",
        "name_sq": "x",
        "name_en": "x",
        "scale": [{"level": 1, "sq": "a", "en": "a"}],
    }
    assert api.as_(NATIONAL).post("/frameworks", json=bad_scale).status_code == 422
    # templates are checked against the framework
    body = {"school_id": A, "qualification_code": "TIK-3", "name": "Viti 1", "competencies": [{"code": "P9"}]}
    r = api.as_(DREJTOR).post("/plan-templates", json=body)
    assert r.status_code == 422 and "P9" in r.json()["message"]
    body["competencies"] = [{"code": "P1", "target": 1}, {"code": "P2", "target": 5}]
    r = api.as_(DREJTOR).post("/plan-templates", json=body)
    assert r.status_code == 422 and "between 0 and 1" in r.json()["message"]
    body["competencies"] = [{"code": "P1", "target": 1}, {"code": "P2", "target": 1}]
    body["goals"] = [{"title": "Mbaro ciklet", "competency": "P1", "due_in_days": 7}]
    r = api.as_(DREJTOR).post("/plan-templates", json=body)
    assert r.status_code == 201, r.text
    template = r.json()
    assert api.as_(DREJTOR).post("/plan-templates", json=body).status_code == 409
    national = {**body, "school_id": None, "name": "Kombëtar"}
    assert api.as_(DREJTOR).post("/plan-templates", json=national).status_code == 403
    assert api.as_(NATIONAL).post("/plan-templates", json=national).status_code == 201
    # bulk: every student of PRG1, then of the qualification (idempotent)
    prg1 = world.courses[f"{A}/PRG1"]
    r = api.as_(DREJTOR).post(f"/plan-templates/{template['id']}/assign", json={"course_id": prg1})
    assert r.status_code == 200, r.text
    assert r.json()["created"] == [NXENES, NXENES2] and r.json()["skipped"] == {}
    r = api.as_(DREJTOR).post(f"/plan-templates/{template['id']}/assign", json={"qualification_code": "TIK-3"})
    assert r.json()["created"] == [] and set(r.json()["skipped"]) == {NXENES, NXENES2}
    r = api.as_(DREJTOR).post(
        f"/plan-templates/{template['id']}/assign", json={"qualification_code": "TIK-3", "school_id": B}
    )
    assert r.status_code == 403
    r = api.as_(DREJTOR).post(
        f"/plan-templates/{template['id']}/assign", json={"course_id": prg1, "qualification_code": "X"}
    )
    assert r.status_code == 422
    # a school's template never reaches another school's students, even for the national admin
    r = api.as_(NATIONAL).post(f"/plan-templates/{template['id']}/assign", json={"qualification_code": "TIK-3"})
    assert r.json()["created"] == []
    plans_b = api.as_(NATIONAL).get("/plans", params={"school": B}).json()["items"]
    assert plans_b == []
    plan = plan_of(api, NXENES, api.as_(NXENES).get("/plans").json()["items"][0]["id"])
    assert plan["title"] == "Viti 1" and [g["title"] for g in plan["goals"]] == ["Mbaro ciklet"]


def test_class_overview(api, world, plans):
    k1 = plans.entries[NXENES]["K1"]
    api.as_(MESUES).post(
        f"/plans/{plans.plans[NXENES]}/competencies/{k1}/reviews", json={"rating": 2, "approved": True}
    )
    r = api.as_(MESUES).get("/plans/overview", params={"course": world.courses[f"{A}/PRG1"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["course_code"] == "PRG1" and [c["code"] for c in body["competencies"]] == ["K1", "K2", "K3"]
    rows = {s["student"]: s for s in body["students"]}
    assert set(rows) == {NXENES, NXENES2}
    assert rows[NXENES]["cells"]["K1"] == {
        "rating": 2,
        "suggested_rating": None,
        "target": 3,
        "review_status": "reviewed",
    }
    assert rows[NXENES2]["cells"]["K1"]["rating"] is None


def test_plan_changes_are_in_the_audit_log(api, plans):
    goal = plans.goals[NXENES][0]
    api.as_(NXENES).patch(f"/plans/{plans.plans[NXENES]}/goals/{goal}", json={"done": True})
    entries = api.as_(DREJTOR).get("/audit", params={"limit": 500}).json()["items"]
    changed = [(e["actor"], e["action"], e["entity"]) for e in entries if e["actor"] == NXENES]
    assert (NXENES, "update", "plan-goal") in changed
    assert (NXENES, "update", "plan-competency") in changed
    assert (NXENES, "update", "learning-plan") in changed
    seeded = {e["entity"] for e in entries if e["actor"] == "seed"}
    assert {"learning-plan", "plan-competency", "plan-goal", "plan-template"} <= seeded
    only = api.as_(DREJTOR).get("/audit", params={"entity": "plan-goal", "actor": NXENES}).json()["items"]
    assert len(only) == 1 and only[0]["school_id"] == A and only[0]["after"]["done"] is True
    # school B's admin sees none of school A's plan changes
    entries_b = api.as_(username("drejtor", B)).get("/audit", params={"limit": 500}).json()["items"]
    assert not [e for e in entries_b if e["actor"] == NXENES]
