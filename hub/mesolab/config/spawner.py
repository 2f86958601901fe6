"""Spawner configuration: local processes on one machine, or KubeSpawner on Kubernetes.

* ``local`` — JupyterHub's ``SimpleLocalProcessSpawner``: every server runs as the hub's own
  account, each user in their own working directory ``<state_dir>/users/<name>`` (the demo).
* ``local-users`` — JupyterHub's ``LocalProcessSpawner``: one Unix account per user, for a
  single-machine pilot (the accounts must exist, e.g. created by the school's IT).
* ``kubernetes`` — :class:`mesolab.kube.MesoLabKubeSpawner`, with per-school profiles.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..kube import school_profiles
from ..paths import venv_bin
from ..settings import Settings
from ..tenancy import SERVICE_NAME

# Scopes of a user server's own token ($JUPYTERHUB_API_TOKEN): JupyterHub's default ``server``
# role, plus access to the MësoLab service (nbgrader's exchange calls it with this token).
SERVER_TOKEN_SCOPES = ["users:activity!user", "access:servers!server", f"access:services!service={SERVICE_NAME}"]


def service_url(settings: Settings) -> str:
    """Where user servers reach the MësoLab service (its own address, not through the proxy)."""
    service = settings.section("service")
    base = service.get("url") or f"http://127.0.0.1:{service['port']}"
    return base.rstrip("/") + f"/services/{SERVICE_NAME}/"


def nbgrader_config_dir() -> str:
    """The directory holding MësoLab's ``nbgrader_config.py`` (in the ``mesolab_lab`` package)."""
    import mesolab_lab.exchange

    return str(Path(mesolab_lab.exchange.__file__).resolve().parent.parent / "jupyter_config")


def _singleuser_env(settings: Settings | None = None) -> dict:
    # nbgrader runs `alembic` from PATH when it creates a gradebook: the venv's bin first.
    env = {"PATH": f"{venv_bin()}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"}
    if settings is not None:
        # nbgrader's exchange over the MësoLab service, configured for every user
        env["MESOLAB_SERVICE_URL"] = service_url(settings)
        env["JUPYTER_CONFIG_PATH"] = nbgrader_config_dir()
    return env


def apply_spawner(c, settings: Settings) -> None:
    """Configure the spawner for ``spawner.mode``."""
    sp = settings.section("spawner")
    c.Spawner.default_url = sp["default_url"]
    c.Spawner.start_timeout = sp["start_timeout"]
    c.Spawner.http_timeout = sp["http_timeout"]
    c.Spawner.server_token_scopes = SERVER_TOKEN_SCOPES
    mode = settings.spawner_mode
    if mode in ("local", "local-users"):
        c.Spawner.cmd = [str(venv_bin() / "jupyterhub-singleuser")]
        c.Spawner.environment = _singleuser_env(settings)
        # Root may only run Jupyter servers when told so explicitly.
        c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []
    if mode == "local":
        c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
        c.SimpleLocalProcessSpawner.home_dir_template = str(settings.state_dir / "users" / "{username}")
    elif mode == "local-users":
        c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
        c.Spawner.notebook_dir = "~"
    else:
        k8s = sp.get("kubernetes", {})
        c.JupyterHub.spawner_class = "mesolab.kube.MesoLabKubeSpawner"
        c.MesoLabKubeSpawner.school_profiles = school_profiles(settings)
        if k8s.get("namespace"):
            c.MesoLabKubeSpawner.namespace = k8s["namespace"]
        if k8s.get("storage_class"):
            c.MesoLabKubeSpawner.storage_class = k8s["storage_class"]
        c.MesoLabKubeSpawner.storage_pvc_ensure = True
        c.MesoLabKubeSpawner.pvc_name_template = "home-{user_server}"
        c.MesoLabKubeSpawner.volumes = [
            {"name": "home", "persistentVolumeClaim": {"claimName": "home-{user_server}"}},
        ]
        c.MesoLabKubeSpawner.volume_mounts = [{"name": "home", "mountPath": "/home/jovyan"}]
        # Servers need no Kubernetes API access.
        c.MesoLabKubeSpawner.automount_service_account_token = False
        # nbgrader's exchange reaches the service here; the user image puts mesolab_lab's
        # jupyter_config/ on JUPYTER_CONFIG_PATH (see docs/coursework.md).
        c.MesoLabKubeSpawner.environment = {"MESOLAB_SERVICE_URL": service_url(settings)}
