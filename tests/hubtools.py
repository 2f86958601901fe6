"""Helpers for tests that drive a real hub: settings files, free ports, logins and tokens."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from mesolab.demo import DEMO_PASSWORD
from mesolab.hubapi import HubAPI
from mesolab.hubprocess import HubProcess
from mesolab.secrets import ensure_secrets
from mesolab.settings import load_settings

SCHOOLS = [
    {
        "id": "ict-tirana",
        "name": {"sq": "Shkolla Profesionale e TIK, Tiranë", "en": "ICT Vocational School, Tirana"},
        "branding": {"colour": "#1f5fbf"},
    },
    {
        "id": "elektrik-durres",
        "name": {"sq": "Shkolla Profesionale Elektrike, Durrës", "en": "Electrical Vocational School, Durrës"},
        "branding": {"colour": "#b86e00"},
    },
    {
        "id": "hoteleri-vlore",
        "name": {"sq": "Shkolla e Hotelerisë dhe Turizmit, Vlorë", "en": "Hospitality and Tourism School, Vlorë"},
        "branding": {"colour": "#1e7a3c"},
    },
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(directory: Path, **sections) -> Path:
    """A settings file in ``directory`` with random ports and the three test schools."""
    data = {
        "hub": {
            "bind_url": f"http://127.0.0.1:{free_port()}",
            "hub_port": free_port(),
            "proxy_api_port": free_port(),
            "state_dir": "state",
        },
        "service": {"port": free_port()},
        "auth": {"mode": "local", "national_admins": ["admin.kombetar"]},
        "spawner": {"mode": "local", "start_timeout": 120, "http_timeout": 90},
        "limits": {"cull_idle_after": 0},
        # two grading processes; a short lease so that a killed worker's job comes back quickly
        "grading": {"processes": 2, "lease_seconds": 8},
        "schools": SCHOOLS,
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value} if isinstance(value, dict) else value
    path = directory / "mesolab.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


class Session(httpx.Client):
    """An already-used client that can still be used as a context manager (closes on exit)."""

    def __enter__(self):
        return self


def login_local(url: str, username: str, password: str) -> httpx.Client:
    """A client logged in through the hub's login form (cookies kept)."""
    client = Session(base_url=url, follow_redirects=False, timeout=30)
    page = client.get("/hub/login")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    r = client.post("/hub/login", data={"username": username, "password": password, "_xsrf": xsrf})
    if r.status_code != 302:
        client.close()
        raise PermissionError(f"login of {username} failed: HTTP {r.status_code}")
    return client


def create_token(client: httpx.Client, username: str, note: str = "test") -> str:
    """An API token of the logged-in user, made with their own session (as the token page does)."""
    xsrf = client.cookies.get("_xsrf")
    r = client.post(
        f"/hub/api/users/{username}/tokens",
        json={"note": note},
        headers={"X-XSRFToken": xsrf, "Referer": str(client.base_url) + "/hub/token"},
    )
    r.raise_for_status()
    return r.json()["token"]


@dataclass
class RunningHub:
    """A started hub: its settings, process, service API client and people."""

    settings: object
    process: HubProcess
    api: HubAPI
    people: list = field(default_factory=list)
    _tokens: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.process.url

    def login(self, username: str, password: str = DEMO_PASSWORD) -> httpx.Client:
        return login_local(self.url, username, password)

    def token(self, username: str) -> str:
        """An API token of ``username`` (cached per hub)."""
        if username not in self._tokens:
            with self.login(username) as client:
                self._tokens[username] = create_token(client, username)
        return self._tokens[username]

    def as_user(self, username: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"token {self.token(username)}"}, timeout=60)


def start_hub(directory: Path, **sections) -> tuple[HubProcess, object, object]:
    path = write_settings(directory, **sections)
    settings = load_settings(path)
    secrets = ensure_secrets(settings.state_dir)
    hub = HubProcess(settings)
    hub.start(timeout=90)
    return hub, settings, secrets


def record_fixtures(namespace: dict) -> None:
    """Put the central record's database fixtures (``engine`` on SQLite and PostgreSQL, the
    seeded ``world``…) from ``tests/record/conftest.py`` into a test package's conftest."""
    import importlib.util
    import sys

    record_tests = Path(__file__).resolve().parent / "record"
    if str(record_tests) not in sys.path:
        sys.path.insert(0, str(record_tests))
    name = f"mesolab_record_fixtures_for_{namespace['__name__'].replace('.', '_')}"
    spec = importlib.util.spec_from_file_location(name, record_tests / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for fixture in ("postgres_server", "postgres_engine", "backend", "engine", "empty_engine", "sessions", "world"):
        namespace[fixture] = getattr(module, fixture)
