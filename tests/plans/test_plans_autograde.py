"""Autograded evidence: mapped nbgrader cells land in the student's plan with a suggested rating."""

from __future__ import annotations

import pytest
from plantools import A, username
from sqlalchemy import select

from mesolab.plans.autograde import cell_scores_from_gradebook, record_autograded_evidence
from mesolab.plans.models import CompetencyMapping, Evidence
from mesolab.record import db

NXENES, MESUES = username("nxenes", A), username("mesues", A)
ASSIGNMENT = "Detyra 1 — çështje"


def record(sessions, world, scores, student=NXENES):
    with db.transaction(sessions, actor="grader") as s:
        written = record_autograded_evidence(s, student, world.courses[f"{A}/PRG1"], ASSIGNMENT, scores)
        return [(e.reference, e.score, e.max_score) for e in written]


def k1(api, plans, who=NXENES):
    plan = api.as_(who).get(f"/plans/{plans.plans[who]}").json()
    return next(c for c in plan["competencies"] if c["code"] == "K1")


def test_mapped_cells_become_evidence_and_suggest_a_rating(api, sessions, world, plans):
    assignment = world.assignments[f"{A}/PRG1"]
    written = record(sessions, world, {"test-cikli": (3, 4), "not-mapped": (1, 1)})
    assert written == [(f"assignment:{assignment}#test-cikli", 3.0, 4.0)]
    entry = k1(api, plans)
    assert [(e["kind"], e["score"], e["max_score"]) for e in entry["evidence"]] == [("autograded", 3.0, 4.0)]
    assert "PRG1" in entry["evidence"][0]["title"] and "test-cikli" in entry["evidence"][0]["title"]
    assert entry["suggested_rating"] == 3.0  # 3/4 of the top level 4
    assert entry["review_status"] == "idle"  # a suggestion, not a claim: no review asked
    # graded again: the same evidence item is updated
    record(sessions, world, {"test-cikli": (4, 4)})
    entry = k1(api, plans)
    assert len(entry["evidence"]) == 1 and entry["suggested_rating"] == 4.0
    # the teacher sees it too
    assert k1(api, plans, NXENES)["evidence"] == k1(api, plans, NXENES)["evidence"]
    assert api.as_(MESUES).get(f"/plans/{plans.plans[NXENES]}").status_code == 200


def test_weights_count_and_cells_of_several_competencies(api, sessions, world, plans):
    a1 = world.assignments[f"{A}/PRG1"]
    with db.transaction(sessions, actor="t") as s:
        s.add(
            CompetencyMapping(
                assignment_id=a1, grade_id="test-funksioni", competency_id=plans.competencies["K1"], weight=3
            )
        )
        s.add(CompetencyMapping(assignment_id=a1, grade_id="test-funksioni", competency_id=plans.competencies["K2"]))
    record(sessions, world, {"test-cikli": (4, 4), "test-funksioni": (0, 2)})
    plan = api.as_(NXENES).get(f"/plans/{plans.plans[NXENES]}").json()
    entries = {c["code"]: c for c in plan["competencies"]}
    # K1: (1 × 1.0 + 3 × 0.0) / 4 × 4 = 1.0
    assert entries["K1"]["suggested_rating"] == 1.0 and len(entries["K1"]["evidence"]) == 2
    assert entries["K2"]["suggested_rating"] == 0.0 and len(entries["K2"]["evidence"]) == 1
    assert entries["K3"]["suggested_rating"] is None


def test_nothing_happens_without_mapping_plan_or_assignment(sessions, world, plans):
    assert record(sessions, world, {"unknown-cell": (1, 1)}) == []
    with db.transaction(sessions, actor="t") as s:
        assert (
            record_autograded_evidence(s, NXENES, world.courses[f"{A}/PRG1"], "no such assignment", {"x": (1, 1)}) == []
        )
        assert (
            record_autograded_evidence(s, "nobody", world.courses[f"{A}/PRG1"], ASSIGNMENT, {"test-cikli": (1, 1)})
            == []
        )
        assert s.scalars(select(Evidence)).all() == []


def test_evidence_is_audited_as_the_grader(api, sessions, world, plans):
    record(sessions, world, {"test-cikli": (2, 4)})
    entries = api.as_(username("drejtor", A)).get("/audit", params={"limit": 500}).json()["items"]
    assert ("grader", "create", "plan-evidence") in {(e["actor"], e["action"], e["entity"]) for e in entries}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_cell_scores_from_an_nbgrader_gradebook(tmp_path, backend):
    from nbgrader.api import Gradebook

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url, "course") as gb:
        gb.add_assignment("detyra-1")
        gb.add_student("nxenes01")
        gb.update_or_create_notebook("nb", "detyra-1")
        gb.update_or_create_grade_cell("test-cikli", "nb", "detyra-1", max_score=2, cell_type="code")
        gb.add_submission("detyra-1", "nxenes01")
        grade = gb.find_grade("test-cikli", "nb", "detyra-1", "nxenes01")
        grade.manual_score = 1.5
        gb.db.commit()
    assert cell_scores_from_gradebook(url, "course", "detyra-1", "nxenes01") == {"test-cikli": (1.5, 2.0)}
