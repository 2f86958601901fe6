"""JupyterHub configuration of MësoLab: load the deployment settings and apply them.

The settings file is named by $MESOLAB_SETTINGS (see docs/settings.md); everything else
lives in the ``mesolab.config`` package, as small pure functions.
"""

from mesolab.config import apply_all
from mesolab.secrets import ensure_secrets
from mesolab.settings import load_settings_or_exit

settings = load_settings_or_exit()
apply_all(c, settings, ensure_secrets(settings.state_dir))  # noqa: F821 (c is JupyterHub's config)
