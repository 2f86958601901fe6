"""Secrets of a deployment, made once and kept in the state directory (mode 0600).

Each secret may instead come from the environment (Kubernetes Secrets, systemd
credentials): ``JUPYTERHUB_COOKIE_SECRET`` style variables named below win over files.
"""

from __future__ import annotations

import os
import secrets as _secrets
from dataclasses import dataclass
from pathlib import Path

ENV = {
    "proxy_token": "CONFIGPROXY_AUTH_TOKEN",
    "service_token": "MESOLAB_SERVICE_TOKEN",
    "grader_token": "MESOLAB_GRADER_TOKEN",
}


@dataclass(frozen=True)
class Secrets:
    """The deployment's secrets; ``cookie_secret_file`` is handed to JupyterHub as a path."""

    cookie_secret_file: Path
    proxy_token: str
    service_token: str
    grader_token: str


def _ensure_file(path: Path, nbytes: int) -> str:
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(_secrets.token_hex(nbytes))
    return path.read_text().strip()


def ensure_secrets(state_dir: Path) -> Secrets:
    """Read the secrets from the environment or ``state_dir``; create the missing files."""
    state_dir.mkdir(parents=True, exist_ok=True)
    values = {}
    for name, env in ENV.items():
        values[name] = os.environ.get(env) or _ensure_file(state_dir / f"{name}", 32)
    cookie = state_dir / "jupyterhub_cookie_secret"
    _ensure_file(cookie, 32)
    return Secrets(cookie_secret_file=cookie, **values)
