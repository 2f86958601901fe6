"""Running a real JupyterHub as a child process: used by ``mesolab demo`` and the tests.

:class:`HubProcess` starts ``jupyterhub`` with MësoLab's root ``jupyterhub_config.py`` and a
settings file, waits until the hub answers through the proxy, and stops it (with its proxy
and single-user servers, which JupyterHub cleans up on a normal shutdown) on ``stop()``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .errors import MesoLabError
from .paths import hub_config_file, venv_bin
from .settings import Settings


class HubStartError(MesoLabError):
    status = 500


class HubProcess:
    """A ``jupyterhub`` child process for ``settings``; its output goes to ``log_path``."""

    def __init__(self, settings: Settings, log_path: Path | None = None, env: dict | None = None):
        self.settings = settings
        self.log_path = log_path or settings.state_dir / "jupyterhub.log"
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return self.settings.bind_url.rstrip("/")

    @property
    def api_url(self) -> str:
        return self.url + "/hub/api"

    def environment(self) -> dict:
        env = dict(os.environ)
        env["MESOLAB_SETTINGS"] = str(self.settings.path)
        env["PATH"] = f"{venv_bin()}{os.pathsep}{env.get('PATH', '')}"
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 90.0) -> None:
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        cmd = [sys.executable, "-m", "jupyterhub", "-f", str(hub_config_file())]
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.settings.state_dir,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubStartError(f"the hub exited with status {self.proc.returncode}:\n{self.tail()}")
            try:
                if httpx.get(self.api_url + "/", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise HubStartError(f"the hub did not answer at {self.api_url} within {timeout:.0f}s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait(self) -> int:
        assert self.proc is not None
        return self.proc.wait()

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the hub (it stops its servers and proxy), then kill what is left."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
