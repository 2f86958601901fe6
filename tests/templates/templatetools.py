"""Helpers of the template tests: every template released, answered four ways and graded once.

``graded(template_id, lang)`` writes a course from the template into a temporary directory,
releases each assignment with nbgrader, submits it as four students (``reference``, ``blank``,
``always-equal``, ``print``: see :mod:`mesolab.courses.submissions`), grades all of them in
one sandboxed ``grade_course`` call and generates their feedback. Results are cached for the
session, so each template is graded once whatever the number of tests looking at it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from mesolab.courses import submissions
from mesolab.courses.scaffold import write_course
from mesolab.courses.templates import CourseTemplate, get_template, list_templates

TEMPLATES = [t.id for t in list_templates()]
GRADED = [t.id for t in list_templates() if any(a.auto_points for a in t.assignments)]
LANGS = ("sq", "en")
COURSE_ID = "TEST-1"


@dataclass
class GradedAssignment:
    name: str
    course_dir: Path
    # {student: {grade cell: (auto score, max score)}}
    scores: dict[str, dict[str, tuple[float | None, float]]] = field(default_factory=dict)
    feedback_html: dict[str, str] = field(default_factory=dict)

    def path(self, *parts) -> Path:
        return self.course_dir.joinpath(*parts)


@dataclass
class GradedCourse:
    template: CourseTemplate
    lang: str
    course_dir: Path
    assignments: list[GradedAssignment]


def grade_scores(course_dir: Path, assignment: str) -> dict:
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", COURSE_ID) as gb:
        return {
            sub.student_id: {g.name: (g.auto_score, g.max_score) for nb in sub.notebooks for g in nb.grades}
            for sub in gb.assignment_submissions(assignment)
        }


def visible_text(page: str) -> str:
    """The text of an HTML page as a reader sees it: no tags, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return normalise(html.unescape(re.sub(r"<[^>]+>", "", page)))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def region_lines(source: str, begin: str, end: str) -> list[str]:
    """The lines strictly between ``begin`` and ``end`` markers."""
    out, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
            continue
        if end in line:
            inside = False
            continue
        if inside:
            out.append(line)
    return out


def secrets_of(source_dir: Path) -> dict[str, list[str]]:
    """What students must never see, from the source notebooks of an assignment:
    hidden test lines, solution lines, model answers of written cells, mark schemes.

    Only distinctive lines are kept (12 characters or more, and not also present in the
    visible part of the notebook), so a match means a real leak."""
    found: dict[str, list[str]] = {"hidden tests": [], "solutions": [], "model answers": [], "mark schemes": []}
    candidates: dict[str, list[str]] = {k: [] for k in found}
    visible: list[str] = []
    for path in sorted(source_dir.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            src = cell.source
            hidden = region_lines(src, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
            solution = region_lines(src, "BEGIN SOLUTION", "END SOLUTION")
            scheme = region_lines(src, "BEGIN MARK SCHEME", "END MARK SCHEME")
            candidates["hidden tests"] += hidden
            candidates["solutions"] += solution
            candidates["mark schemes"] += scheme
            if meta.get("solution") and cell.cell_type == "markdown":
                candidates["model answers"] += src.split("\n")
                continue
            secret = set(hidden) | set(solution) | set(scheme)
            visible += [line for line in src.split("\n") if line not in secret]
    seen = normalise("\n".join(visible))
    for kind, lines in candidates.items():
        for line in lines:
            text = normalise(line)
            if len(text) >= 12 and text not in seen and text not in found[kind]:
                found[kind].append(text)
    return found


def leaks(text: str, secrets: dict[str, list[str]], kinds=None) -> list[str]:
    text = normalise(text)
    return [
        f"{kind}: {line}"
        for kind, lines in secrets.items()
        if kinds is None or kind in kinds
        for line in lines
        if line in text
    ]


def notebooks_text(folder: Path) -> str:
    parts = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            parts.append(cell.source)
            for output in cell.get("outputs", []):
                parts.append(str(output))
    return "\n".join(parts)


def build_graded(root: Path, template_id: str, lang: str) -> GradedCourse:
    from mesolab.grading.engine import grade_course

    template = get_template(template_id)
    course_dir = write_course(root / f"{template_id}-{lang}" / COURSE_ID, template, lang, course_id=COURSE_ID)
    graded = []
    for a in template.assignments:
        name = a.name(lang)
        submissions.release(course_dir, name)
        ga = GradedAssignment(name, course_dir)
        graded.append(ga)
        if not a.auto_points:
            continue
        for kind in submissions.ANSWER_KINDS:
            submissions.submit(course_dir, name, kind, kind)
        results = grade_course(course_dir, name)
        assert all(r.ok for r in results), [(r.student, r.error) for r in results]
        ga.scores = grade_scores(course_dir, name)
        for kind in submissions.ANSWER_KINDS:
            folder = submissions.feedback(course_dir, name, kind)
            ga.feedback_html[kind] = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html")))
    return GradedCourse(template, lang, course_dir, graded)
