"""Hub-wide configuration: network and state, limits and culling, look, roles and services."""

from __future__ import annotations

import json
import sys

from ..look import template_vars
from ..paths import STATIC_DIR, TEMPLATES_DIR, proxy_command
from ..secrets import Secrets
from ..settings import Settings
from ..tenancy import SERVICE_NAME, hub_roles


def apply_hub(c, settings: Settings, secrets: Secrets) -> None:
    """Where the hub listens, where it keeps state, which proxy it drives."""
    hub = settings.section("hub")
    state = settings.state_dir
    c.JupyterHub.bind_url = settings.bind_url
    c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{hub['hub_port']}"
    c.JupyterHub.db_url = settings.hub_db_url
    c.JupyterHub.cookie_secret_file = str(secrets.cookie_secret_file)
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    # After login people land on the MësoLab home page (school, role, courses, plan, grades).
    c.JupyterHub.default_url = "/hub/home"
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.ConfigurableHTTPProxy.command = proxy_command()
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{hub['proxy_api_port']}"
    c.ConfigurableHTTPProxy.auth_token = secrets.proxy_token
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.ConfigurableHTTPProxy.should_start = True


def apply_limits(c, settings: Settings) -> None:
    """Spawn limits and idle culling (jupyterhub-idle-culler as a hub-managed service)."""
    limits = settings.section("limits")
    c.JupyterHub.concurrent_spawn_limit = limits["concurrent_spawns"]
    c.JupyterHub.active_server_limit = limits["active_servers"]


def culler_service(settings: Settings) -> dict | None:
    """The idle-culler service entry, or None when culling is off."""
    limits = settings.section("limits")
    if not limits["cull_idle_after"]:
        return None
    return {
        "name": "idle-culler",
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={limits['cull_idle_after']}",
            f"--cull-every={limits['cull_every']}",
        ],
    }


def apply_look(c, settings: Settings) -> None:
    """MësoLab's templates (login, home, errors) with the school's name, colour and language."""
    c.JupyterHub.template_paths = [str(TEMPLATES_DIR)]
    c.JupyterHub.template_vars = template_vars(settings)
    c.JupyterHub.logo_file = str(STATIC_DIR / "mesolab-logo.svg")


def mesolab_service(settings: Settings, secrets: Secrets) -> dict:
    """The MësoLab service (central record and coursework API): hub-managed on one machine,
    external (its own Deployment) when ``service.url`` is set."""
    service = settings.section("service")
    external = service.get("url")
    entry = {
        "name": SERVICE_NAME,
        "display": True,
        "api_token": secrets.service_token,
        "oauth_no_confirm": True,
        "url": external or f"http://127.0.0.1:{service['port']}",
        # identify scopes (name and groups) are all the service needs from a browser login
        "oauth_client_allowed_scopes": [],
    }
    if not external:
        entry["command"] = [sys.executable, "-m", "mesolab.cli", "service", "--upgrade"]
        entry["environment"] = {"MESOLAB_SETTINGS": str(settings.path), "PYTHONUNBUFFERED": "1"}
    return entry


GRADER_SERVICE = "mesolab-grader"


def grader_service(settings: Settings, secrets: Secrets) -> dict:
    """The grading worker: a hub service with its own token; the hub runs it on one machine
    (on Kubernetes workers are their own Deployment and ``service.url`` is set)."""
    grading = settings.section("grading")
    entry = {"name": GRADER_SERVICE, "api_token": secrets.grader_token, "display": False}
    if not settings.section("service").get("url"):
        cmd = [sys.executable, "-m", "mesolab.cli", "worker"]
        if grading.get("processes"):
            cmd.append(f"--processes={grading['processes']}")
        if grading.get("unsandboxed"):
            cmd.append("--unsandboxed")
        if grading.get("limits"):
            cmd.append("--limits=" + json.dumps(grading["limits"], sort_keys=True))
        entry["command"] = cmd
        entry["environment"] = {"MESOLAB_SETTINGS": str(settings.path), "PYTHONUNBUFFERED": "1"}
    return entry


def service_entries(settings: Settings, secrets: Secrets) -> list[dict]:
    """Hub services: MësoLab's own, its grading worker and the idle culler."""
    services = [mesolab_service(settings, secrets), grader_service(settings, secrets)]
    culler = culler_service(settings)
    if culler:
        services.append(culler)
    return services


def service_roles(settings: Settings) -> list[dict]:
    roles = [
        {
            "name": "mesolab-service",
            "description": "The MësoLab service: provisions users and groups from the central record.",
            "scopes": [
                "admin:users",
                "admin:groups",
                "admin:servers",
                "read:roles",
                "list:services",
                "shares",
            ],
            "services": [SERVICE_NAME],
        }
    ]
    roles.append(
        {
            "name": "mesolab-grader",
            "description": "MësoLab grading workers: take grading jobs from the MësoLab service.",
            "scopes": [f"access:services!service={SERVICE_NAME}"],
            "services": [GRADER_SERVICE],
        }
    )
    if culler_service(settings):
        roles.append(
            {
                "name": "idle-culler",
                "description": "Stop idle single-user servers.",
                "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
                "services": ["idle-culler"],
            }
        )
    return roles


def apply_roles_and_services(c, settings: Settings, secrets: Secrets) -> None:
    """``load_roles`` (MësoLab roles bound to groups, service roles) and ``services``."""
    roles = hub_roles(settings)
    national = sorted(set(settings.section("auth").get("national_admins", [])))
    if national:
        roles[0] = {**roles[0], "users": national}
    c.JupyterHub.services = service_entries(settings, secrets)
    c.JupyterHub.load_roles = roles + service_roles(settings)
