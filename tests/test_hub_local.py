"""A real hub with local accounts: provisioning, login, the home page."""

from __future__ import annotations

import httpx
import pytest

from mesolab.demo import provision_demo
from mesolab.local_accounts import ensure_local_accounts
from mesolab.provision import Person, ensure_hub

pytestmark = pytest.mark.slow


def test_provisioning_twice_changes_nothing(local_hub):
    # the fixture provisioned once already; a second and third run find nothing to do
    assert provision_demo(local_hub.settings, local_hub.api, coursework=False) == []
    assert provision_demo(local_hub.settings, local_hub.api, coursework=False) == []


def test_provisioning_moves_a_person_between_schools(local_hub):
    api, settings = local_hub.api, local_hub.settings
    moved = Person("nxenes-zhvendosur", "ict-tirana", "student", "Çlirim Muça", "fjalekalim-1")
    ensure_hub(api, settings, [moved])
    changes = ensure_hub(api, settings, [Person("nxenes-zhvendosur", "elektrik-durres", "teacher")])
    assert sorted(changes) == [
        "added nxenes-zhvendosur to elektrik-durres",
        "added nxenes-zhvendosur to elektrik-durres.teachers",
        "removed nxenes-zhvendosur from ict-tirana",
        "removed nxenes-zhvendosur from ict-tirana.students",
    ]
    user = api.user("nxenes-zhvendosur")
    assert sorted(user["groups"]) == ["elektrik-durres", "elektrik-durres.teachers"]
    assert sorted(user["roles"]) == ["user"] or "user" in user["roles"]


def test_unknown_school_is_refused_by_provisioning(local_hub):
    with pytest.raises(ValueError, match="unknown school 'nowhere'"):
        ensure_hub(local_hub.api, local_hub.settings, [Person("x", "nowhere", "student")])


def test_local_login_and_wrong_password(local_hub):
    with local_hub.login("nxenes01.ict") as client:
        home = client.get("/hub/home")
        assert home.status_code == 200
        assert "Shkolla Profesionale e TIK, Tiranë" in home.text
        assert "Nxënës" in home.text
        assert "--mesolab-colour: #1f5fbf" in home.text
    with pytest.raises(PermissionError):
        local_hub.login("nxenes01.ict", "not-the-password")
    with pytest.raises(PermissionError):
        local_hub.login("nobody-here", "mesolab-demo")


def test_wrong_password_page_says_so_in_both_languages(local_hub):
    client = httpx.Client(base_url=local_hub.url, timeout=30)
    page = client.get("/hub/login")
    assert 'lang="sq">Emri i përdoruesit' in page.text
    xsrf = client.cookies.get("_xsrf")
    r = client.post("/hub/login", data={"username": "nxenes01.ict", "password": "wrong", "_xsrf": xsrf})
    assert r.status_code == 403
    assert "Emri i përdoruesit ose fjalëkalimi është i gabuar." in r.text
    assert "Invalid username or password." in r.text


def test_new_local_account_can_log_in(local_hub):
    person = Person("mesues-ri.ict", "ict-tirana", "teacher", "Ëngjëll Çela", "fjalekalim-i-ri")
    ensure_hub(local_hub.api, local_hub.settings, [person])
    minimum = 8
    assert ensure_local_accounts(local_hub.settings.hub_db_url, [person], minimum) == [
        "created local account mesues-ri.ict"
    ]
    assert ensure_local_accounts(local_hub.settings.hub_db_url, [person], minimum) == []
    with local_hub.login("mesues-ri.ict", "fjalekalim-i-ri") as client:
        assert "Mësues" in client.get("/hub/home").text


def test_short_password_is_refused_clearly(local_hub):
    with pytest.raises(ValueError, match="shorter than 8"):
        ensure_local_accounts(local_hub.settings.hub_db_url, [Person("shkurt", "ict-tirana", "student", "", "abc")], 8)


def test_national_admin_home(local_hub):
    with local_hub.login("admin.kombetar") as client:
        text = client.get("/hub/home").text
        assert "Administrator kombëtar" in text
        assert "Të gjitha shkollat" in text


def test_service_runs_under_the_hub_and_knows_people(local_hub):
    with local_hub.as_user("nxenes01.ict") as client:
        me = client.get("/services/mesolab/api/v1/me")
        assert me.status_code == 200, me.text
        body = me.json()
        assert body["role"] == "student" and body["school"]["id"] == "ict-tirana"
    with local_hub.as_user("mesues1.elektrik") as client:
        courses = client.get("/services/mesolab/api/v1/courses").json()
        assert [c["code"] for c in courses["items"]] == ["ELE-10"]


def test_record_is_the_source_of_the_hub(local_hub):
    """Hub users come from the record: the demo's people are all there, with their groups."""
    names = {u["name"] for u in local_hub.api.paged("/users")}
    assert {p.username for p in local_hub.people} <= names


def test_provision_command_follows_the_record(local_hub):
    """`mesolab provision`: the hub follows the central record; a second run changes nothing."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "mesolab.cli", "provision", "--settings", str(local_hub.settings.path)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "the hub is up to date with the record" in again.stdout, again.stdout
