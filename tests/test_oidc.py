"""OIDC login end to end: a real hub against oidc-provider-mock, both started by the test.

The provider's users and claims are set at run time (``PUT /users/<sub>``); the test walks
the real OAuth redirects (hub → provider's authorize form → hub callback) with httpx.
"""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import urljoin

import httpx
import pytest

from hubtools import Session, free_port, start_hub
from mesolab.hubapi import HubAPI

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    port = free_port()
    log = open(tmp_path_factory.mktemp("oidc") / "provider.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(url + "/.well-known/openid-configuration", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError("oidc-provider-mock did not start")
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


@pytest.fixture(scope="module")
def oidc_hub(tmp_path_factory, provider):
    oidc = {
        "client_id": "mesolab-hub",
        "client_secret": "mesolab-secret",
        "authorize_url": provider + "/oauth2/authorize",
        "token_url": provider + "/oauth2/token",
        "userdata_url": provider + "/userinfo",
        "scopes": ["openid", "profile"],
    }
    hub, settings, secrets = start_hub(tmp_path_factory.mktemp("oidc-hub"), auth={"mode": "oidc", "oidc": oidc})
    api = HubAPI(hub.api_url, secrets.service_token)
    yield hub, api
    api.close()
    hub.stop()


def set_claims(provider: str, sub: str, **claims) -> None:
    r = httpx.put(f"{provider}/users/{sub}", json={"preferred_username": sub, **claims})
    assert r.status_code == 204, r.text


def oidc_login(hub_url: str, sub: str) -> tuple[httpx.Client, httpx.Response]:
    """Log in as ``sub``: follow the hub's redirect to the provider, pick the user, come back."""
    client = Session(timeout=60)
    r = client.get(hub_url + "/hub/oauth_login?next=/hub/home")
    assert r.status_code == 302, r.text
    authorize = r.headers["location"]
    r = client.post(authorize, data={"sub": sub})
    assert r.status_code == 302, r.text
    callback = r.headers["location"]
    assert callback.startswith(hub_url + "/hub/oauth_callback")
    r = client.get(callback)
    if r.status_code == 302:
        r = client.get(urljoin(hub_url, r.headers["location"]))
    return client, r


def test_claims_map_to_school_and_role(oidc_hub, provider):
    hub, api = oidc_hub
    set_claims(provider, "ana.hoxha", school="ict-tirana", role="teacher")
    client, page = oidc_login(hub.url, "ana.hoxha")
    with client:
        assert page.status_code == 200
        assert "Shkolla Profesionale e TIK, Tiranë" in page.text
        assert "Mësues" in page.text
    user = api.user("ana.hoxha")
    assert sorted(user["groups"]) == ["ict-tirana", "ict-tirana.teachers"]


def test_unknown_school_is_refused_with_a_reason(oidc_hub, provider):
    hub, api = oidc_hub
    set_claims(provider, "besa.kola", school="shkolla-e-panjohur", role="student")
    client, page = oidc_login(hub.url, "besa.kola")
    with client:
        assert page.status_code == 403
        assert "Shkolla «shkolla-e-panjohur» nuk është e regjistruar në MësoLab" in page.text
        assert "The school &#39;shkolla-e-panjohur&#39; is not registered in MësoLab" in page.text
    assert api.user("besa.kola") is None


def test_unknown_role_is_refused(oidc_hub, provider):
    hub, _ = oidc_hub
    set_claims(provider, "gezim.leka", school="ict-tirana", role="rector")
    client, page = oidc_login(hub.url, "gezim.leka")
    with client:
        assert page.status_code == 403
        assert "is not a MësoLab role" in page.text


def test_school_change_applies_at_next_login(oidc_hub, provider):
    hub, api = oidc_hub
    set_claims(provider, "drita.gjoka", school="elektrik-durres", role="student")
    client, _ = oidc_login(hub.url, "drita.gjoka")
    client.close()
    assert sorted(api.user("drita.gjoka")["groups"]) == ["elektrik-durres", "elektrik-durres.students"]
    # the identity provider moves her to another school, as a teacher
    set_claims(provider, "drita.gjoka", school="hoteleri-vlore", role="teacher")
    client, page = oidc_login(hub.url, "drita.gjoka")
    with client:
        assert "Shkolla e Hotelerisë dhe Turizmit, Vlorë" in page.text
    assert sorted(api.user("drita.gjoka")["groups"]) == ["hoteleri-vlore", "hoteleri-vlore.teachers"]


def test_national_admin_needs_no_school(oidc_hub, provider):
    hub, api = oidc_hub
    set_claims(provider, "mimoza.kombetare", role="national-admin")
    client, page = oidc_login(hub.url, "mimoza.kombetare")
    with client:
        assert page.status_code == 200
        assert "Administrator kombëtar" in page.text
    assert api.user("mimoza.kombetare")["groups"] == ["national-admins"]


def test_listed_national_admin_needs_no_role_claim(tmp_path_factory, provider):
    """``auth.national_admins`` wins over the claims (e.g. the ministry's own staff)."""
    oidc = {
        "client_id": "mesolab-hub",
        "client_secret": "mesolab-secret",
        "authorize_url": provider + "/oauth2/authorize",
        "token_url": provider + "/oauth2/token",
        "userdata_url": provider + "/userinfo",
    }
    hub, _, secrets = start_hub(
        tmp_path_factory.mktemp("oidc-na"), auth={"mode": "oidc", "oidc": oidc, "national_admins": ["ministria"]}
    )
    try:
        set_claims(provider, "ministria")
        client, page = oidc_login(hub.url, "ministria")
        with client:
            assert page.status_code == 200
            assert "Administrator kombëtar" in page.text
    finally:
        hub.stop()
