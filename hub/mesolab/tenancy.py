"""Tenancy: schools are hub groups, MësoLab roles are hub roles with group-filtered scopes.

For a school ``S`` the hub has these groups:

* ``S`` — every member of the school (the tenant boundary);
* ``S.school-admins``, ``S.teachers``, ``S.trainers``, ``S.students`` — members by role.

and the roles ``S.school-admin``, ``S.teacher``, ``S.trainer``, ``S.student`` bound to the
matching group, plus one ``national-admin`` role bound to the ``national-admins`` group.
A person's permissions therefore follow from group membership alone; JupyterHub enforces
them on every request and MësoLab never re-implements the check.

Scopes per role (``!group=`` filters keep each school inside its own group):

* national-admin: the admin page, users, servers, groups and access to every server;
* school-admin: the admin page, user models and servers of the school, read access to the
  school's groups. Membership is *not* granted through the hub's ``groups`` scope, because
  that scope cannot restrict *which* users are added (a school admin could pull a user of
  another school into their group); membership changes go through the MësoLab service,
  which checks both sides;
* teacher and trainer: read the school's users, start and stop the school's students' servers;
  student work is reached through the course tools, never through ``access:servers``;
* student: their own server only (``self``).

Everything here is pure: functions return names and role dicts; nothing talks to the hub.
"""

from __future__ import annotations

from .settings import School, Settings

NATIONAL_ADMIN = "national-admin"
SCHOOL_ROLES = ("school-admin", "teacher", "trainer", "student")
ALL_ROLES = (NATIONAL_ADMIN, *SCHOOL_ROLES)
NATIONAL_ADMINS_GROUP = "national-admins"
SERVICE_NAME = "mesolab"


def role_group(school_id: str, role: str) -> str:
    """Name of the hub group holding the members of ``school_id`` with ``role``."""
    if role == NATIONAL_ADMIN:
        return NATIONAL_ADMINS_GROUP
    if role not in SCHOOL_ROLES:
        raise ValueError(f"unknown role {role!r}")
    return f"{school_id}.{role}s"


def role_name(school_id: str, role: str) -> str:
    """Name of the hub role for ``role`` in ``school_id``."""
    if role == NATIONAL_ADMIN:
        return NATIONAL_ADMIN
    if role not in SCHOOL_ROLES:
        raise ValueError(f"unknown role {role!r}")
    return f"{school_id}.{role}"


def groups_for(school_id: str | None, role: str) -> list[str]:
    """Hub groups a person with ``role`` in ``school_id`` belongs to."""
    if role == NATIONAL_ADMIN:
        return [NATIONAL_ADMINS_GROUP]
    if not school_id:
        raise ValueError(f"role {role!r} needs a school")
    return [school_id, role_group(school_id, role)]


def membership_from_groups(group_names) -> tuple[str | None, str | None]:
    """Inverse of :func:`groups_for`: ``(school_id, role)`` of a person, from their groups.

    National admin wins over any school role. Returns ``(None, None)`` for a person in no
    MësoLab group.
    """
    names = set(group_names)
    if NATIONAL_ADMINS_GROUP in names:
        return None, NATIONAL_ADMIN
    for name in sorted(names):
        school, dot, suffix = name.partition(".")
        if dot and suffix.endswith("s") and suffix[:-1] in SCHOOL_ROLES and school in names:
            return school, suffix[:-1]
    return None, None


def _school_scopes(s: str, role: str) -> list[str]:
    students = role_group(s, "student")
    service = f"access:services!service={SERVICE_NAME}"
    if role == "school-admin":
        return [
            "self",
            "admin-ui",
            f"users!group={s}",
            f"list:users!group={s}",
            f"admin:servers!group={s}",
            f"read:groups!group={s}",
            *(f"read:groups!group={role_group(s, r)}" for r in SCHOOL_ROLES),
            f"read:roles:users!group={s}",
            service,
        ]
    if role in ("teacher", "trainer"):
        return [
            "self",
            f"read:users!group={s}",
            f"list:users!group={s}",
            f"servers!group={students}",
            f"read:groups!group={s}",
            service,
        ]
    return ["self", service]


def national_admin_role() -> dict:
    return {
        "name": NATIONAL_ADMIN,
        "description": "MësoLab national administrator: every school.",
        "scopes": [
            "self",
            "admin-ui",
            "admin:users",
            "admin:servers",
            "admin:groups",
            "access:servers",
            "read:roles",
            "read:hub",
            "list:services",
            f"access:services!service={SERVICE_NAME}",
        ],
        "groups": [NATIONAL_ADMINS_GROUP],
    }


def school_roles(school: School) -> list[dict]:
    """The four hub roles of one school, each bound to its role group."""
    descriptions = {
        "school-admin": "administrator",
        "teacher": "teacher",
        "trainer": "trainer",
        "student": "student",
    }
    return [
        {
            "name": role_name(school.id, role),
            "description": f"MësoLab {descriptions[role]} of {school.name_en}",
            "scopes": _school_scopes(school.id, role),
            "groups": [role_group(school.id, role)],
        }
        for role in SCHOOL_ROLES
    ]


def hub_roles(settings: Settings) -> list[dict]:
    """Every MësoLab role of the deployment, in a stable order."""
    roles = [national_admin_role()]
    for school in settings.schools:
        roles.extend(school_roles(school))
    return roles


def school_group_properties(school: School) -> dict:
    """Properties stored on a school's hub group (shown by the hub's API and admin page)."""
    return {
        "mesolab_kind": "school",
        "name_sq": school.name_sq,
        "name_en": school.name_en,
        "colour": school.colour,
    }


def hub_groups(settings: Settings) -> dict[str, dict]:
    """Every MësoLab group of the deployment with its properties."""
    groups: dict[str, dict] = {NATIONAL_ADMINS_GROUP: {"mesolab_kind": "national-admins"}}
    for school in settings.schools:
        groups[school.id] = school_group_properties(school)
        for role in SCHOOL_ROLES:
            groups[role_group(school.id, role)] = {"mesolab_kind": "role", "school": school.id, "role": role}
    return groups
