"""Spawner configuration: local processes on one machine, or KubeSpawner on Kubernetes.

* ``local`` — JupyterHub's ``SimpleLocalProcessSpawner``: every server runs as the hub's own
  account, each user in their own working directory ``<state_dir>/users/<name>`` (the demo).
* ``local-users`` — JupyterHub's ``LocalProcessSpawner``: one Unix account per user, for a
  single-machine pilot (the accounts must exist, e.g. created by the school's IT).
* ``kubernetes`` — :class:`mesolab.kube.MesoLabKubeSpawner`, with per-school profiles.
"""

from __future__ import annotations

import os

from ..kube import school_profiles
from ..paths import venv_bin
from ..settings import Settings


def _singleuser_env() -> dict:
    # nbgrader runs `alembic` from PATH when it creates a gradebook: the venv's bin first.
    return {"PATH": f"{venv_bin()}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}"}


def apply_spawner(c, settings: Settings) -> None:
    """Configure the spawner for ``spawner.mode``."""
    sp = settings.section("spawner")
    c.Spawner.default_url = sp["default_url"]
    c.Spawner.start_timeout = sp["start_timeout"]
    c.Spawner.http_timeout = sp["http_timeout"]
    mode = settings.spawner_mode
    if mode in ("local", "local-users"):
        c.Spawner.cmd = [str(venv_bin() / "jupyterhub-singleuser")]
        c.Spawner.environment = _singleuser_env()
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
