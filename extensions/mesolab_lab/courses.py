"""A new course from a template, from JupyterLab: no terminal needed.

Three ways in, one function (:func:`create_course`):

* the **"Kurs i ri - New course" notebook** in a teacher's home: a form (template, language,
  code, name) made with ipywidgets by :func:`new_course_form`. The extension writes that
  notebook into the home of teachers, trainers and administrators when their server starts
  (once: a teacher who deletes it does not get it back);
* the **server extension's HTTP API** (for a future launcher button or other clients):
  ``GET /mesolab/course-templates`` lists the templates, ``POST /mesolab/courses`` with
  ``{"template": …, "lang": "sq"|"en", "code": …, "name": …}`` creates a course;
* Python: ``from mesolab_lab.courses import create_course``.

:func:`create_course` asks the MësoLab service who the caller is (``/me``), adds the course
to the central record (``POST /courses``) with the template's graded assignments
(``POST /assignments``), writes the nbgrader source material into ``~/courses/<code>/`` and
makes it the course Formgrader opens (``~/.mesolab/course``). The server extension is
enabled by ``jupyter_config/jupyter_server_config.d/mesolab_lab_courses.json`` on the
``JUPYTER_CONFIG_PATH`` the hub sets.
"""

from __future__ import annotations

import html
import json
import logging
import os
import threading
from pathlib import Path

import nbformat

from mesolab.courses.scaffold import check_code, school_year, write_course
from mesolab.courses.templates import get_template, list_templates
from mesolab.errors import MesoLabError

from .plans.client import ServiceClient, ServiceError

log = logging.getLogger("mesolab_lab.courses")

STAFF_ROLES = ("teacher", "trainer", "school-admin", "national-admin")
NOTEBOOK_NAME = "Kurs i ri - New course.ipynb"
MARKER = Path(".mesolab") / "new-course-notebook"

TEXT = {
    "sq": {
        "template": "Shablloni",
        "lang": "Gjuha",
        "code": "Kodi",
        "name": "Emri",
        "create": "Krijo kursin",
        "working": "Po krijohet kursi …",
        "done": "U krijua kursi <b>{code}</b> në <code>{path}</code>. Hapni skedën <i>Formgrader</i> për ta "
        "publikuar, ose fletoret e burimit:",
        "not_staff": "Vetëm mësuesit, trajnerët dhe administratorët krijojnë kurse.",
        "error": "Kursi nuk u krijua: {message}",
        "code_hint": "bosh = {code}",
        "name_hint": "bosh = emri i shabllonit",
    },
    "en": {
        "template": "Template",
        "lang": "Language",
        "code": "Code",
        "name": "Name",
        "create": "Create the course",
        "working": "Creating the course …",
        "done": "Created the course <b>{code}</b> in <code>{path}</code>. Open the <i>Formgrader</i> tab to "
        "release it, or the source notebooks:",
        "not_staff": "Only teachers, trainers and administrators create courses.",
        "error": "The course was not created: {message}",
        "code_hint": "empty = {code}",
        "name_hint": "empty = the template's name",
    },
}


