"""A new course from JupyterLab: the function behind the form and the server extension, against
the real MësoLab service in-process; the form notebook; the extension loaded by a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat
import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import select

from mesolab.record import db
from mesolab.record.errors import NotAuthenticated
from mesolab.record.models import Assignment, Course, Person, School
from mesolab.service.app import create_app
from mesolab.service.auth import current_user
from mesolab.service.config import DEFAULT_PREFIX, MesoLabService
from mesolab_lab import courses as lab
from mesolab_lab.plans.client import ServiceClient

SCHOOL = "elektrik-durres"
USERS = {
    "admin.elektrik": "school-admin",
    "mesues1.elektrik": "teacher",
    "nxenes01.elektrik": "student",
}


@pytest.fixture
def service(tmp_path):
    """The MësoLab service in-process on SQLite, with hub logins faked by an X-Test-User header."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'record.sqlite'}")
    db.upgrade(engine)
    with db.transaction(db.session_factory(engine), actor="test") as s:
        s.add(School(id=SCHOOL, name_sq="Shkolla Elektrike, Durrës", name_en="Electrical School, Durrës"))
        s.flush()
        for name, role in USERS.items():
            s.add(Person(username=name, first_name="Ilir", last_name="Basha", school_id=SCHOOL, role=role))

    async def fake_user(request: Request) -> dict:
        name = request.headers.get("x-test-user")
        if name not in USERS:
            raise NotAuthenticated("no such test user")
        return {"name": name, "kind": "user", "groups": [SCHOOL, f"{SCHOOL}.{USERS[name]}s"]}

    app = create_app(MesoLabService(base_url=DEFAULT_PREFIX), engine)
    app.dependency_overrides[current_user] = fake_user
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, engine
    engine.dispose()


def client_for(service, user: str) -> ServiceClient:
    client, _ = service
    return ServiceClient(
        "http://service/services/mesolab/", token="t", transport=client._transport, headers={"X-Test-User": user}
    )


def test_school_admin_creates_a_course_from_jupyterlab(service, tmp_path):
    home = tmp_path / "home"
    (home / ".cache" / "mesolab").mkdir(parents=True)
    (home / ".cache" / "mesolab" / "courses-abcdefgh.json").write_text("[]")
    done = lab.create_course("elektro-ohm-detyre", "sq", client=client_for(service, "admin.elektrik"), home=home)
    assert done["course"]["code"] == "ELE-10" and done["path"] == "courses/ELE-10"
    assert done["notebooks"] == ["courses/ELE-10/source/detyra-1-ohm/ligji-ohmit.ipynb"]
    assert (home / done["notebooks"][0]).is_file()
    assert (home / ".mesolab" / "course").read_text().strip() == "ELE-10"
    assert not list((home / ".cache" / "mesolab").glob("courses-*.json"))  # the course list is refreshed
    with db.session_factory(service[1])() as s:
        course = s.scalar(select(Course).where(Course.code == "ELE-10"))
        assert (course.school_id, course.qualification_code) == (SCHOOL, "ELE-2.4")
        assert [(a.name, a.max_score) for a in s.scalars(select(Assignment))] == [("detyra-1-ohm", 15.0)]
    again = lab.create_course("elektro-ohm-detyre", "en", client=client_for(service, "admin.elektrik"), home=home)
    assert again["course"]["code"] == "ELE-10-2"


def test_students_cannot_create_courses(service, tmp_path):
    with pytest.raises(lab.CourseCreationError) as err:
        lab.create_course("elektro-ohm-mesim", "sq", client=client_for(service, "nxenes01.elektrik"), home=tmp_path)
    assert err.value.status == 403 and "mësuesit" in err.value.message
    assert not (tmp_path / "courses").exists()


def test_teacher_creates_a_course_from_jupyterlab(service, tmp_path):
    done = lab.create_course("elektro-ohm-detyre", "en", client=client_for(service, "mesues1.elektrik"), home=tmp_path)
    assert done["course"]["code"] == "ELE-10"


def test_bad_input_is_refused_before_anything_is_created(service, tmp_path):
    admin = client_for(service, "admin.elektrik")
    for args in (
        ("no-such-template", "sq", None),
        ("elektro-ohm-mesim", "de", None),
        ("elektro-ohm-mesim", "sq", "a b"),
    ):
        with pytest.raises(lab.CourseCreationError):
            lab.create_course(*args, client=admin, home=tmp_path)
    with db.session_factory(service[1])() as s:
        assert s.scalars(select(Course)).all() == []


def test_the_form_creates_a_course(service, tmp_path):
    form = lab.new_course_form(lang="en", client=client_for(service, "admin.elektrik"), home=tmp_path)
    template, language, code, name, button, result = form.children
    assert "trajnim-intensiv" in [value for _, value in template.options]
    template.value = "kontabilitet-amortizim-provim"
    assert code.placeholder == "empty = KON-11"
    language.value, code.value, name.value = "sq", "KON-A", "Kontabilitet 11A"
    button.click()
    assert "KON-A" in result.value and "provimi.ipynb" in result.value, result.value
    assert (tmp_path / "courses" / "KON-A" / "source" / "provimi-amortizimi" / "provimi.ipynb").is_file()
    button.click()  # the same code again: a clear message, nothing overwritten
    assert "nuk u krijua" not in result.value and "not created" in result.value


def test_form_notebook_is_placed_once_for_staff(tmp_path):
    assert lab.place_form_notebook(tmp_path, "student") is None
    path = lab.place_form_notebook(tmp_path, "teacher")
    assert path == tmp_path / lab.NOTEBOOK_NAME
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert "new_course_form()" in nb.cells[1].source
    path.unlink()  # a teacher who deletes it does not get it back
    assert lab.place_form_notebook(tmp_path, "teacher") is None and not path.exists()


@pytest.mark.slow
def test_server_extension_answers(tmp_path):
    """A real Jupyter server with the MësoLab config path: the extension is enabled by it."""
    config_dir = Path(lab.__file__).resolve().parent / "jupyter_config"
    runtime = tmp_path / "runtime"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(config_dir),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "MESOLAB_SERVICE_URL": "http://127.0.0.1:9/services/mesolab/",  # nothing listens there
        "HOME": str(tmp_path),
    }
    env.pop("JUPYTERHUB_API_TOKEN", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--ServerApp.port=0", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=secret", f"--ServerApp.root_dir={tmp_path}", "--ServerApp.open_browser=False",
         "--ServerApp.allow_root=True"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        info = None
        while time.monotonic() < deadline and info is None:
            for f in runtime.glob("jpserver-*.json"):
                info = json.loads(f.read_text())
            time.sleep(0.2)
        assert info, "the Jupyter server did not start"
        base = info["url"].rstrip("/")
        headers = {"Authorization": "token secret"}
        r = httpx.get(f"{base}/mesolab/course-templates", headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        assert {t["id"] for t in r.json()["items"]} >= {"tik-python-detyre", "trajnim-intensiv"}
        r = httpx.post(f"{base}/mesolab/courses", headers=headers, json={"template": "x"}, timeout=30)
        assert r.status_code == 400
        r = httpx.post(
            f"{base}/mesolab/courses", headers=headers, json={"template": "elektro-ohm-mesim", "lang": "sq"}, timeout=30
        )
        assert r.status_code == 502 and r.json()["message"]  # the service is unreachable: said clearly
        assert httpx.get(f"{base}/mesolab/course-templates", timeout=30).status_code == 403  # no token, no answer
    finally:
        proc.terminate()
        proc.wait(timeout=30)
