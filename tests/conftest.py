"""Shared fixtures: an isolated HOME, and a real local-account hub with the demo's people."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hubtools import RunningHub, start_hub  # noqa: E402
from mesolab.demo import DEMO_PASSWORD, demo_people, provision_demo  # noqa: E402
from mesolab.hubapi import HubAPI  # noqa: E402
from mesolab.local_accounts import ensure_local_accounts  # noqa: E402
from mesolab.provision import Person, ensure_hub  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory):
    """Jupyter, IPython and nbgrader write to ~: every test session gets its own HOME (and PATH)."""
    home = tmp_path_factory.mktemp("home")
    old = {k: os.environ.get(k) for k in ("HOME", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR", "PATH")}
    os.environ["HOME"] = str(home)
    # nbgrader runs `alembic` from PATH when it creates a gradebook: the venv's bin first
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        os.environ.pop(k, None)
    yield home
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def local_hub(tmp_path_factory):
    """A real hub (local accounts, local spawner) with the demo's schools and people."""
    hub, settings, secrets = start_hub(tmp_path_factory.mktemp("local-hub"))
    api = HubAPI(hub.api_url, secrets.service_token)
    try:
        provision_demo(settings, api, coursework=False)  # tests hand in their own work
        # the demo has no trainers; the tenancy tests need one per school
        trainers = [Person(f"trajner.{s.id}", s.id, "trainer", "Teuta Zeqiri", DEMO_PASSWORD) for s in settings.schools]
        ensure_hub(api, settings, trainers)
        ensure_local_accounts(settings.hub_db_url, trainers)
        yield RunningHub(settings=settings, process=hub, api=api, people=demo_people(settings) + trainers)
    finally:
        api.close()
        hub.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright (skips with a message where it is missing)."""
    from browsertools import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