class CourseCreationError(MesoLabError):
    """The course could not be created; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _free_code(client: ServiceClient, school: str, base: str) -> str:
    taken = {c["code"] for c in client.get("/courses", school=school, limit=500).get("items", [])}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def select_course(home: Path, code: str) -> None:
    """Make ``code`` the course Formgrader opens, and forget the cached course list."""
    (home / ".mesolab").mkdir(parents=True, exist_ok=True)
    (home / ".mesolab" / "course").write_text(code + "\n", encoding="utf-8")
    for cached in (home / ".cache" / "mesolab").glob("courses-*.json"):
        cached.unlink(missing_ok=True)


def create_course(
    template_id: str,
    lang: str,
    code: str | None = None,
    name: str | None = None,
    *,
    client: ServiceClient | None = None,
    home: str | Path | None = None,
) -> dict:
    """Create a course from a template in the record and in ``~/courses/<code>/``.

    Returns ``{"course": <the service's course>, "path": "courses/<code>", "notebooks": [...]}``
    (notebook paths relative to ``home``). Raises :class:`CourseCreationError`.
    """
    client = client or ServiceClient()
    home = Path(home or Path.home())
    try:
        template = get_template(template_id)
        template.check_lang(lang)
        me = client.get("/me")
        if me.get("role") not in STAFF_ROLES:
            raise CourseCreationError(TEXT.get(lang, TEXT["en"])["not_staff"], status=403)
        school = (me.get("school") or {}).get("id")
        if not school:
            raise CourseCreationError("your account has no school in the central record", status=403)
        code = check_code(code) if code else _free_code(client, school, template.course_code)
        target = home / "courses" / code
        if (target / "source").is_dir() and any((target / "source").iterdir()):
            raise CourseCreationError(f"courses/{code} holds a course already: choose another code", status=409)
        course = client.post(
            "/courses",
            {
                "school_id": school,
                "code": code,
                "name": (name or template.title[lang]).strip(),
                "qualification_code": template.qualification_code,
                "year": school_year(),
                "term": 1,
            },
        )
        for a in template.assignments:
            if a.max_score <= 0:
                continue
            try:
                client.post("/assignments", {"course_id": course["id"], "name": a.name(lang), "max_score": a.max_score})
            except ServiceError as exc:
                if exc.status != 409:
                    raise
        write_course(target, template, lang, course_id=code)
    except ServiceError as exc:
        raise CourseCreationError(exc.message, status=exc.status or 502) from None
    except CourseCreationError:
        raise
    except MesoLabError as exc:
        raise CourseCreationError(exc.message, status=getattr(exc, "status", 400)) from None
    select_course(home, code)
    notebooks = [
        f"courses/{code}/source/{a.name(lang)}/{nb}" for a in template.assignments for nb in a.notebooks.get(lang, [])
    ]
    return {"course": course, "path": f"courses/{code}", "notebooks": notebooks}


def templates_summary() -> list[dict]:
    """The templates, as the form and ``GET /mesolab/course-templates`` show them."""
    return [
        {
            "id": t.id,
            "kind": t.kind,
            "trade": t.trade,
            "title": t.title,
            "summary": t.summary,
            "languages": list(t.languages),
            "course_code": t.course_code,
            "time_limit_minutes": t.time_limit_minutes,
            "assignments": [{"name": a.names, "max_score": a.max_score} for a in t.assignments],
        }
        for t in list_templates()
    ]


# --- the notebook form ------------------------------------------------------------------


def new_course_form(lang: str | None = None, client: ServiceClient | None = None, home: str | Path | None = None):
    """The "new course" form: an ipywidgets box calling :func:`create_course`."""
    import ipywidgets as W

    lang = lang or os.environ.get("MESOLAB_LANG") or "sq"
    text = TEXT.get(lang, TEXT["en"])
    templates = list_templates()
    template = W.Dropdown(
        options=[(f"{t.title.get(lang, t.id)} ({t.kind})", t.id) for t in templates],
        description=text["template"],
        layout={"width": "36em"},
    )
    language = W.ToggleButtons(
        options=[("Shqip", "sq"), ("English", "en")],
        value=lang if lang in ("sq", "en") else "sq",
        description=text["lang"],
    )
    code = W.Text(description=text["code"])
    name = W.Text(description=text["name"], placeholder=text["name_hint"], layout={"width": "36em"})
    button = W.Button(description=text["create"], button_style="primary", icon="plus")
    result = W.HTML()

    def _hint(*_):
        chosen = next((t for t in templates if t.id == template.value), None)
        code.placeholder = text["code_hint"].format(code=chosen.course_code) if chosen else ""

    def _create(_):
        button.disabled = True
        result.value = html.escape(text["working"])
        try:
            done = create_course(
                template.value,
                language.value,
                code.value.strip() or None,
                name.value.strip() or None,
                client=client,
                home=home,
            )
        except CourseCreationError as exc:
            result.value = (
                f"<span style='color:#b42318'>{html.escape(text['error'].format(message=exc.message))}</span>"
            )
        else:
            links = "".join(
                f"<li><a href='{html.escape(p)}' target='_blank'>{html.escape(p)}</a></li>" for p in done["notebooks"]
            )
            message = text["done"].format(code=html.escape(done["course"]["code"]), path=html.escape(done["path"]))
            result.value = f"<span style='color:#1a7f37'>✔</span> {message}<ul>{links}</ul>"
        finally:
            button.disabled = False

    template.observe(_hint, names="value")
    button.on_click(_create)
    _hint()
    return W.VBox([template, language, code, name, button, result])


def form_notebook() -> nbformat.NotebookNode:
    """The "Kurs i ri - New course" notebook placed in teachers' homes."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "# Kurs i ri · New course\n\n"
                "Ekzekutoni qelizën poshtë (**Shift + Enter**), zgjidhni një shabllon dhe shtypni **Krijo kursin**. "
                "Kursi shtohet në regjistrin e shkollës dhe materialet shkojnë në `courses/<kodi>/`.\n\n"
                "Run the cell below (**Shift + Enter**), choose a template and press **Create the course**. The "
                "course is added to the school's record and its material goes to `courses/<code>/`."
            ),
            new_code_cell("from mesolab_lab.courses import new_course_form\n\nnew_course_form()"),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"mesolab-new-course-{i}"
    return nb


