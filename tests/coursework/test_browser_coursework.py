"""In Debian's Chromium: a student fetches and submits from JupyterLab's Assignments tab; a
teacher opens Formgrader on a course they teach. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from browsertools import shot
from lifetools import NbUser, answer, source_notebook

from mesolab.config.spawner import service_url

pytestmark = [pytest.mark.browser, pytest.mark.slow]

COURSE, NAME = "TIK-10", "detyra-web"
TEACHER, STUDENT = "mesues2.ict", "nxenes05.ict"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def server_home(hub, name: str) -> Path:
    home = hub.settings.state_dir / "users" / name
    home.mkdir(parents=True, exist_ok=True)
    return home


@pytest.fixture(scope="module")
def released(local_hub):
    """The teacher's course directory in their own (server) home, the assignment released."""
    teacher = NbUser(
        TEACHER, server_home(local_hub, TEACHER), local_hub.token(TEACHER), service_url(local_hub.settings)
    )
    source = teacher.home / "courses" / COURSE / "source" / NAME
    source.mkdir(parents=True, exist_ok=True)
    (source / f"{NAME}.ipynb").write_text(source_notebook(), encoding="utf-8")
    teacher.nbgrader("generate_assignment", NAME)
    teacher.nbgrader("release_assignment", NAME)
    return teacher


def open_lab(local_hub, page, name: str) -> str:
    page.goto(local_hub.url + "/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", "mesolab-demo")
    page.click("#login_submit")
    page.wait_for_url("**/hub/home")
    page.goto(f"{local_hub.url}/hub/spawn/{name}")
    page.wait_for_url(f"**/user/{name}/lab**", timeout=180_000)
    page.wait_for_selector(".jp-Launcher", timeout=120_000)
    return f"{local_hub.url}/user/{name}"


def nbgrader_menu(page, item: str) -> None:
    page.click("#jp-MainMenu >> text=Nbgrader")
    page.click(f".lm-Menu-itemLabel:text-is('{item}')")


def test_student_fetches_and_submits_from_the_assignments_tab(local_hub, released, page):
    try:
        open_lab(local_hub, page, STUDENT)
        nbgrader_menu(page, "Assignment List")
        row = page.locator("#released_assignments_list .list_item", has_text=NAME)
        row.wait_for(timeout=60_000)
        assert COURSE in row.inner_text()
        shot(page, "coursework-assignments-released")
        row.locator("button", has_text="Fetch").click()
        fetched = page.locator("#fetched_assignments_list .list_item", has_text=NAME).first
        fetched.wait_for(timeout=60_000)
        notebook = server_home(local_hub, STUDENT) / COURSE / NAME / f"{NAME}.ipynb"
        assert notebook.is_file() and "BEGIN SOLUTION" not in notebook.read_text()
        answer(notebook, "def katror(x):\n    return x * x")
        fetched.locator("button", has_text="Submit").click()
        submitted = page.locator("#submitted_assignments_list .list_item", has_text=NAME)
        submitted.first.wait_for(timeout=60_000)
        assert "UTC" in submitted.first.inner_text()
        shot(page, "coursework-assignments-submitted")
        with local_hub.as_user(TEACHER) as client:
            rows = client.get(
                f"/services/mesolab/api/v1/exchange/courses/{COURSE}/submissions", params={"assignment": NAME}
            )
            assert [r["student"] for r in rows.json()] == [STUDENT]
    finally:
        local_hub.api.delete(f"/users/{STUDENT}/server", ok=(202, 204))


def test_teacher_opens_formgrader_for_their_course(local_hub, released, page):
    try:
        base = open_lab(local_hub, page, TEACHER)
        status = page.request.get(f"{base}/formgrader/api/assignments")
        assert status.ok, status.text()
        assignments = {a["name"]: a for a in status.json()}
        assert assignments[NAME]["status"] == "released", assignments
        # Formgrader in its own tab: JupyterHub's servers refuse to be framed (frame-ancestors 'none'),
        # so the Nbgrader menu's iframe stays empty; see docs/coursework.md
        page.goto(f"{base}/formgrader")
        page.wait_for_url("**/formgrader/manage_assignments**")
        page.locator("td", has_text=NAME).first.wait_for(timeout=60_000)
        assert "released" in page.locator("tr", has_text=NAME).first.inner_text().lower()
        shot(page, "coursework-formgrader-teacher")
    finally:
        local_hub.api.delete(f"/users/{TEACHER}/server", ok=(202, 204))
