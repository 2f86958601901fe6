"""Domain errors of MësoLab, in one place.

Every error carries the HTTP status it maps to, so the web edge (the service and the hub
handlers) can translate it without knowing each case. Library errors (jsonschema, YAML,
SQLAlchemy, httpx) are caught where they happen and re-raised as one of these, with a
message a person can act on.
"""

from __future__ import annotations


class MesoLabError(Exception):
    """Base of all MësoLab errors; ``status`` is the HTTP status it maps to."""

    status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SettingsError(MesoLabError):
    """The deployment settings file is missing, unreadable or invalid."""

    status = 500


class ProvisioningError(MesoLabError):
    """The hub refused or failed a provisioning call."""

    status = 502


class UnknownSchool(MesoLabError):
    """A person belongs to a school that the deployment does not know."""

    status = 403


class UnknownRole(MesoLabError):
    """A person carries a role that MësoLab does not know."""

    status = 403
