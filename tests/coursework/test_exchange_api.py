"""The exchange's HTTP API in process, on SQLite and PostgreSQL: the lifecycle, bad input, storage."""

from __future__ import annotations

import datetime as dt
import os

from cwtools import EX, RELEASE, bundle, notebook, unpack
from recordtools import A, B

from mesolab.coursework import exchange
from mesolab.coursework.models import Submission

T, S, S2 = "mesues.ict", "nxenes.ict", "nxenes2.ict"


def test_release_fetch_submit_collect_feedback(exchange_api, clock):
    api = exchange_api
    r = api.release(T, "PRG1")
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1 and r.json()["notebooks"] == ["ps1.ipynb"]
    assert api.source(T, "PRG1").status_code == 201

    listed = api.as_(S).get(f"{EX}/courses/PRG1/assignments").json()
    assert [a["name"] for a in listed] == ["ps1"]
    assert listed[0]["timezone"] == "Europe/Tirane"
    got = api.as_(S).get(f"{EX}/courses/PRG1/assignments/ps1/release")
    assert got.status_code == 200 and got.headers["content-type"] == "application/gzip"
    assert unpack(got.content) == unpack(RELEASE)

    first = api.submit(S, "PRG1")
    assert first.status_code == 201, first.text
    clock.advance(minutes=5)
    second = api.submit(S, "PRG1")
    assert second.json()["attempt"] == 2
    assert second.json()["submitted_at"].startswith("2025-09-20T08:05")
    assert second.json()["timestamp"] == "2025-09-20 08:05:00.000000 UTC"
    assert api.submit(S2, "PRG1").json()["attempt"] == 1

    everyone = api.submissions(T, "PRG1", assignment="ps1").json()
    assert [(s["student"], s["attempt"]) for s in everyone] == [(S, 1), (S, 2), (S2, 1)] or len(everyone) == 3
    latest = api.submissions(T, "PRG1", assignment="ps1", latest=True).json()
    assert sorted((s["student"], s["attempt"]) for s in latest) == [(S, 2), (S2, 1)]
    mine = api.submissions(S2, "PRG1").json()
    assert [s["student"] for s in mine] == [S2]

    files = api.as_(T).get(f"{EX}/submissions/{second.json()['id']}/files")
    assert files.status_code == 200 and "ps1.ipynb" in unpack(files.content)

    fb = api.feedback(T, second.json()["id"])
    assert fb.status_code == 201, fb.text
    assert fb.json()["version"] == 1 and fb.json()["timestamp"] == "2025-09-20 08:05:00.000000 UTC"
    assert api.feedback(T, second.json()["id"]).json()["version"] == 2
    own = api.as_(S).get(f"{EX}/courses/PRG1/feedback").json()
    assert [(f["attempt"], f["version"]) for f in own] == [(2, 2)]
    assert api.as_(S2).get(f"{EX}/courses/PRG1/feedback").json() == []
    html = api.as_(S).get(f"{EX}/feedback/{own[0]['id']}/files")
    assert unpack(html.content) == {"ps1.html": "<html>mirë</html>".encode()}
    with_fb = api.submissions(S, "PRG1").json()
    assert with_fb[-1]["feedback"]["version"] == 2 and with_fb[0]["feedback"] is None


def test_release_again_needs_force_and_keeps_versions(exchange_api, storage):
    api = exchange_api
    assert api.release(T, "PRG1").status_code == 201
    again = api.release(T, "PRG1")
    assert again.status_code == 409 and "--force" in again.json()["message"]
    v2 = bundle({"ps1.ipynb": notebook("x = 2  # YOUR CODE HERE")})
    assert api.release(T, "PRG1", data=v2, force=True).json()["version"] == 2
    assert unpack(api.as_(S).get(f"{EX}/courses/PRG1/assignments/ps1/release").content) == unpack(v2)
    releases = [k for k in storage.list() if "/release/" in k]
    assert len(releases) == 2  # version 1 is still stored
    gone = api.as_(T).delete(f"{EX}/courses/PRG1/assignments/ps1/release")
    assert gone.status_code == 200 and gone.json()["withdrawn"]
    assert api.as_(S).get(f"{EX}/courses/PRG1/assignments").json() == []
    assert api.submit(S, "PRG1").status_code == 404
    assert [a["release"]["withdrawn"] for a in api.as_(T).get(f"{EX}/courses/PRG1/assignments").json()] == [True]


def test_release_with_solutions_is_refused(exchange_api):
    r = exchange_api.release(
        T, "PRG1", data=bundle({"ps1.ipynb": notebook("### BEGIN SOLUTION\nx=1\n### END SOLUTION")})
    )
    assert r.status_code == 422 and "generate_assignment" in r.json()["message"]


