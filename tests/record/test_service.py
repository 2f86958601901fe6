"""The service around the routes: OpenAPI document, JSON errors, start-up, sync, CLI."""

import json
from pathlib import Path

from fastapi.testclient import TestClient
from recordtools import API, NATIONAL, A, B, make_app, username
from sqlalchemy import select

from mesolab.cli import main
from mesolab.record import db
from mesolab.record.models import Person, School
from mesolab.record.sync import ensure_schools, hub_people, provision_hub
from mesolab.service import openapi
from mesolab.settings import parse_settings

SETTINGS = """
hub: {state_dir: state}
schools:
  - id: ict-tirana
    name: {sq: "Shkolla Profesionale e TIK, Tiranë", en: "ICT Vocational School, Tirana"}
  - id: hoteleri-vlore
    name: {sq: "Shkolla e Hotelerisë, Vlorë", en: "Hospitality School, Vlorë"}
"""


def settings(tmp_path):
    return parse_settings(SETTINGS, tmp_path / "mesolab.yaml")


def test_committed_openapi_is_current():
    committed = json.loads(openapi.COMMITTED.read_text(encoding="utf-8"))
    assert committed == openapi.generate(), "docs/openapi.json is stale: run `mesolab openapi`"


def test_openapi_served(api):
    r = api.client.get(f"{API}/openapi.json")
    assert r.status_code == 200 and f"{API}/grades/events" in r.json()["paths"]


def test_errors_are_json(api, world):
    caller = api.as_(NATIONAL)
    r = caller.get("/people/nobody")
    assert r.status_code == 404 and r.json() == {"error": "not-found", "message": "no person 'nobody' that you can see"}
    r = caller.get("/people", params={"limit": 0})
    assert r.status_code == 422 and r.json()["error"] == "invalid" and "limit" in r.json()["message"]
    r = caller.post(
        "/people",
        json={
            "username": username("nxenes", A),
            "first_name": "A",
            "last_name": "B",
            "school_id": A,
            "role": "student",
        },
    )
    assert r.status_code == 409 and "already" in r.json()["message"]
    r = caller.post(
        "/enrolments",
        json={
            "username": username("nxenes", A),
            "course_id": world.courses[f"{A}/PRG1"],
            "role": "student",
            "active_from": "2025-09-15",
        },
    )
    assert r.status_code == 409
    r = api.client.get("/services/mesolab/nowhere")
    assert r.status_code == 404 and "api/v1" in r.json()["message"]


def test_unexpected_errors_hide_the_traceback(engine, world, monkeypatch):
    from mesolab.service import routes_directory

    def boom(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(routes_directory, "person_out", boom)
    app = make_app(engine, users={"x": {"name": "x", "groups": ["national-admins"]}})
    with TestClient(app, raise_server_exceptions=False) as client:
        r = client.get(f"{API}/people", headers={"X-Test-User": "x"})
    assert r.status_code == 500 and r.json()["error"] == "internal" and "secret" not in r.text


def test_browser_without_login_is_sent_to_hub_login(api, monkeypatch):
    html = {"Accept": "text/html"}
    monkeypatch.delenv("JUPYTERHUB_API_TOKEN", raising=False)
    # not connected to a hub: a clear 401, never a redirect loop
    r = api.client.get(f"{API}/me", headers=html, follow_redirects=False)
    assert r.status_code == 401
    r = api.client.get("/services/mesolab/login", headers=html, follow_redirects=False)
    assert r.status_code == 401 and "not connected to a hub" in r.json()["message"]
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "x")
    r = api.client.get(f"{API}/me", headers=html, follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"] == "/services/mesolab/login?next=/services/mesolab/api/v1/me"


def test_start_syncs_schools(engine, world, tmp_path):
    s = settings(tmp_path)
    app = make_app(engine, settings=s, users={"x": {"name": "x", "groups": ["national-admins"]}})
    with TestClient(app) as client:
        ids = {x["id"]: x["active"] for x in client.get(f"{API}/schools", headers={"X-Test-User": "x"}).json()["items"]}
    assert ids == {A: True, B: False, "hoteleri-vlore": True}
    with db.transaction(db.session_factory(engine)) as session:
        assert ensure_schools(session, s) == []
        assert session.get(School, A).name_sq == "Shkolla Profesionale e TIK, Tiranë"


class FakeHub:
    """Just enough of HubAPI for ensure_hub: groups and users in memory."""

    def __init__(self):
        self.groups, self.users = {}, {}

    def group(self, name):
        return self.groups.get(name)

    def user(self, name):
        return self.users.get(name)

    def post(self, path, json=None):
        parts = path.strip("/").split("/")
        if parts[0] == "groups" and len(parts) == 2:
            self.groups[parts[1]] = {"name": parts[1], "properties": {}}
        elif parts[0] == "groups":
            for u in json["users"]:
                self.users[u]["groups"].append(parts[1])
        elif parts[0] == "users":
            self.users[parts[1]] = {"name": parts[1], "groups": []}

    def request(self, method, path, json=None):
        self.groups[path.split("/")[2]]["properties"] = json

    def delete(self, path, json=None):
        for u in json["users"]:
            self.users[u]["groups"].remove(path.split("/")[2])


def test_provision_hub_from_record(engine, world, tmp_path):
    s = settings(tmp_path)
    sessions = db.session_factory(engine)
    with db.transaction(sessions) as session:
        ensure_schools(session, s)
        session.execute(Person.__table__.update().where(Person.school_id == B).values(active=False))
    hub = FakeHub()
    with sessions() as session:
        people = hub_people(session)
        changes = provision_hub(session, hub, s)
        assert provision_hub(session, hub, s) == []
    assert {p.username for p in people} == {NATIONAL} | world.school_people(A)
    assert f"created user {username('mesues', A)}" in changes
    assert sorted(hub.users[username("mesues", A)]["groups"]) == [A, f"{A}.teachers"]
    assert hub.users[NATIONAL]["groups"] == ["national-admins"]


def test_cli_db_import_backup_restore(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    path = tmp_path / "mesolab.yaml"
    path.write_text(SETTINGS, encoding="utf-8")
    assert main(["db", "upgrade", "--settings", str(path), "--db-url", url]) == 0
    assert "added school ict-tirana" in capsys.readouterr().out
    csv = tmp_path / "nxenes.csv"
    csv.write_bytes("\ufeffusername;first_name;last_name;school;role\nana;Ana;Çela;ict-tirana;student\n".encode())
    assert main(["import", "people", str(csv), "--dry-run", "--db-url", url]) == 0
    assert "would create 1" in capsys.readouterr().out
    assert main(["import", "people", str(csv), "--db-url", url]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes("username;first_name;last_name;school;role\nana;Ana;Çela;nowhere;student\n".encode("cp1252"))
    assert main(["import", "people", str(bad), "--db-url", url]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    backup_file = tmp_path / "b.jsonl.gz"
    assert main(["db", "backup", str(backup_file), "--db-url", url]) == 0
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert main(["db", "restore", str(backup_file), "--db-url", other]) == 0
    engine = db.make_engine(other)
    with db.session_factory(engine)() as session:
        assert session.scalar(select(Person.last_name).where(Person.username == "ana")) == "Çela"
    engine.dispose()
    assert main(["db", "restore", str(backup_file), "--db-url", other]) == 2
    assert "--force" in capsys.readouterr().err


def test_cli_openapi(tmp_path):
    out = tmp_path / "openapi.json"
    assert main(["openapi", str(out)]) == 0
    assert json.loads(Path(out).read_text(encoding="utf-8")) == openapi.generate()
