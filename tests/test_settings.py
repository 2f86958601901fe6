"""Settings files: a good one is accepted; each kind of bad one is refused naming the key."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from hubtools import SCHOOLS, write_settings
from mesolab.errors import SettingsError
from mesolab.paths import hub_config_file
from mesolab.settings import load_settings, parse_settings


def _load(tmp_path, text: str):
    path = tmp_path / "mesolab.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


def _with(**changes) -> str:
    data = {"schools": [dict(s) for s in SCHOOLS]}
    data.update(changes)
    return yaml.safe_dump(data, allow_unicode=True)


def test_good_file_gets_defaults(tmp_path):
    s = _load(tmp_path, _with())
    assert [x.id for x in s.schools] == ["ict-tirana", "elektrik-durres", "hoteleri-vlore"]
    assert s.schools[0].name_sq == "Shkolla Profesionale e TIK, Tiranë"
    assert s.schools[1].name("en") == "Electrical Vocational School, Durrës"
    assert s.schools[0].colour == "#1f5fbf"
    assert s.schools[0].timezone == "Europe/Tirane"
    assert s.auth_mode == "local"
    assert s.spawner_mode == "local"
    assert s.bind_url == "http://127.0.0.1:8000"
    assert s.section("limits")["concurrent_spawns"] == 10
    assert s.state_dir == (tmp_path / "state").resolve()
    assert s.hub_db_url.endswith("state/jupyterhub.sqlite")


def test_demo_settings_are_valid():
    from mesolab.demo import DEMO_SETTINGS

    s = load_settings(DEMO_SETTINGS)
    assert len(s.schools) == 3
    assert s.bind_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # unknown key at the top level
        (_with(schols=[]), "(top level): unknown key 'schols'"),
        # unknown key deep inside a school
        (
            _with(schools=[{**SCHOOLS[0], "branding": {"colur": "#ffffff"}}]),
            "schools[0].branding: unknown key 'colur' (allowed: colour, logo)",
        ),
        # wrong type
        (_with(limits={"concurrent_spawns": "ten"}), "limits.concurrent_spawns: 'ten' is not of type 'integer'"),
        # not one of the allowed values
        (_with(auth={"mode": "ldap"}), "auth.mode: 'ldap' is not one of ['local', 'oidc']"),
        # bad form
        (
            _with(schools=[{**SCHOOLS[0], "id": "ICT Tirana"}]),
            "schools[0].id: 'ICT Tirana' does not have the expected form",
        ),
        (
            _with(schools=[{**SCHOOLS[0], "branding": {"colour": "blue"}}]),
            "schools[0].branding.colour: 'blue' does not have the expected form",
        ),
        # missing required key
        (_with(schools=[{"id": "x"}]), "schools[0]: 'name' is a required property"),
        (_with(schools=[{"id": "x", "name": {"sq": "X"}}]), "schools[0].name: 'en' is a required property"),
        # no schools at all
        ("hub: {}\n", "(top level): 'schools' is a required property"),
        # duplicate ids
        (_with(schools=[SCHOOLS[0], SCHOOLS[0]]), "schools: duplicate school id 'ict-tirana'"),
        # oidc without its endpoints
        (_with(auth={"mode": "oidc", "oidc": {"client_id": "x"}}), "auth.oidc: 'authorize_url' is a required property"),
        # not a mapping, not YAML
        ("- a\n- b\n", "the file must hold a mapping"),
        ("schools: [\n", "not valid YAML"),
    ],
)
def test_bad_files_name_file_and_key(tmp_path, text, expected):
    with pytest.raises(SettingsError) as info:
        _load(tmp_path, text)
    assert "mesolab.yaml" in info.value.message
    assert expected in info.value.message


def test_every_error_is_reported_at_once(tmp_path):
    text = _with(limits={"concurrent_spawns": -1, "bogus": 1})
    with pytest.raises(SettingsError) as info:
        _load(tmp_path, text)
    assert "limits: unknown key 'bogus'" in info.value.message
    assert "limits.concurrent_spawns: -1 is less than the minimum of 0" in info.value.message


def test_missing_file(tmp_path):
    with pytest.raises(SettingsError, match="settings file not found"):
        load_settings(tmp_path / "nope.yaml")


def test_secret_from_environment(tmp_path, monkeypatch):
    oidc = {
        "client_id": "mesolab",
        "client_secret_env": "TEST_OIDC_SECRET",
        "authorize_url": "http://idp/auth",
        "token_url": "http://idp/token",
        "userdata_url": "http://idp/userinfo",
    }
    s = parse_settings(_with(auth={"mode": "oidc", "oidc": oidc}), tmp_path / "mesolab.yaml")
    monkeypatch.delenv("TEST_OIDC_SECRET", raising=False)
    with pytest.raises(SettingsError, match="environment variable TEST_OIDC_SECRET"):
        s.oidc_client_secret()
    monkeypatch.setenv("TEST_OIDC_SECRET", "s3cret")
    assert s.oidc_client_secret() == "s3cret"


def test_hub_refuses_to_start_with_bad_settings(tmp_path):
    """The real start-up path: jupyterhub with our config stops with the message, no traceback."""
    path = write_settings(tmp_path, limits={"concurrent_spawns": "many"})
    env = {"MESOLAB_SETTINGS": str(path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "jupyterhub", "-f", str(hub_config_file()), "--JupyterHub.bind_url=http://127.0.0.1:1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    assert "mesolab.yaml: limits.concurrent_spawns: 'many' is not of type 'integer'" in proc.stderr
    assert "Traceback" not in proc.stderr
