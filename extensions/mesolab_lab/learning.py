"""MësoLab in the notebook: individual learning plans as widgets (imported lazily by the package).

In a notebook on the hub::

    from mesolab_lab import my_plan
    my_plan()                      # the student's own plan

    from mesolab_lab import plan_for, class_overview
    plan_for("nxenes01.ict")       # a teacher: rate, comment, approve
    class_overview("TIK-10")       # a teacher: competencies × students of a course

Albanian by default (``lang="en"`` or the switch in the widget for English). The widgets talk
to the MësoLab service with the user's hub token; see :mod:`mesolab_lab.plans.client`.
"""

from __future__ import annotations

import html
import os

import ipywidgets as W

from .plans.client import ServiceClient, ServiceError
from .plans.i18n import t
from .plans.widgets import ClassOverview, PlanView

__all__ = ["my_plan", "plan_for", "class_overview", "ServiceClient", "PlanView", "ClassOverview"]


def _lang(lang: str | None) -> str:
    return lang or os.environ.get("MESOLAB_LANG") or "sq"


def _message(text: str) -> W.HTML:
    style = "padding:6px;border-left:4px solid #b86e00"
    return W.HTML(f"<div class='mesolab-message' style='{style}'>{html.escape(text)}</div>")


def _first_plan(client: ServiceClient, **params) -> dict | None:
    found = client.get("/plans", **params)["items"]
    if not found:
        return None
    active = [p for p in found if p["status"] != "complete"] or found
    return client.get(f"/plans/{active[0]['id']}")


def my_plan(lang: str | None = None, client: ServiceClient | None = None, notebook_dir: str = ".", **kwargs):
    """The caller's own learning plan (a student): goals to tick, notebooks to attach."""
    lang, client = _lang(lang), client or ServiceClient()
    try:
        plan = _first_plan(client)
    except ServiceError as exc:
        return _message(t(lang, "unreachable", message=exc.message))
    if plan is None:
        return _message(t(lang, "no_plan"))
    return PlanView(client, plan, mode="student", lang=lang, notebook_dir=notebook_dir, **kwargs)


def plan_for(username: str, lang: str | None = None, client: ServiceClient | None = None, **kwargs):
    """A student's plan for their teacher: rate, comment and approve competencies."""
    lang, client = _lang(lang), client or ServiceClient()
    try:
        plan = _first_plan(client, student=username)
    except ServiceError as exc:
        return _message(t(lang, "unreachable", message=exc.message))
    if plan is None:
        return _message(t(lang, "no_plan_for", username=username))
    return PlanView(client, plan, mode="teacher", lang=lang, **kwargs)


def class_overview(course_code: str, lang: str | None = None, client: ServiceClient | None = None):
    """Competencies × students of a course you teach, as a heat map."""
    lang, client = _lang(lang), client or ServiceClient()
    try:
        courses = [c for c in client.get("/courses", limit=500)["items"] if c["code"] == course_code]
        if not courses:
            return _message(t(lang, "no_course", code=course_code))
        overview = client.get("/plans/overview", course=courses[0]["id"])
    except ServiceError as exc:
        if exc.status in (403, 404):
            return _message(t(lang, "no_course", code=course_code))
        return _message(t(lang, "unreachable", message=exc.message))
    return ClassOverview(overview, lang=lang)
