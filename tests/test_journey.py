"""The whole journey in Debian's Chromium: teacher → course from a template → release →
student fetches, answers, submits → grading → the grade in the record → the school admin sees
it → a student of another school sees nothing of it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import time

import nbformat
import pytest
from browsertools import new_page
from browsertools import shot as _shot

from mesolab.courses.submissions import answered
from mesolab.courses.templates import get_template

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TEMPLATE, LANG, CODE = "hoteleri-menu-detyre", "sq", "HOT-20"
TEACHER, STUDENT, ADMIN, OUTSIDER = "mesues2.hoteleri", "nxenes07.hoteleri", "admin.hoteleri", "nxenes07.ict"
SERVICE = "/services/mesolab/"


def shot(page, name: str) -> None:
    _shot(page, f"journey-{name}")


def log_in(hub, page, name: str) -> None:
    page.goto(hub.url + "/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", "mesolab-demo")
    page.click("#login_submit")
    page.wait_for_url("**/hub/home")


def open_lab(hub, page, name: str) -> str:
    page.click("#start")
    page.wait_for_url(f"**/user/{name}/lab**", timeout=180_000)
    page.wait_for_selector(".jp-Launcher", timeout=120_000)
    return f"{hub.url}/user/{name}"


def run_in_new_notebook(page, code: str) -> str:
    """Open a new notebook from the launcher, type ``code`` and run it; return the output."""
    page.locator(".jp-LauncherCard[data-category='Notebook']").first.click()
    editor = page.locator(".jp-Notebook .jp-Cell .cm-content").first
    editor.wait_for(timeout=60_000)
    # the kernel must be connected before the cell is run
    page.locator(".jp-StatusBar-Widget", has_text="| Idle").first.wait_for(timeout=120_000)
    editor.click()
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    output = page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-OutputArea-output")
    try:
        output.first.wait_for(timeout=120_000)
    finally:
        shot(page, "0-notebook")
    return output.first.inner_text()


def formgrader(page, base: str, path: str) -> dict:
    """Formgrader's own API, called from the teacher's page as its buttons do."""
    result = page.evaluate(
        """async ([url]) => {
            const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || "";
            const r = await fetch(url, {method: "POST", headers: {"X-XSRFToken": decodeURIComponent(xsrf)}});
            return {status: r.status, body: await r.text()};
        }""",
        [f"{base}/formgrader/api/assignment/{path}"],
    )
    assert result["status"] == 200, result
    body = json.loads(result["body"])
    assert body.get("success", True), body
    return body


def test_teacher_to_student_to_record(local_hub, browser):
    template = get_template(TEMPLATE)
    assignment = template.assignments[0].name(LANG)

    # 1. the teacher creates a course from a template, in a notebook (no terminal)
    context, page = new_page(browser)
    try:
        log_in(local_hub, page, TEACHER)
        base = open_lab(local_hub, page, TEACHER)
        out = run_in_new_notebook(
            page,
            "from mesolab_lab.courses import create_course\n"
            f"r = create_course({TEMPLATE!r}, {LANG!r}, code={CODE!r})\nprint('KURSI', r['course']['code'])",
        )
        assert f"KURSI {CODE}" in out, out
        shot(page, "1-teacher-course-created")
        # the school admin enrols the class in the new course (the central record's enrolments)
        with local_hub.as_user(ADMIN) as admin:
            course = [
                c
                for c in admin.get(f"{SERVICE}api/v1/courses", params={"limit": 500}).json()["items"]
                if c["code"] == CODE
            ][0]
            r = admin.post(
                f"{SERVICE}api/v1/enrolments",
                json={"username": STUDENT, "course_id": course["id"], "role": "student", "active_from": "2026-09-01"},
            )
            assert r.status_code == 201, r.text
        # 2. … and releases the assignment from Formgrader (in its own tab)
        page.goto(f"{base}/formgrader")
        page.wait_for_url("**/formgrader/manage_assignments**")
        page.locator("td", has_text=assignment).first.wait_for(timeout=60_000)
        formgrader(page, base, f"{assignment}/assign")
        formgrader(page, base, f"{assignment}/release")
        page.reload()
        page.locator("tr", has_text=assignment).first.wait_for()
        assert "released" in page.locator("tr", has_text=assignment).first.inner_text().lower()
        shot(page, "2-teacher-released")
    finally:
        context.close()
        local_hub.api.delete(f"/users/{TEACHER}/server", ok=(202, 204))

    # 3. a student of the same school fetches, answers and submits from the Assignments tab
    context, page = new_page(browser)
    try:
        log_in(local_hub, page, STUDENT)
        open_lab(local_hub, page, STUDENT)
        page.click("#jp-MainMenu >> text=Nbgrader")
        page.click(".lm-Menu-itemLabel:text-is('Assignment List')")
        row = page.locator("#released_assignments_list .list_item", has_text=assignment)
        row.wait_for(timeout=60_000)
        shot(page, "3-student-sees-assignment")
        row.locator("button", has_text="Fetch").click()
        fetched = page.locator("#fetched_assignments_list .list_item", has_text=assignment).first
        fetched.wait_for(timeout=60_000)
        folder = local_hub.settings.state_dir / "users" / STUDENT / CODE / assignment
        for nb_path in folder.glob("*.ipynb"):
            source = template.source_dir(LANG, template.assignments[0]) / nb_path.name
            release_nb = nbformat.read(nb_path, as_version=4)
            nbformat.write(answered(release_nb, nbformat.read(source, as_version=4), "reference"), nb_path)
        fetched.locator("button", has_text="Submit").click()
        page.locator("#submitted_assignments_list .list_item", has_text=assignment).first.wait_for(timeout=60_000)
        shot(page, "4-student-submitted")

        # 4. grading finishes; the student sees the graded result on their page
        deadline = time.monotonic() + 240
        with local_hub.as_user(STUDENT) as api:
            while time.monotonic() < deadline:
                jobs = api.get(f"{SERVICE}api/v1/grading/courses/{CODE}/assignments/{assignment}/jobs").json()
                if jobs["items"] and jobs["items"][0]["status"] in ("graded", "failed"):
                    break
                time.sleep(1)
        assert jobs["items"][0]["status"] == "graded", jobs
        score = jobs["items"][0]["score"]
        assert score and score > 0
        grade = None
        with local_hub.as_user(STUDENT) as api:
            while time.monotonic() < deadline and grade is None:
                items = api.get(f"{SERVICE}api/v1/grades").json()["items"]
                grade = next((g for g in items if g["source"] == "autograde" and g["score"] == score), None)
                time.sleep(1)
        assert grade is not None, "the grade did not reach the central record"
        page.goto(local_hub.url + "/hub/home")
        page.click("#my-grades a")
        page.wait_for_url(f"**{SERVICE}**")
        grades_table = page.locator("#my-grades")
        assert CODE in grades_table.inner_text() and assignment in grades_table.inner_text()
        shot(page, "5-student-sees-grade")
    finally:
        context.close()
        local_hub.api.delete(f"/users/{STUDENT}/server", ok=(202, 204))

    # 5. the school admin sees it
    context, page = new_page(browser)
    try:
        log_in(local_hub, page, ADMIN)
        page.goto(local_hub.url + SERVICE)
        page.wait_for_url(f"**{SERVICE}**")
        latest = page.locator("#my-grades").inner_text()
        assert STUDENT in latest and assignment in latest
        shot(page, "6-school-admin-sees-grade")
    finally:
        context.close()

    # 6. a student of another school sees nothing of it
    context, page = new_page(browser)
    try:
        log_in(local_hub, page, OUTSIDER)
        page.goto(local_hub.url + SERVICE)
        page.wait_for_url(f"**{SERVICE}**")
        text = page.locator("main").inner_text()
        assert CODE not in text and assignment not in text
        shot(page, "7-other-school-sees-nothing")
    finally:
        context.close()
    with local_hub.as_user(OUTSIDER) as api:
        assert api.get(f"{SERVICE}api/v1/exchange/courses/{CODE}/assignments").status_code in (403, 404)
        assert all(g["student"] != STUDENT for g in api.get(f"{SERVICE}api/v1/grades").json()["items"])
