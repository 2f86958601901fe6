"""The learning-plan widgets in a real JupyterLab, in Debian's Chromium: a student ticks a goal in
``my_plan()``; the teacher sees it waiting for review in ``plan_for(...)`` and approves it.

Uses the real local-account hub of ``tests/conftest.py`` (the demo's people and plans) and
the single-user environment the hub sets up (``MESOLAB_SERVICE_URL``, a server token that
may use the MësoLab service). Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import json

import pytest
from browsertools import shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STUDENT, TEACHER = "nxenes02.ict", "mesues1.ict"
GOAL = "Përfundo ushtrimet me cikle"  # tied to TIK-K2, idle in the demo plan of nxenes02.ict
API = "/services/mesolab/api/v1"


def write_notebook(hub, username: str, name: str, *sources: str) -> None:
    """A notebook in the user's server directory (the local spawner's home of the user)."""
    home = hub.settings.state_dir / "users" / username
    home.mkdir(parents=True, exist_ok=True)
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s} for s in sources
    ]
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (home / name).write_text(json.dumps(notebook), encoding="utf-8")


def open_and_run(hub, browser, username: str, notebook: str):
    """Log in, start the server, open ``notebook`` and run its cells; return the page."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.goto(hub.url + "/hub/login")
    page.fill("#username_input", username)
    page.fill("#password_input", "mesolab-demo")
    page.click("#login_submit")
    page.wait_for_url("**/hub/home")
    page.click("#start")
    page.wait_for_url(f"**/user/{username}/lab**", timeout=180_000)
    page.goto(f"{hub.url}/user/{username}/lab/tree/{notebook}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    news = page.get_by_role("button", name="No", exact=True)
    if news.count() == 1:  # JupyterLab's "get notified about news?" toast hides the bottom of the page
        news.click()
    run_cell(page, 0)
    return page


def run_cell(page, index: int, tries: int = 4) -> None:
    """Run one cell; a kernel still connecting can swallow the first request, so retry."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    for _ in range(tries):
        cell.locator(".jp-InputPrompt").click()
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(
                "el => /\\[(\\*|\\d+)\\]/.test(el.textContent)", arg=prompt.element_handle(), timeout=20_000
            )
            return
        except Exception:  # Playwright's timeout: try again
            continue
    pytest.fail(f"cell {index} of the notebook never ran (kernel not connected?)")


def wait_for_widget(page, name: str) -> None:
    """Wait for the widget (or an error in the output) and fail with what the notebook shows."""
    outcome = (
        ".mesolab-plan, .mesolab-message, .jp-OutputArea-output[data-mime-type*='error'], "
        ".jp-OutputArea-output[data-mime-type*='stderr']"
    )
    try:
        page.wait_for_selector(outcome, timeout=90_000)
    finally:
        shot(page, name)
    if page.locator(".mesolab-plan").count() == 0:
        outputs = page.locator(".jp-OutputArea").all_inner_texts()
        pytest.fail(f"no plan widget in the notebook; the output shows: {outputs}")


def plan_of(hub, username: str) -> dict:
    with hub.as_user("admin.kombetar") as client:
        found = client.get(f"{API}/plans", params={"student": username}).json()["items"]
        return client.get(f"{API}/plans/{found[0]['id']}").json()


def k2(plan: dict) -> dict:
    return next(c for c in plan["competencies"] if c["code"] == "TIK-K2")


def test_student_ticks_a_goal_and_the_teacher_approves(local_hub, browser):
    assert k2(plan_of(local_hub, STUDENT))["review_status"] == "idle"
    write_notebook(local_hub, STUDENT, "plani-im.ipynb", "from mesolab_lab import my_plan\nmy_plan()")
    write_notebook(
        local_hub,
        TEACHER,
        "plani-nxenesit.ipynb",
        f'from mesolab_lab import plan_for, class_overview\nplan_for("{STUDENT}")',
        'class_overview("TIK-10")',
    )
    try:
        page = open_and_run(local_hub, browser, STUDENT, "plani-im.ipynb")
        wait_for_widget(page, "plan-student-sq")
        assert page.locator(".mesolab-plan h3").first.inner_text().startswith("Plani individual i të nxënit")
        shot(page, "plan-student-sq")
        page.locator(".mesolab-goal", has_text=GOAL).locator("input[type=checkbox]").click()
        waiting = ".mesolab-review-status[data-code='TIK-K2'][data-status='waiting_for_review']"
        page.wait_for_selector(waiting, timeout=30_000)
        page.wait_for_selector(".mesolab-save-state[data-state='saved']", timeout=30_000)
        shot(page, "plan-student-goal-done")
        plan = plan_of(local_hub, STUDENT)
        assert k2(plan)["review_status"] == "waiting_for_review"
        assert next(g for g in plan["goals"] if g["title"].startswith(GOAL))["done"]
        page.context.close()

        page = open_and_run(local_hub, browser, TEACHER, "plani-nxenesit.ipynb")
        wait_for_widget(page, "plan-teacher-waiting")
        page.wait_for_selector(waiting, timeout=30_000)
        shot(page, "plan-teacher-waiting")
        box = page.locator(".mesolab-competency", has_text="TIK-K2")
        box.locator("textarea").fill("Ciklet janë në rregull. Të lumtë!")
        box.locator("button", has_text="Mirato").click()
        page.wait_for_selector(".mesolab-review-status[data-code='TIK-K2'][data-status='reviewed']", timeout=30_000)
        shot(page, "plan-teacher-approved")
        entry = k2(plan_of(local_hub, STUDENT))
        assert entry["review_status"] == "reviewed" and entry["rating"] == 3
        assert entry["reviews"][-1]["reviewer"] == TEACHER and entry["reviews"][-1]["approved"]
        # the class overview in the same notebook
        run_cell(page, 1)
        page.wait_for_selector(".mesolab-heatmap", timeout=30_000)
        page.locator(".mesolab-heatmap").scroll_into_view_if_needed()
        shot(page, "plan-class-overview")
        assert page.locator(".mesolab-heatmap tr").count() == 11  # header + ten students
        page.context.close()
    finally:
        for name in (STUDENT, TEACHER):
            local_hub.api.delete(f"/users/{name}/server", ok=(202, 204, 400, 404))
