"""The apply_* functions: pure, set-only, tested on a bare traitlets Config."""

from __future__ import annotations

import pytest
import yaml
from traitlets.config import Config

from hubtools import SCHOOLS
from mesolab.config import apply_all, apply_auth, apply_limits, apply_spawner
from mesolab.secrets import ensure_secrets
from mesolab.settings import parse_settings

OIDC = {
    "client_id": "mesolab",
    "client_secret": "s3cret",
    "authorize_url": "http://127.0.0.1:9/auth",
    "token_url": "http://127.0.0.1:9/token",
    "userdata_url": "http://127.0.0.1:9/userinfo",
    "school_claim": "shkolla",
}


def _settings(tmp_path, **extra):
    return parse_settings(yaml.safe_dump({"schools": SCHOOLS, **extra}), tmp_path / "mesolab.yaml")


def test_apply_all_is_idempotent(tmp_path):
    settings = _settings(tmp_path)
    secrets = ensure_secrets(settings.state_dir)
    c1, c2 = Config(), Config()
    apply_all(c1, settings, secrets)
    apply_all(c2, settings, secrets)
    apply_all(c2, settings, secrets)
    assert c1 == c2


def test_local_auth(tmp_path):
    c = Config()
    apply_auth(c, _settings(tmp_path))
    assert c.JupyterHub.authenticator_class == "mesolab.authenticators.MesoLabLocalAuthenticator"
    assert c.MesoLabLocalAuthenticator.enable_signup is False
    assert c.MesoLabLocalAuthenticator.minimum_password_length == 8


def test_oidc_auth(tmp_path):
    c = Config()
    apply_auth(c, _settings(tmp_path, auth={"mode": "oidc", "oidc": OIDC}))
    a = c.MesoLabOIDCAuthenticator
    assert c.JupyterHub.authenticator_class == "mesolab.authenticators.MesoLabOIDCAuthenticator"
    assert a.client_secret == "s3cret"
    assert a.manage_groups is True
    assert a.school_claim == "shkolla"
    assert a.role_claim == "role"
    assert a.username_claim == "preferred_username"
    assert a.oauth_callback_url == "http://127.0.0.1:8000/hub/oauth_callback"
    assert a.schools == ["ict-tirana", "elektrik-durres", "hoteleri-vlore"]


def test_roles_and_services(tmp_path):
    settings = _settings(tmp_path, auth={"national_admins": ["ana"]}, limits={"cull_idle_after": 600})
    c = Config()
    apply_all(c, settings, ensure_secrets(settings.state_dir))
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["national-admin"]["users"] == ["ana"]
    assert roles["national-admin"]["groups"] == ["national-admins"]
    assert roles["idle-culler"]["services"] == ["idle-culler"]
    assert roles["mesolab-service"]["services"] == ["mesolab"]
    assert len([r for r in roles if r.startswith("hoteleri-vlore.")]) == 4
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert "--timeout=600" in services["idle-culler"]["command"]
    assert services["mesolab"]["api_token"]


def test_limits(tmp_path):
    c = Config()
    apply_limits(c, _settings(tmp_path, limits={"concurrent_spawns": 4, "active_servers": 30}))
    assert c.JupyterHub.concurrent_spawn_limit == 4
    assert c.JupyterHub.active_server_limit == 30


@pytest.mark.parametrize(
    ("mode", "cls"),
    [
        ("local", "jupyterhub.spawner.SimpleLocalProcessSpawner"),
        ("local-users", "jupyterhub.spawner.LocalProcessSpawner"),
        ("kubernetes", "mesolab.kube.MesoLabKubeSpawner"),
    ],
)
def test_spawner_modes(tmp_path, mode, cls):
    c = Config()
    apply_spawner(c, _settings(tmp_path, spawner={"mode": mode}))
    assert c.JupyterHub.spawner_class == cls
    assert c.Spawner.default_url == "/lab"


def test_local_spawner_has_a_directory_per_user(tmp_path):
    c = Config()
    settings = _settings(tmp_path)
    apply_spawner(c, settings)
    assert c.SimpleLocalProcessSpawner.home_dir_template == str(settings.state_dir / "users" / "{username}")
    assert c.Spawner.environment["PATH"].split(":")[0].endswith("bin")
