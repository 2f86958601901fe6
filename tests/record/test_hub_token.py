"""The real hub token path: a hub API token resolved by the hub, groups turned into permissions.

Uses the real local-account hub of ``tests/conftest.py`` (``local_hub``); the service runs
in process with the real :class:`~mesolab.service.auth.Authenticator` (HubOAuth) pointed
at that hub's API. Not parametrized over databases: it is about authentication.
"""

import pytest
from fastapi.testclient import TestClient
from jupyterhub.services.auth import HubOAuth
from recordtools import API

from mesolab.record import db
from mesolab.record.sync import ensure_schools
from mesolab.secrets import ensure_secrets
from mesolab.service.app import create_app
from mesolab.service.auth import Authenticator
from mesolab.service.config import DEFAULT_PREFIX, MesoLabService


@pytest.mark.slow
def test_hub_api_token_identifies_the_caller(local_hub, tmp_path):
    settings = local_hub.settings
    teacher = next(p for p in local_hub.people if p.role == "teacher")
    student = next(p for p in local_hub.people if p.role == "student" and p.school != teacher.school)
    engine = db.make_engine(f"sqlite:///{tmp_path / 'record.sqlite'}")
    db.upgrade(engine)
    with db.transaction(db.session_factory(engine)) as session:
        ensure_schools(session, settings)
    config = MesoLabService(base_url=DEFAULT_PREFIX, auth_cache_max_age=5)
    hub_auth = HubOAuth(
        api_url=local_hub.process.api_url,
        api_token=ensure_secrets(settings.state_dir).service_token,
        oauth_client_id="service-mesolab",
        base_url=DEFAULT_PREFIX,
        access_scopes={"access:services!service=mesolab"},
        cache_max_age=5,
    )
    app = create_app(config, engine, settings, authenticator=Authenticator(config, hub_auth))
    with TestClient(app, raise_server_exceptions=False) as client:
        for scheme in ("token", "Bearer"):
            r = client.get(f"{API}/me", headers={"Authorization": f"{scheme} {local_hub.token(teacher.username)}"})
            assert r.status_code == 200, r.text
            assert (r.json()["username"], r.json()["role"], r.json()["school"]["id"]) == (
                teacher.username,
                "teacher",
                teacher.school,
            )
        # the teacher sees only their school
        schools = client.get(f"{API}/schools", headers={"Authorization": f"token {local_hub.token(teacher.username)}"})
        assert [s["id"] for s in schools.json()["items"]] == [teacher.school]
        r = client.get(f"{API}/me", headers={"Authorization": f"token {local_hub.token(student.username)}"})
        assert r.json()["role"] == "student" and r.json()["school"]["id"] == student.school
        r = client.get(f"{API}/me", headers={"Authorization": "token not-a-real-token"})
        assert r.status_code == 401 and r.json()["error"] == "not-authenticated"
        r = client.get(f"{DEFAULT_PREFIX}login", follow_redirects=False)
        assert r.status_code == 302 and "/hub/api/oauth2/authorize" in r.headers["location"]
        assert "code_challenge=" in r.headers["location"] and "state=" in r.headers["location"]
    engine.dispose()
