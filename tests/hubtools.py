"""Helpers for tests that drive a real hub: settings files, free ports, logins and tokens."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import yaml

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