def place_form_notebook(home: Path, role: str | None) -> Path | None:
    """Write the form notebook into ``home`` for staff, once (see the module's docstring)."""
    if role not in STAFF_ROLES or (home / MARKER).exists():
        return None
    path = home / NOTEBOOK_NAME
    if not path.exists():
        nbformat.write(form_notebook(), path)
    (home / MARKER).parent.mkdir(parents=True, exist_ok=True)
    (home / MARKER).write_text("written\n", encoding="utf-8")
    return path


# --- the Jupyter server extension ---------------------------------------------------------


def _handlers():
    from jupyter_server.base.handlers import APIHandler
    from tornado import web
    from tornado.ioloop import IOLoop

    class TemplatesHandler(APIHandler):
        @web.authenticated
        def get(self):
            self.finish(json.dumps({"items": templates_summary()}))

    class CoursesHandler(APIHandler):
        @web.authenticated
        async def post(self):
            try:
                body = json.loads(self.request.body or b"{}")
            except ValueError:
                body = None
            if not isinstance(body, dict) or not body.get("template") or body.get("lang") not in ("sq", "en"):
                self.set_status(400)
                self.finish(json.dumps({"message": 'send {"template": …, "lang": "sq"|"en"}'}))
                return
            home = Path(self.settings.get("server_root_dir") or Path.home()).expanduser()
            try:
                done = await IOLoop.current().run_in_executor(
                    None,
                    lambda: create_course(
                        body["template"], body["lang"], body.get("code"), body.get("name"), home=home
                    ),
                )
            except CourseCreationError as exc:
                self.set_status(exc.status if 400 <= exc.status < 600 else 500)
                self.finish(json.dumps({"message": exc.message}))
                return
            self.set_status(201)
            self.finish(json.dumps(done))

    return TemplatesHandler, CoursesHandler


def _place_for_current_user(home: Path) -> None:
    try:
        me = ServiceClient(timeout=5).get("/me")
    except ServiceError as exc:
        log.info("MësoLab service not reachable (%s): no new-course notebook placed", exc.message)
        return
    try:
        if place_form_notebook(home, me.get("role")):
            log.info("placed %s in %s", NOTEBOOK_NAME, home)
    except OSError as exc:
        log.warning("could not place %s: %s", NOTEBOOK_NAME, exc)


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.utils import url_path_join

    templates, courses = _handlers()
    base = serverapp.web_app.settings["base_url"]
    serverapp.web_app.add_handlers(
        ".*$",
        [
            (url_path_join(base, "mesolab", "course-templates"), templates),
            (url_path_join(base, "mesolab", "courses"), courses),
        ],
    )
    home = Path(serverapp.root_dir).expanduser()
    if os.environ.get("JUPYTERHUB_API_TOKEN"):
        threading.Thread(target=_place_for_current_user, args=(home,), daemon=True).start()


def _jupyter_server_extension_points():
    return [{"module": "mesolab_lab.courses"}]
