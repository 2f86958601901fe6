"""Every template in both languages, released and graded for real (sandboxed, as in production).

Per template and language one ``grade_course`` call grades four students: the teacher's
reference solution (full marks on every autograded cell), an untouched release (zero), and two
tricks that must score zero on every autograded cell: functions returning an object equal to
anything, and functions printing the right answer instead of returning it. No hidden test,
solution, model answer or mark scheme may reach students: not in the release, not in feedback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbconvert import HTMLExporter
from templatetools import (
    COURSE_ID,
    GRADED,
    LANGS,
    TEMPLATES,
    grade_scores,
    leaks,
    notebooks_text,
    secrets_of,
    visible_text,
)

from mesolab.courses import submissions
from mesolab.courses.scaffold import write_course
from mesolab.courses.templates import get_template

pytestmark = pytest.mark.slow

TRICKS = ("always-equal", "print")


def test_every_template_is_covered():
    assert set(GRADED) < set(TEMPLATES) and len(GRADED) >= 4


@pytest.mark.parametrize("template_id", TEMPLATES)
@pytest.mark.parametrize("lang", LANGS)
def test_release_has_no_secrets(graded, template_id, lang):
    course = graded(template_id, lang)
    for a in course.assignments:
        released = a.path("release", a.name)
        assert sorted(p.name for p in released.iterdir()) == sorted(p.name for p in a.path("source", a.name).iterdir())
        secrets = secrets_of(a.path("source", a.name))
        text = notebooks_text(released)
        assert leaks(text, secrets) == []
        if course.template.kind != "workshop":  # the workshop teaches these markers in its text
            for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME"):
                assert marker not in text
        if course.template.kind != "lesson":
            assert any(secrets.values()), "nothing secret found: the leak check would be vacuous"


@pytest.mark.parametrize("template_id", GRADED)
@pytest.mark.parametrize("lang", LANGS)
def test_reference_gets_full_marks_and_blank_gets_zero(graded, template_id, lang):
    course = graded(template_id, lang)
    for a in course.assignments:
        reference, blank = a.scores["reference"], a.scores["blank"]
        auto = {cell for cell, (score, _) in reference.items() if score is not None}
        assert auto, "no autograded cells"
        for cell in auto:
            assert reference[cell][0] == reference[cell][1] > 0, (cell, reference[cell])
            assert blank[cell][0] == 0, (cell, blank[cell])
        # manual cells: left to the teacher (a blank written answer is scored 0 by nbgrader)
        for cell in set(reference) - auto:
            assert reference[cell][0] is None
        if course.template.kind == "exam":
            assert set(reference) == auto, "an exam is autograded only"


@pytest.mark.parametrize("template_id", GRADED)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("trick", TRICKS)
def test_tricks_score_zero(graded, template_id, lang, trick):
    course = graded(template_id, lang)
    for a in course.assignments:
        auto = {cell for cell, (score, _) in a.scores["reference"].items() if score is not None}
        scored = {cell: a.scores[trick][cell][0] for cell in auto}
        assert all(score == 0 for score in scored.values()), scored


@pytest.mark.parametrize("template_id", GRADED)
@pytest.mark.parametrize("lang", LANGS)
def test_feedback_has_no_secrets(graded, template_id, lang):
    course = graded(template_id, lang)
    for a in course.assignments:
        secrets = secrets_of(a.path("source", a.name))
        for student, page in a.feedback_html.items():
            text = visible_text(page)
            if course.template.kind != "workshop":
                assert "HIDDEN TESTS" not in text and "MARK SCHEME" not in text, student
            assert leaks(text, secrets, kinds=("hidden tests", "mark schemes")) == [], student
            if student in ("blank", "always-equal"):
                assert leaks(text, secrets, kinds=("solutions", "model answers")) == [], student
        # the check is not vacuous: the same search finds the hidden tests in the teacher's
        # autograded notebook rendered as HTML (nbgrader's stock feedback shows exactly that)
        pages = [
            HTMLExporter().from_filename(str(p))[0]
            for p in sorted(a.path("autograded", "blank", a.name).glob("*.ipynb"))
        ]
        assert leaks(visible_text("\n".join(pages)), secrets, kinds=("hidden tests",)), (
            "hidden tests not found where they are"
        )


@pytest.mark.parametrize("lang", LANGS)
def test_feedback_shows_visible_failures_and_hides_hidden_ones(graded, lang):
    """On a real traceback from a graded notebook: a failure on a visible line is shown as its
    error; the same failure moved to a hidden line becomes the fixed message, nothing else."""
    from nbformat import NotebookNode

    from mesolab.courses.feedback import MESSAGES, HideHiddenTests, failing_line, hidden_lines

    a = graded("elektro-ohm-detyre", lang).assignments[0]
    nb = nbformat.read(next(a.path("autograded", "print", a.name).glob("*.ipynb")), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and "HIDDEN" in c.source)
    error = next(o for o in cell.outputs if o.output_type == "error")
    line = failing_line(error)
    hidden = hidden_lines(cell.source)
    assert line is not None and line not in hidden
    step = HideHiddenTests(message=MESSAGES[lang])
    shown, _ = step.preprocess_cell(nbformat.from_dict(cell), {}, 0)
    assert [o.evalue for o in shown.outputs] == [error.evalue] and len(shown.outputs[0].traceback) == 1

    moved = nbformat.from_dict(cell)
    moved.outputs = [
        NotebookNode(
            {**error, "traceback": [t.replace(f"line {line}", f"line {min(hidden) + 1}") for t in error.traceback]}
        )
    ]
    shown, _ = step.preprocess_cell(moved, {}, 0)
    assert [(o.evalue, o.traceback) for o in shown.outputs] == [(MESSAGES[lang], [MESSAGES[lang]])]


def test_stock_nbgrader_autograde_gives_the_same_scores(graded, tmp_path):
    """The template graded by stock ``nbgrader autograde`` (unsandboxed) scores as MësoLab's engine."""
    ours = graded("hoteleri-menu-detyre", "sq")
    a = ours.assignments[0]
    course = write_course(tmp_path / COURSE_ID, get_template("hoteleri-menu-detyre"), "sq", course_id=COURSE_ID)
    submissions.release(course, a.name)
    for kind in submissions.ANSWER_KINDS:
        submissions.submit(course, a.name, kind, kind)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    out = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", a.name], cwd=course, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert grade_scores(course, a.name) == a.scores


@pytest.mark.parametrize("lang", LANGS)
def test_lesson_runs_without_errors(graded, lang, tmp_path):
    """The lesson's released notebook runs top to bottom (widgets and plots included)."""
    from nbclient import NotebookClient

    course = graded("elektro-ohm-mesim", lang)
    released = course.assignments[0].path("release", course.assignments[0].name)
    work = tmp_path / "lesson"
    shutil.copytree(released, work)
    for path in sorted(work.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors == []
        kinds = {k for c in nb.cells for o in c.get("outputs", []) for k in o.get("data", {})}
        assert "image/png" in kinds and "application/vnd.jupyter.widget-view+json" in kinds
