"""What the hub's pages show: platform title, the person's school, role and language.

:func:`template_vars` builds JupyterHub's ``template_vars``; the callables receive the
logged-in user (or None on the login page) and read their MësoLab groups, so a school
admin of school A sees A's name and colour, a national admin sees the national title.
The templates in ``templates/`` render every text in Albanian and English; a small script
shows the language kept in the ``mesolab-lang`` cookie (default: the school's language,
else the deployment's).
"""

from __future__ import annotations

from .settings import Settings
from .tenancy import membership_from_groups

DEFAULT_TITLE = {"sq": "MësoLab", "en": "MësoLab"}

ROLE_LABELS = {
    "national-admin": {"sq": "Administrator kombëtar", "en": "National administrator"},
    "school-admin": {"sq": "Administrator i shkollës", "en": "School administrator"},
    "teacher": {"sq": "Mësues", "en": "Teacher"},
    "trainer": {"sq": "Trajner", "en": "Trainer"},
    "student": {"sq": "Nxënës", "en": "Student"},
}


def _group_names(user) -> list[str]:
    if user is None:
        return []
    return [g.name for g in getattr(user, "groups", [])]


def person_context(settings: Settings, user) -> dict:
    """School, role and language of ``user`` for the templates."""
    school_id, role = membership_from_groups(_group_names(user))
    school = settings.school(school_id) if school_id else None
    ctx = {
        "role": role,
        "role_label": ROLE_LABELS.get(role, {"sq": "", "en": ""}),
        "school": None,
        "colour": "#b3202a",
        "language": settings.default_language,
    }
    if school is not None:
        ctx.update(
            school={"id": school.id, "sq": school.name_sq, "en": school.name_en, "logo": school.logo},
            colour=school.colour,
            language=school.language,
        )
    return ctx


class PersonContext:
    """The ``mesolab`` template variable: called by JupyterHub with the current user."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def __call__(self, user) -> dict:
        return person_context(self.settings, user)

    def __eq__(self, other) -> bool:
        return isinstance(other, PersonContext) and other.settings == self.settings

    __hash__ = None


def template_vars(settings: Settings) -> dict:
    """JupyterHub ``template_vars`` for MësoLab's templates."""
    return {
        "mesolab_title": settings.section("hub").get("title") or DEFAULT_TITLE,
        "mesolab_default_language": settings.default_language,
        "mesolab": PersonContext(settings),
        # the MësoLab service's page: my courses, my grades, my plan
        "mesolab_service_url": "/services/mesolab/",
    }
