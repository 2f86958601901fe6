"""The learning-plan widgets (ipywidgets): one plan, for its student or a teacher; a class overview.

:class:`PlanView` shows a plan — competencies with progress bars, goals with due dates,
evidence, teachers' comments — in Albanian or English (a switch at the top). A student ticks
goals done and attaches notebooks as evidence; a teacher rates, comments and approves. Every
change goes through a :class:`~mesolab_lab.plans.client.SaveQueue`: the status line says "saved",
"unsaved, retrying" (with a retry button) or why the service refused it.

:class:`ClassOverview` is a competencies × students heat map of a course.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import ipywidgets as W

from .client import Save, SaveQueue, ServiceClient, ServiceError
from .i18n import t

MAX_BYTES = 2 * 1024 * 1024
STATUS_COLOURS = {"idle": "#777", "waiting_for_review": "#b86e00", "in_review": "#1f5fbf", "reviewed": "#1e7a3c"}
MARKS = {"waiting_for_review": "●", "in_review": "…", "reviewed": "✓", "idle": ""}  # in every font


def _e(text) -> str:
    return html.escape(str(text if text is not None else ""))


def find_notebooks(directory: str | Path, limit: int = 200) -> list[str]:
    """Notebooks under ``directory`` (relative paths; no checkpoints or hidden folders)."""
    root = Path(directory)
    found = []
    for path in sorted(root.rglob("*.ipynb")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        found.append(str(rel))
        if len(found) >= limit:
            break
    return found


class LanguageMixin:
    """A Shqip/English switch that re-renders the widget."""

    def _language_switch(self) -> W.ToggleButtons:
        switch = W.ToggleButtons(options=[("Shqip", "sq"), ("English", "en")], value=self.lang)
        switch.style.button_width = "80px"
        switch.observe(self._on_language, names="value")
        self.language = switch
        return switch

    def _on_language(self, change) -> None:
        self.lang = change["new"]
        self.render()


class PlanView(LanguageMixin, W.VBox):
    """One learning plan. ``mode`` is ``student`` (goals, attachments) or ``teacher`` (reviews)."""

    def __init__(
        self,
        client: ServiceClient,
        plan: dict,
        mode: str = "student",
        lang: str = "sq",
        notebook_dir: str | Path = ".",
        retry_every: float | None = 5.0,
    ):
        super().__init__()
        self.client, self.plan, self.mode, self.lang = client, plan, mode, lang
        self.notebook_dir = Path(notebook_dir)
        self.queue = SaveQueue(client, on_change=self._on_queue, retry_every=retry_every)
        self.status = W.HTML()
        self.retry_button = W.Button(description=t(lang, "retry"), icon="refresh", layout=W.Layout(display="none"))
        self.retry_button.on_click(lambda _: self.queue.retry())
        self.add_class("mesolab-plan")
        self.render()

    # --- state --------------------------------------------------------------------------

    @property
    def plan_id(self) -> int:
        return self.plan["id"]

    def entry(self, code: str) -> dict:
        return next(c for c in self.plan["competencies"] if c["code"] == code)

    def reload(self, _answer=None) -> None:
        try:
            self.plan = self.client.get(f"/plans/{self.plan_id}")
        except ServiceError:
            return  # keep showing what we have; the status line tells about saves
        self.render()

    def _show(self, plan: dict) -> None:
        self.plan = plan
        self.render()

    def _on_queue(self, queue: SaveQueue) -> None:
        lang = self.lang
        if queue.state == "unsaved":
            text, colour = t(lang, "unsaved", n=len(queue.pending)), "#b00020"
        elif queue.state == "failed":
            text, colour = t(lang, "failed", message=queue.error), "#b00020"
        elif queue.state == "saving":
            text, colour = t(lang, "saving"), "#555"
        else:
            text, colour = t(lang, "saved"), "#1e7a3c"
        self.status.value = (
            f'<span class="mesolab-save-state" data-state="{queue.state}" style="color:{colour}">{_e(text)}</span>'
        )
        self.retry_button.layout.display = "" if queue.state == "unsaved" else "none"

    # --- actions ------------------------------------------------------------------------

    def set_goal_done(self, goal_id: int, done: bool) -> None:
        for goal in self.plan["goals"]:
            if goal["id"] == goal_id:
                goal["done"] = done  # shown at once; the queue makes sure it reaches the record
        path = f"/plans/{self.plan_id}/goals/{goal_id}"
        self.queue.submit(Save("PATCH", path, {"done": done}, label=f"goal {goal_id}", done=self.reload))

    def attach_notebook(self, relative_path: str, entry_id: int) -> None:
        path = self.notebook_dir / relative_path
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            self.status.value = f'<span style="color:#b00020">{_e(t(self.lang, "file_too_big"))}</span>'
            return
        body = {
            "plan_competency_id": entry_id,
            "kind": "attachment",
            "title": path.name,
            "reference": relative_path,
            "filename": path.name,
            "content_type": "application/x-ipynb+json",
            "content_base64": base64.b64encode(data).decode(),
        }
        self.queue.submit(Save("POST", f"/plans/{self.plan_id}/evidence", body, label=path.name, done=self.reload))

    def review(self, entry_id: int, rating: int | None, comment: str, approved: bool) -> None:
        body = {"rating": rating, "comment": comment, "approved": approved}
        path = f"/plans/{self.plan_id}/competencies/{entry_id}/reviews"
        self.queue.submit(Save("POST", path, body, label=f"review {entry_id}", done=self._show))

    # --- drawing ------------------------------------------------------------------------

    def render(self) -> None:
        lang, plan = self.lang, self.plan
        self.goal_boxes: dict[int, W.Checkbox] = {}
        self.progress: dict[int, W.IntProgress] = {}
        self.review_controls: dict[int, tuple[W.Dropdown, W.Textarea, W.Button, W.Button]] = {}
        self.retry_button.description = t(lang, "retry")
        self._on_queue(self.queue)
        status = t(lang, plan["status"])
        head = W.HTML(
            f"<h3 style='margin:0'>{_e(t(lang, 'plan'))}: {_e(plan['title'])}</h3>"
            f"<div>{_e(t(lang, 'student'))}: <b>{_e(plan['student_name'] or plan['student'])}</b> · "
            f"{_e(plan['qualification_code'])} · <span class='mesolab-plan-status'>{_e(status)}</span></div>"
        )
        parts = [
            W.HBox([head, self._language_switch()], layout=W.Layout(justify_content="space-between")),
            W.HBox([self.status, self.retry_button]),
            W.HTML(f"<h4>{_e(t(lang, 'competencies'))}</h4>"),
            *[self._competency(c) for c in plan["competencies"]],
            W.HTML(f"<h4>{_e(t(lang, 'goals'))}</h4>"),
            self._goals(),
        ]
        if self.mode == "student":
            parts.append(self._attach())
        self.children = parts

    def _level_label(self, level) -> str:
        for step in self.plan["framework"]["scale"]:
            if step["level"] == level:
                return step.get(self.lang) or step["sq"]
        return str(level)

    def _competency(self, c: dict) -> W.Widget:
        lang, top = self.lang, self.plan["framework"]["max_level"]
        title = c["title_en"] if lang == "en" else c["title_sq"]
        desc = c["description_en"] if lang == "en" else c["description_sq"]
        colour = STATUS_COLOURS[c["review_status"]]
        rating = c["rating"]
        bar = W.IntProgress(value=rating or 0, min=0, max=top, layout=W.Layout(width="240px"))
        bar.bar_style = "success" if rating is not None and rating >= c["target"] else "info"
        self.progress[c["id"]] = bar
        rated = f"{rating}/{top} ({_e(self._level_label(rating))})" if rating is not None else "—"
        suggested = (
            f" · {_e(t(lang, 'suggested'))}: {c['suggested_rating']:g}" if c["suggested_rating"] is not None else ""
        )
        info = W.HTML(
            f"{_e(t(lang, 'rating'))}: <b>{rated}</b> · {_e(t(lang, 'target'))}: {c['target']}{suggested} · "
            f"<span class='mesolab-review-status' data-code='{_e(c['code'])}' data-status='{c['review_status']}' "
            f"style='color:{colour}'>{_e(t(lang, c['review_status']))}</span>"
        )
        evidence = "".join(
            f"<li>{_e(t(lang, e['kind']))}: {_e(e['title'])}"
            + (f" — {e['score']:g}/{e['max_score']:g}" if e["score"] is not None and e["max_score"] else "")
            + (f" — <i>{_e(e['text'])}</i>" if e["text"] else "")
            + f" <small>({_e(t(lang, 'by'))} {_e(e['created_by'])})</small></li>"
            for e in c["evidence"]
        )
        comments = "".join(
            f"<li><b>{_e(r['reviewer'])}</b>: {_e(r['comment'])}"
            + (f" <small>({_e(t(lang, 'approved'))})</small>" if r["approved"] else "")
            + "</li>"
            for r in c["reviews"]
            if r["comment"]
        )
        body = (
            f"<div style='color:#555'>{_e(desc)}</div>"
            f"<div><b>{_e(t(lang, 'evidence'))}</b>: "
            + (f"<ul>{evidence}</ul>" if evidence else _e(t(lang, "no_evidence")))
            + "</div>"
            + (f"<div><b>{_e(t(lang, 'comments'))}</b><ul>{comments}</ul></div>" if comments else "")
        )
        rows = [
            W.HTML(f"<b>{_e(c['code'])} — {_e(title)}</b>"),
            W.HBox([bar, info]),
            W.HTML(body),
        ]
        if self.mode == "teacher":
            rows.append(self._review_controls(c))
        box = W.VBox(rows, layout=W.Layout(border=f"1px solid {colour}", padding="6px", margin="4px 0"))
        box.add_class("mesolab-competency")
        return box

    def _review_controls(self, c: dict) -> W.Widget:
        lang = self.lang
        options = [(f"{s['level']} — {s.get(lang) or s['sq']}", s["level"]) for s in self.plan["framework"]["scale"]]
        rating = W.Dropdown(options=options, value=c["rating"] if c["rating"] is not None else c["target"])
        rating.layout.width = "200px"
        comment = W.Textarea(placeholder=t(lang, "comment"), layout=W.Layout(width="360px", height="3em"))
        save = W.Button(description=t(lang, "save_review"), icon="comment")
        approve = W.Button(description=t(lang, "approve"), icon="check", button_style="success")
        save.on_click(lambda _: self.review(c["id"], rating.value, comment.value, False))
        approve.on_click(lambda _: self.review(c["id"], rating.value, comment.value, True))
        self.review_controls[c["id"]] = (rating, comment, save, approve)
        return W.HBox([rating, comment, save, approve])

    def _goals(self) -> W.Widget:
        lang = self.lang
        if not self.plan["goals"]:
            return W.HTML(_e(t(lang, "no_goals")))
        codes = {c["id"]: c["code"] for c in self.plan["competencies"]}
        rows = []
        for goal in self.plan["goals"]:
            due = f"{t(lang, 'due')} {goal['due_on']}" if goal["due_on"] else t(lang, "no_due")
            code = codes.get(goal["plan_competency_id"])
            label = f"{goal['title']} ({due}{', ' + code if code else ''})"
            box = W.Checkbox(value=goal["done"], description=label, indent=False, layout=W.Layout(width="auto"))
            box.observe(lambda change, gid=goal["id"]: self.set_goal_done(gid, change["new"]), names="value")
            box.add_class("mesolab-goal")
            self.goal_boxes[goal["id"]] = box
            rows.append(box)
        return W.VBox(rows)

    def _attach(self) -> W.Widget:
        lang = self.lang
        notebooks = find_notebooks(self.notebook_dir)
        if not notebooks:
            return W.HTML(f"<i>{_e(t(lang, 'no_notebooks'))}</i>")
        self.notebook_choice = W.Dropdown(options=notebooks, layout=W.Layout(width="260px"))
        entries = [
            (f"{c['code']} — {c['title_en' if lang == 'en' else 'title_sq']}", c["id"])
            for c in self.plan["competencies"]
        ]
        self.competency_choice = W.Dropdown(options=entries, layout=W.Layout(width="320px"))
        self.attach_button = W.Button(description=t(lang, "attach"), icon="paperclip")
        self.attach_button.on_click(
            lambda _: self.attach_notebook(self.notebook_choice.value, self.competency_choice.value)
        )
        return W.HBox([self.notebook_choice, W.Label(t(lang, "attach_to")), self.competency_choice, self.attach_button])


def heat(value: float | None, top: int) -> str:
    """Background colour of a heat-map cell: red (0) to green (the top level); grey when empty."""
    if value is None:
        return "#eeeeee"
    hue = int(120 * max(0.0, min(1.0, value / top))) if top else 0
    return f"hsl({hue}, 65%, 78%)"


class ClassOverview(LanguageMixin, W.VBox):
    """Competencies × students of a course, coloured by rating (suggested ratings in italics)."""

    def __init__(self, overview: dict, lang: str = "sq"):
        super().__init__()
        self.overview, self.lang = overview, lang
        self.add_class("mesolab-overview")
        self.render()

    def render(self) -> None:
        lang, o = self.lang, self.overview
        top = o["max_level"]
        head = "".join(
            f"<th title='{_e(c['title_en' if lang == 'en' else 'title_sq'])}'>{_e(c['code'])}</th>"
            for c in o["competencies"]
        )
        rows = []
        for s in o["students"]:
            cells = []
            for c in o["competencies"]:
                cell = s["cells"].get(c["code"])
                if cell is None:
                    cells.append("<td>·</td>")
                    continue
                value = cell["rating"] if cell["rating"] is not None else cell["suggested_rating"]
                text = (
                    str(cell["rating"])
                    if cell["rating"] is not None
                    else (f"<i>{cell['suggested_rating']:g}</i>" if cell["suggested_rating"] is not None else "—")
                )
                mark = MARKS[cell["review_status"]]
                cells.append(
                    f"<td data-status='{cell['review_status']}' style='background:{heat(value, top)};"
                    f"text-align:center;min-width:3em'>{text} {mark}</td>"
                )
            rows.append(
                f"<tr><th style='text-align:left'>{_e(s['student_name'] or s['student'])}</th>{''.join(cells)}</tr>"
            )
        self.table = W.HTML(
            f"<table class='mesolab-heatmap' style='border-collapse:collapse'><tr><th></th>{head}</tr>"
            f"{''.join(rows)}</table><div style='color:#555'>{_e(t(lang, 'legend'))}</div>"
        )
        title = W.HTML(f"<h3 style='margin:0'>{_e(t(lang, 'overview'))}: {_e(o['course_code'])}</h3>")
        self.children = [W.HBox([title, self._language_switch()]), self.table]