def test_corrupt_and_oversize_submissions_keep_the_previous_attempt(exchange_api, storage):
    api = exchange_api
    api.release(T, "PRG1")
    good = api.submit(S, "PRG1")
    assert good.status_code == 201

    corrupt = api.submit(S, "PRG1", data=bundle({"ps1.ipynb": b'{"cells": [ this is not json'}))
    assert corrupt.status_code == 422
    body = corrupt.json()
    assert body["error"] == "bad-submission"
    assert "ps1.ipynb" in body["message"] and "e dëmtuar" in body["message"] and "damaged" in body["message"]
    assert "previous submission is unchanged" in body["message"]

    not_a_notebook = api.submit(S, "PRG1", data=bundle({"ps1.ipynb": '{"cells": "nope"}'}))
    assert not_a_notebook.status_code == 422
    assert api.submit(S, "PRG1", data=b"not a tar at all").status_code == 422
    assert api.submit(S, "PRG1", data=bundle({"../../etc/passwd": "x"})).status_code == 422
    assert api.submit(S, "PRG1", data=bundle({"notes.txt": "no notebook"})).status_code == 422

    api.app.state.config.max_submission_mb = 1
    big = bundle({"ps1.ipynb": notebook("x = 1"), "data.bin": os.urandom(1024 * 1024 + 10)})
    too_big = api.submit(S, "PRG1", data=big)
    assert too_big.status_code == 413
    assert "1 MB" in too_big.json()["message"] and "mbetet i paprekur" in too_big.json()["message"]

    attempts = api.submissions(S, "PRG1").json()
    assert [a["attempt"] for a in attempts] == [1]
    files = api.as_(S).get(f"{EX}/submissions/{attempts[0]['id']}/files")
    assert b"x = 1  # nxenes.ict" in unpack(files.content)["ps1.ipynb"]
    assert len([k for k in storage.list() if "/submissions/" in k]) == 1


def test_grading_api_and_submission_hook(exchange_api, sessions, storage, tmp_path):
    api = exchange_api
    api.release(T, "PRG1")
    api.source(T, "PRG1")
    seen = []

    def hook(session, attempt: Submission):
        seen.append((attempt.attempt, attempt.student.username))
        if attempt.attempt == 2:
            raise RuntimeError("the grading queue is down")

    exchange.register_submission_hook(hook)
    try:
        first = api.submit(S, "PRG1")
        assert first.status_code == 201
        failed = api.submit(S, "PRG1")
        assert failed.status_code == 500  # the hook failed: the attempt was not recorded
    finally:
        exchange.unregister_submission_hook(hook)
    assert seen == [(1, S), (2, S)]
    assert [a["attempt"] for a in api.submissions(S, "PRG1").json()] == [1]

    with sessions() as session:
        attempt_id = first.json()["id"]
        data = exchange.submission_files(session, storage, attempt_id)
        assert "ps1.ipynb" in unpack(data)
        out = exchange.submission_files(session, storage, attempt_id, dest=tmp_path / "work")
        assert (out / "ps1.ipynb").is_file()
        course_id = session.get(Submission, attempt_id).course_id
        src = exchange.source_files(session, storage, course_id, "ps1", dest=tmp_path / "src")
        assert "BEGIN HIDDEN TESTS" in (src / "ps1.ipynb").read_text()
        assert "ps1.ipynb" in unpack(exchange.release_files(session, storage, course_id, "ps1"))


def test_my_courses(exchange_api, world):
    api = exchange_api
    teacher = api.as_(T).get(f"{EX}/courses").json()
    assert [(c["code"], c["role"]) for c in teacher] == [("PRG1", "teacher")]
    student = api.as_(S).get(f"{EX}/courses").json()
    assert [(c["code"], c["role"]) for c in student] == [("PRG1", "student"), ("PRG2", "student")]
    admin = api.as_("drejtor.ict").get(f"{EX}/courses").json()
    assert {c["school_id"] for c in admin} == {A}
    national = api.as_("admin.kombetar").get(f"{EX}/courses").json()
    assert {c["school_id"] for c in national} == {A, B}
    ambiguous = api.as_("admin.kombetar").get(f"{EX}/courses/PRG1/assignments")
    assert ambiguous.status_code == 409
    assert api.as_("admin.kombetar").get(f"{EX}/courses/PRG1/assignments", params={"school": B}).status_code == 200


def test_timestamps_are_the_servers(exchange_api, clock):
    api = exchange_api
    api.release(T, "PRG1")
    clock.set(dt.datetime(2025, 9, 21, 12, 0, 0, 123456, tzinfo=dt.UTC))
    r = api.submit(S, "PRG1").json()
    assert r["timestamp"] == "2025-09-21 12:00:00.123456 UTC"
    assert r["submitted_local"] == "2025-09-21 14:00 CEST"
