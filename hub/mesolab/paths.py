"""Where MësoLab finds its own files and the tools it drives."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
# In a source checkout (editable install) the repository root holds node_modules/ and
# jupyterhub_config.py; an installed package falls back to PATH.
SOURCE_ROOT = PACKAGE_DIR.parent.parent


def venv_bin() -> Path:
    """The ``bin/`` of the Python running MësoLab (nbgrader needs it on PATH for alembic)."""
    return Path(sys.executable).parent


def proxy_command() -> list[str]:
    """The configurable-http-proxy command: ``$MESOLAB_PROXY_COMMAND``, the checkout's
    ``node_modules`` (installed by ``make setup``), or PATH."""
    if os.environ.get("MESOLAB_PROXY_COMMAND"):
        return [os.environ["MESOLAB_PROXY_COMMAND"]]
    local = SOURCE_ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return [str(local)]
    found = shutil.which("configurable-http-proxy")
    return [found or "configurable-http-proxy"]


def hub_config_file() -> Path:
    """The root ``jupyterhub_config.py`` of the checkout (``$MESOLAB_HUB_CONFIG`` wins)."""
    return Path(os.environ.get("MESOLAB_HUB_CONFIG") or SOURCE_ROOT / "jupyterhub_config.py")
