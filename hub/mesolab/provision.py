"""Idempotent provisioning of the hub from MësoLab's record: ``ensure_*`` functions.

Each ``ensure_*`` function compares what the hub has with what it should have and changes
only the difference; it returns the list of changes it made (human-readable strings), so a
second run returns ``[]``. Roles are not provisioned here: JupyterHub creates roles only
from configuration, so :func:`mesolab.config.hub.apply_roles` sets ``load_roles``, which the
hub applies (idempotently) at every start.

Group membership is managed only for MësoLab's own groups (schools, role groups, national
admins): a person's other hub groups are left alone. With OIDC login the identity provider
owns membership (``manage_groups``), so :func:`ensure_people` is for local accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from .hubapi import HubAPI
from .settings import Settings
from .tenancy import NATIONAL_ADMIN, groups_for, hub_groups


@dataclass(frozen=True)
class Person:
    """Someone to provision: username, school (None for national admins), role, display name."""

    username: str
    school: str | None
    role: str
    name: str = ""
    password: str | None = None


def _q(name: str) -> str:
    return quote(name, safe="")


def ensure_group(api: HubAPI, name: str, properties: dict) -> list[str]:
    """Create group ``name`` if missing and make its properties include ``properties``."""
    group = api.group(name)
    if group is None:
        api.post(f"/groups/{_q(name)}", json={})
        api.request("PUT", f"/groups/{_q(name)}/properties", json=properties)
        return [f"created group {name}"]
    current = group.get("properties") or {}
    if any(current.get(k) != v for k, v in properties.items()):
        api.request("PUT", f"/groups/{_q(name)}/properties", json={**current, **properties})
        return [f"updated properties of group {name}"]
    return []


def ensure_school_groups(api: HubAPI, settings: Settings) -> list[str]:
    """Every school group, role group and the national-admins group, with properties."""
    changes: list[str] = []
    for name, props in hub_groups(settings).items():
        changes += ensure_group(api, name, props)
    return changes


def ensure_user(api: HubAPI, username: str) -> list[str]:
    if api.user(username) is None:
        api.post(f"/users/{_q(username)}", json={})
        return [f"created user {username}"]
    return []


def ensure_membership(api: HubAPI, username: str, wanted: set[str], managed: set[str]) -> list[str]:
    """Make ``username``'s membership of the ``managed`` groups exactly ``wanted``."""
    user = api.user(username) or {}
    have = set(user.get("groups") or []) & managed
    changes = []
    for group in sorted(wanted - have):
        api.post(f"/groups/{_q(group)}/users", json={"users": [username]})
        changes.append(f"added {username} to {group}")
    for group in sorted(have - wanted):
        api.delete(f"/groups/{_q(group)}/users", json={"users": [username]})
        changes.append(f"removed {username} from {group}")
    return changes


def ensure_people(api: HubAPI, settings: Settings, people: list[Person]) -> list[str]:
    """Hub users for ``people`` with exactly the MësoLab groups of their school and role."""
    managed = set(hub_groups(settings))
    changes: list[str] = []
    for person in people:
        if person.role != NATIONAL_ADMIN and settings.school(person.school or "") is None:
            raise ValueError(f"{person.username}: unknown school {person.school!r}")
        changes += ensure_user(api, person.username)
        changes += ensure_membership(api, person.username, set(groups_for(person.school, person.role)), managed)
    return changes


def ensure_hub(api: HubAPI, settings: Settings, people: list[Person] | None = None) -> list[str]:
    """Provision everything: groups, then (local accounts only) people and memberships."""
    changes = ensure_school_groups(api, settings)
    if people:
        changes += ensure_people(api, settings, people)
    return changes
