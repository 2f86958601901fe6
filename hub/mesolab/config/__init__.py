"""Pure functions that turn validated settings into JupyterHub configuration.

Each ``apply_*(c, settings, ...)`` only *sets* values on the traitlets config object ``c``
(never appends to what is there), so applying twice gives the same config and each
function can be tested without a running hub. :func:`apply_all` is what the root
``jupyterhub_config.py`` calls.
"""

from .auth import apply_auth
from .hub import apply_hub, apply_limits, apply_look, apply_roles_and_services
from .spawner import apply_spawner


def apply_all(c, settings, secrets) -> None:
    """Apply every part of the settings to ``c``."""
    apply_hub(c, settings, secrets)
    apply_auth(c, settings)
    apply_spawner(c, settings)
    apply_limits(c, settings)
    apply_look(c, settings)
    apply_roles_and_services(c, settings, secrets)


__all__ = [
    "apply_all",
    "apply_auth",
    "apply_hub",
    "apply_limits",
    "apply_look",
    "apply_roles_and_services",
    "apply_spawner",
]
