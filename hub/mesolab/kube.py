"""KubeSpawner for MësoLab: each school's servers get the school's profile and labels.

:func:`school_profiles` (pure) turns the settings into one dict of KubeSpawner trait values
per school: image, CPU and memory guarantee and limit, storage size, and labels carrying the
school. :class:`MesoLabKubeSpawner` looks up the user's school from their hub groups and
applies its profile before the pod manifest is built, so ``get_pod_manifest()`` (and hence a
real start) always carries it.
"""

from __future__ import annotations

from kubespawner import KubeSpawner
from traitlets import Dict

from .settings import Settings
from .tenancy import membership_from_groups

LABEL_SCHOOL = "mesolab.al/school"
LABEL_ROLE = "mesolab.al/role"

DEFAULT_PROFILE = {
    "image": "quay.io/jupyter/scipy-notebook:2025-03-17",
    "cpu_guarantee": 0.1,
    "cpu_limit": 1.0,
    "mem_guarantee": "512M",
    "mem_limit": "1G",
    "storage": "2Gi",
}

_TRAIT_OF = {
    "image": "image",
    "cpu_guarantee": "cpu_guarantee",
    "cpu_limit": "cpu_limit",
    "mem_guarantee": "mem_guarantee",
    "mem_limit": "mem_limit",
    "storage": "storage_capacity",
}


def profile_traits(profile: dict) -> dict:
    """KubeSpawner trait values for a MësoLab profile dict."""
    return {_TRAIT_OF[k]: v for k, v in profile.items() if k in _TRAIT_OF}


NO_SCHOOL = ""


def school_profiles(settings: Settings) -> dict[str, dict]:
    """``{school_id: {trait: value}}``: the default profile overlaid by each school's own.

    The key ``""`` holds the default profile, for people of no school (national admins).
    """
    base = {**DEFAULT_PROFILE, **settings.section("spawner").get("kubernetes", {}).get("default_profile", {})}
    profiles = {NO_SCHOOL: profile_traits(base)}
    profiles.update({s.id: profile_traits({**base, **s.profile}) for s in settings.schools})
    return profiles


def school_labels(school_id: str | None, role: str | None) -> dict:
    labels = {}
    if school_id:
        labels[LABEL_SCHOOL] = school_id
    if role:
        labels[LABEL_ROLE] = role
    return labels


class MesoLabKubeSpawner(KubeSpawner):
    """KubeSpawner that applies the user's school profile and labels."""

    school_profiles = Dict(
        help="Per-school KubeSpawner trait values ({school_id: {trait: value}}), set from the settings."
    ).tag(config=True)

    def apply_school_profile(self) -> None:
        """Set image, resources, storage and labels from the user's school (by hub groups)."""
        school_id, role = membership_from_groups(g.name for g in self.user.groups)
        profile = self.school_profiles.get(school_id or NO_SCHOOL) or self.school_profiles.get(NO_SCHOOL, {})
        for trait, value in profile.items():
            setattr(self, trait, value)
        self.extra_labels = {**self.extra_labels, **school_labels(school_id, role)}

    async def get_pod_manifest(self):
        self.apply_school_profile()
        return await super().get_pod_manifest()

    def get_pvc_manifest(self):
        self.apply_school_profile()
        return super().get_pvc_manifest()
