"""The grading queue end to end, on a real hub: submissions are graded by the hub's worker and
the grades reach the central record exactly once, even when a worker is killed mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from mesolab.coursework.bundles import pack_directory
from mesolab.grading.samples import ASSIGNMENT, make_course, submit

pytestmark = pytest.mark.slow

COURSE = "TIK-10"
API = "/services/mesolab/api/v1"
EX = f"{API}/exchange/courses/{COURSE}/assignments"
GZ = {"Content-Type": "application/gzip"}


def tgz(folder: Path) -> bytes:
    return pack_directory(folder)


def wait_for(predicate, timeout=180, every=0.5, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"waited {timeout}s for {what}")


@pytest.fixture(scope="module")
def released(local_hub, tmp_path_factory):
    """The teacher releases the Ohm's-law assignment (with its source) in TIK-10."""
    course = make_course(tmp_path_factory.mktemp("teacher") / "course", {})
    with local_hub.as_user("mesues1.ict") as teacher:
        r = teacher.post(f"{EX}/{ASSIGNMENT}/source", content=tgz(course / "source" / ASSIGNMENT), headers=GZ)
        assert r.status_code in (200, 201), r.text
        r = teacher.post(f"{EX}/{ASSIGNMENT}/release", content=tgz(course / "release" / ASSIGNMENT), headers=GZ)
        assert r.status_code in (200, 201), r.text
        # the first test cell shows the competency "uses variables and data types" (learning plans)
        assignment = [
            a
            for a in teacher.get(f"{API}/assignments", params={"limit": 500}).json()["items"]
            if a["name"] == ASSIGNMENT
        ][0]
        framework = [
            f for f in teacher.get(f"{API}/frameworks").json()["items"] if f["qualification_code"] == "TIK-3.1"
        ][0]
        competency = [c for c in framework["competencies"] if c["code"] == "TIK-K1"][0]
        r = teacher.post(
            f"{API}/plans/mappings",
            json={"assignment_id": assignment["id"], "grade_id": "test_tension", "competency_id": competency["id"]},
        )
        assert r.status_code == 201, r.text
    return course


def hand_in(local_hub, course: Path, student: str, kind: str) -> None:
    folder = submit(course, student, kind)
    with local_hub.as_user(student) as client:
        r = client.post(f"{EX}/{ASSIGNMENT}/submissions", content=tgz(folder), headers=GZ)
        assert r.status_code in (200, 201), r.text


def progress(local_hub) -> dict:
    with local_hub.as_user("mesues1.ict") as teacher:
        r = teacher.get(f"{API}/grading/courses/{COURSE}/assignments/{ASSIGNMENT}/progress")
        assert r.status_code == 200, r.text
        return r.json()


def ohm(client) -> dict:
    """The Ohm's-law assignment of TIK-10 in the record."""
    course = [c for c in client.get(f"{API}/courses", params={"limit": 500}).json()["items"] if c["code"] == COURSE][0]
    items = client.get(f"{API}/assignments", params={"limit": 500, "course": course["id"]}).json()["items"]
    return [a for a in items if a["name"] == ASSIGNMENT][0]


def grades(local_hub) -> dict[str, list]:
    """The record's grades of the Ohm's-law assignment, by student (other tests share the hub)."""
    with local_hub.as_user("mesues1.ict") as teacher:
        assignment = ohm(teacher)
        items = teacher.get(f"{API}/grades", params={"limit": 500, "assignment": assignment["id"]}).json()["items"]
    out: dict[str, list] = {}
    for g in items:
        out.setdefault(g["student"], []).append(g)
    return out


def delivered(local_hub, n: int) -> bool:
    with local_hub.as_user("mesues1.ict") as teacher:
        jobs = teacher.get(f"{API}/grading/courses/{COURSE}/assignments/{ASSIGNMENT}/jobs", params={"limit": 500})
    graded = [j for j in jobs.json()["items"] if j["status"] == "graded"]
    return len(graded) >= n and all(j["delivered"] for j in graded)


