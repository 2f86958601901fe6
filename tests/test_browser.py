"""What a person sees, in Debian's Chromium driven by Playwright."""

from __future__ import annotations

import pytest
from browsertools import shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    yield pg
    context.close()


def test_student_logs_in_and_reaches_jupyterlab(local_hub, page):
    page.goto(local_hub.url + "/hub/login")
    assert page.locator("label[for=username_input] [lang=sq]").is_visible()
    assert page.locator("label[for=username_input] [lang=en]").is_hidden()
    shot(page, "login-sq")
    page.fill("#username_input", "nxenes03.ict")
    page.fill("#password_input", "mesolab-demo")
    page.click("#login_submit")
    page.wait_for_url("**/hub/home")
    school = page.locator("#mesolab-school h2 [lang=sq]")
    assert school.inner_text() == "Shkolla Profesionale e TIK, Tiranë"
    assert school.is_visible()
    assert page.locator("#profile-role [lang=sq]").inner_text() == "Nxënës"
    shot(page, "home-student-sq")
    # the English switch
    page.click("#lang-en")
    assert page.locator("#mesolab-school h2 [lang=en]").is_visible()
    assert page.locator("#mesolab-school h2 [lang=sq]").is_hidden()
    shot(page, "home-student-en")
    page.click("#lang-sq")
    # start the server and land in JupyterLab
    page.click("#start")
    page.wait_for_url("**/user/nxenes03.ict/lab**", timeout=180_000)
    page.wait_for_selector(".jp-Launcher", timeout=120_000)
    shot(page, "jupyterlab-student")
    local_hub.api.delete("/users/nxenes03.ict/server", ok=(202, 204))


def test_wrong_password_is_shown_in_albanian(local_hub, page):
    page.goto(local_hub.url + "/hub/login")
    page.fill("#username_input", "nxenes03.ict")
    page.fill("#password_input", "gabim")
    page.click("#login_submit")
    error = page.locator("#login-error [lang=sq]")
    assert error.inner_text() == "Emri i përdoruesit ose fjalëkalimi është i gabuar."
    shot(page, "login-error-sq")
