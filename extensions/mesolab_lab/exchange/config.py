"""How MësoLab configures nbgrader in every user environment (nothing for users to set up).

``mesolab_lab/jupyter_config/nbgrader_config.py`` (on ``JUPYTER_CONFIG_PATH``, set by the hub)
calls :func:`configure`, which

* plugs MësoLab's exchange classes into nbgrader's ``ExchangeFactory``;
* limits nbgrader's idea of "my courses" to the central record's (:class:`MesoLabAuthPlugin`);
* for a teacher, points ``CourseDirectory`` at ``~/courses/<course code>`` of a course they
  teach (the one named by ``$MESOLAB_COURSE`` or ``~/.mesolab/course``, the one whose
  directory is the working directory, else the first), so Formgrader opens on a course of theirs.

The course list comes from the service and is cached for a minute in ``~/.cache/mesolab``
(the configuration is read many times per click); a stale cache is used when the service
cannot be reached.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from nbgrader.auth.base import BaseAuthPlugin

from .client import ServiceClient, ServiceError

CACHE_SECONDS = 60
PLUGINS = {
    "exchange": "Exchange",
    "fetch_assignment": "ExchangeFetchAssignment",
    "fetch_feedback": "ExchangeFetchFeedback",
    "release_assignment": "ExchangeReleaseAssignment",
    "release_feedback": "ExchangeReleaseFeedback",
    "list": "ExchangeList",
    "submit": "ExchangeSubmit",
    "collect": "ExchangeCollect",
}


def _cache_file() -> Path:
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")[-8:] or "anonymous"
    return Path.home() / ".cache" / "mesolab" / f"courses-{token}.json"


def my_courses(max_age: float = CACHE_SECONDS) -> list[dict]:
    """The caller's courses from the service (``code``, ``role``, ``school_id``…), cached."""
    if not os.environ.get("MESOLAB_SERVICE_URL"):
        return []
    cache = _cache_file()
    stale = None
    try:
        stale = json.loads(cache.read_text())
        if time.time() - cache.stat().st_mtime < max_age:
            return stale
    except (OSError, ValueError):
        pass
    try:
        courses = ServiceClient().courses()
    except ServiceError:
        return stale or []
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps(courses))
        tmp.replace(cache)
    except OSError:
        pass
    return courses


def current_course(taught: list[str]) -> str | None:
    """The course a teacher works on now (see the module's docstring)."""
    if not taught:
        return None
    wanted = os.environ.get("MESOLAB_COURSE", "").strip()
    choice = Path.home() / ".mesolab" / "course"
    if not wanted and choice.is_file():
        wanted = choice.read_text(encoding="utf-8").strip()
    if wanted in taught:
        return wanted
    cwd = Path.cwd().resolve()
    courses = (Path.home() / "courses").resolve()
    for code in taught:
        if cwd == courses / code or courses / code in cwd.parents:
            return code
    return taught[0]


class MesoLabAuthPlugin(BaseAuthPlugin):
    """nbgrader's course access from the central record: the courses one teaches or takes."""

    def get_student_courses(self, student_id: str):
        if student_id == "*":
            # nbgrader's course list asks this to find per-course hub services; MësoLab has none
            return None
        return sorted({c["code"] for c in my_courses()})

    def add_student_to_course(self, student_id: str, course_id: str) -> None:
        pass  # enrolments live in the central record

    def remove_student_from_course(self, student_id: str, course_id: str) -> None:
        pass


def configure(c) -> None:
    """Apply MësoLab's nbgrader configuration to the config object ``c``."""
    for trait, name in PLUGINS.items():
        setattr(c.ExchangeFactory, trait, f"mesolab_lab.exchange.{name}")
    c.Authenticator.plugin_class = "mesolab_lab.exchange.config.MesoLabAuthPlugin"
    taught = sorted(c_["code"] for c_ in my_courses() if c_.get("role") == "teacher")
    code = current_course(taught)
    if code:
        root = Path.home() / "courses" / code
        try:
            (root / "source").mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
        c.CourseDirectory.course_id = code
        c.CourseDirectory.root = str(root)