def test_submissions_are_graded_into_the_record(local_hub, released):
    answers = {"nxenes01.ict": "correct", "nxenes02.ict": "half", "nxenes03.ict": "wrong", "nxenes04.ict": "loop"}
    for student, kind in answers.items():
        hand_in(local_hub, released, student, kind)
    seen = []
    wait_for(lambda: seen.append(progress(local_hub)) or seen[-1]["graded"] == 4, what="4 graded")
    assert seen[0]["total"] == 4
    wait_for(lambda: delivered(local_hub, 4), what="grades delivered")
    record = grades(local_hub)
    scores = {s: [g["score"] for g in record[s]] for s in answers}
    assert scores == {"nxenes01.ict": [5.0], "nxenes02.ict": [2.0], "nxenes03.ict": [0.0], "nxenes04.ict": [2.0]}
    assert all(record[s][0]["source"] == "autograde" for s in answers)
    # the student sees their own job, with the message about the interrupted cell
    with local_hub.as_user("nxenes04.ict") as student:
        jobs = student.get(f"{API}/grading/courses/{COURSE}/assignments/{ASSIGNMENT}/jobs").json()["items"]
        assert {j["student"] for j in jobs} == {"nxenes04.ict"}
        assert "timeout" in jobs[0]["notes"]
        assert student.get(f"{API}/grading/courses/{COURSE}/assignments/{ASSIGNMENT}/progress").status_code == 403
    # the graded cell became evidence in the student's learning plan, in the same transaction
    with local_hub.as_user("nxenes01.ict") as student:
        plans = student.get(f"{API}/plans").json()["items"]
        plan = student.get(f"{API}/plans/{plans[0]['id']}").json()
    assert "test_tension" in str(plan), plan


def test_regrade_makes_a_newer_version(local_hub, released):
    before = grades(local_hub)
    with local_hub.as_user("mesues1.ict") as teacher:
        r = teacher.post(f"{API}/grading/courses/{COURSE}/assignments/{ASSIGNMENT}/regrade")
        assert r.status_code == 202, r.text
    wait_for(lambda: progress(local_hub)["queued"] + progress(local_hub)["running"] == 0, what="regrade")
    wait_for(lambda: delivered(local_hub, 8), what="regrade delivered")
    after = grades(local_hub)
    for student, rows in after.items():
        if student in before:
            assert len(rows) == 1
            assert rows[0]["version"] > before[student][0]["version"]
            assert rows[0]["score"] == before[student][0]["score"]


def _grading_processes(hub) -> list[int]:
    """The grading processes of this hub's worker: the worker's forked children."""
    out = subprocess.run(["pgrep", "-f", "mesolab.cli worker"], capture_output=True, text=True).stdout.split()
    workers = {int(p) for p in out}
    hub_pid = hub.process.proc.pid
    top = [
        p
        for p in workers
        if Path(f"/proc/{p}/stat").exists()
        and int(Path(f"/proc/{p}/stat").read_text().split(")")[1].split()[1]) == hub_pid
    ]
    kids = []
    for pid in top:
        kids += [
            int(k) for k in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        ]
    return kids


def test_killed_worker_loses_no_grade_and_applies_none_twice(local_hub, released):
    # a slow notebook (1 s sleep) is being graded when every grading process is killed
    hand_in(local_hub, released, "nxenes05.ict", "slow")
    wait_for(lambda: progress(local_hub)["running"] >= 1, every=0.1, what="a running job")
    victims = _grading_processes(local_hub)
    assert victims
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    # the worker starts new grading processes; the job's lease runs out and it is graded again
    wait_for(lambda: "nxenes05.ict" in grades(local_hub), what="the grade of the killed job")
    wait_for(lambda: delivered(local_hub, 9), what="delivery")
    rows = grades(local_hub)["nxenes05.ict"]
    assert [g["score"] for g in rows] == [5.0]
    with local_hub.as_user("nxenes05.ict") as student:
        jobs = student.get(f"{API}/grading/courses/{COURSE}/assignments/{ASSIGNMENT}/jobs").json()["items"]
    assert len(jobs) == 1 and jobs[0]["status"] == "graded"


def test_corrupt_notebook_fails_clearly_without_stopping_the_queue(local_hub, released):
    folder = submit(released, "nxenes06.ict", "correct")
    (folder / "ohm.ipynb").write_text("{ not json", encoding="utf-8")
    with local_hub.as_user("nxenes06.ict") as client:
        r = client.post(f"{EX}/{ASSIGNMENT}/submissions", content=tgz(folder), headers=GZ)
    # refused at submit time already (the exchange checks notebooks); nothing was queued
    assert r.status_code in (400, 413, 422), r.text
    nb = nbformat.reads(nbformat.writes(nbformat.v4.new_notebook()), as_version=4)
    assert nb.cells == []
