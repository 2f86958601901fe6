"""Helpers for writing course templates as Python: cells with nbgrader metadata, notebooks.

Every template's ``content.py`` builds its notebooks with these helpers, once per language.
The cells carry the same nbgrader metadata the "Create Assignment" toolbar of JupyterLab
writes (schema version 3), so a teacher can open a generated notebook and keep editing it
there. Cell ids are deterministic, so rebuilding an unchanged template changes no file.

Kinds of cells:

* :func:`md`, :func:`code` — ordinary cells (explanations, runnable examples);
* :func:`solution` — an answer cell: the code between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` is the reference solution, replaced by a stub in the student version;
* :func:`tests` — an autograded, read-only test cell with ``points``; the lines between
  ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` are removed from the student version;
* :func:`written` — a manually graded written answer (its text is the model answer);
* :func:`task` — a manually graded task described in a read-only cell; the lines between
  ``=== BEGIN MARK SCHEME ===`` and ``=== END MARK SCHEME ===`` are for the teacher only.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

LANGS = ("sq", "en")
SCHEMA_VERSION = 3


def dedent(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, task=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": task,
    }
    if points is not None:
        meta["points"] = points
    return meta


def md(text: str, grade_id: str | None = None):
    """An explanation; with ``grade_id`` it is read-only for students."""
    cell = new_markdown_cell(dedent(text))
    if grade_id:
        cell.metadata["nbgrader"] = _meta(grade_id, locked=True)
        cell.metadata["deletable"] = False
        cell.metadata["editable"] = False
    return cell


def code(source: str, grade_id: str | None = None, hidden_source: bool = False):
    """A runnable example; with ``grade_id`` it is read-only (e.g. the setup of an exam)."""
    cell = new_code_cell(dedent(source))
    if grade_id:
        cell.metadata["nbgrader"] = _meta(grade_id, locked=True)
        cell.metadata["deletable"] = False
        cell.metadata["editable"] = False
    if hidden_source:
        cell.metadata["jupyter"] = {"source_hidden": True}
    return cell


def solution(grade_id: str, source: str):
    """An answer cell: must contain ``### BEGIN SOLUTION`` … ``### END SOLUTION``."""
    source = dedent(source)
    if "### BEGIN SOLUTION" not in source or "### END SOLUTION" not in source:
        raise ValueError(f"{grade_id}: a solution cell needs ### BEGIN SOLUTION / ### END SOLUTION")
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = _meta(grade_id, solution=True)
    return cell


def tests(grade_id: str, points: float, source: str, prelude: str = ""):
    """An autograded test cell (read-only), usually with a hidden part; ``prelude`` (e.g.
    :func:`checks`) goes first."""
    source = dedent(source)
    cell = new_code_cell(f"{prelude}\n\n\n{source}" if prelude else source)
    cell.metadata["nbgrader"] = _meta(grade_id, grade=True, locked=True, points=points)
    cell.metadata["deletable"] = False
    cell.metadata["editable"] = False
    return cell


def written(grade_id: str, points: float, model_answer: str):
    """A manually graded written answer; ``model_answer`` is replaced by a stub for students."""
    cell = new_markdown_cell(dedent(model_answer))
    cell.metadata["nbgrader"] = _meta(grade_id, grade=True, solution=True, points=points)
    return cell


def task(grade_id: str, points: float, text: str, mark_scheme: str):
    """A manually graded task; the mark scheme is removed from the student version."""
    source = dedent(text) + "\n\n=== BEGIN MARK SCHEME ===\n\n" + dedent(mark_scheme) + "\n\n=== END MARK SCHEME ==="
    cell = new_markdown_cell(source)
    cell.metadata["nbgrader"] = _meta(grade_id, locked=True, task=True, points=points)
    cell.metadata["deletable"] = False
    cell.metadata["editable"] = False
    return cell


def notebook(cells: list, **mesolab) -> nbformat.NotebookNode:
    """A Python 3 notebook with deterministic cell ids and MësoLab metadata (template, kind…)."""
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    if mesolab:
        nb.metadata["mesolab"] = mesolab
    for index, cell in enumerate(nb.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        slug = re.sub(r"[^A-Za-z0-9_-]", "-", gid)[:40] if gid else cell.cell_type
        cell["id"] = f"c{index:02d}-{slug}"
    nbformat.validate(nb)
    return nb


def points_of(nb: nbformat.NotebookNode) -> tuple[float, float]:
    """(autograded points, manually graded points) of a notebook."""
    auto = manual = 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not (meta.get("grade") or meta.get("task")):
            continue
        if meta.get("grade") and cell.cell_type == "code" and not meta.get("solution"):
            auto += meta.get("points", 0)
        else:
            manual += meta.get("points", 0)
    return auto, manual


@dataclass
class Assignment:
    """One nbgrader assignment of a template: its name and files, per language."""

    name: dict[str, str]
    # {lang: {file name: notebook or text}}
    files: dict[str, dict[str, object]] = field(default_factory=dict)


@dataclass
class Template:
    """A course template: metadata for ``template.yaml`` and its assignments."""

    id: str
    kind: str  # lesson | assignment | workshop | exam
    trade: str  # ict | electrical | hospitality | accounting | trainers
    title: dict[str, str]
    summary: dict[str, str]
    qualification_code: str
    course_code: str
    assignments: list[Assignment]
    time_limit_minutes: int | None = None


def tr(lang: str):
    """``t = tr(lang)``; ``t("shqip", "English")`` picks the text of ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    return lambda sq, en: sq if lang == "sq" else en


def checks(lang: str) -> str:
    """The helpers a test cell starts with (each test cell defines its own, so an answer cell
    cannot replace them):

    * ``_num(x)``: the float value of a real number computed by the student's code, or a failed
      assertion for anything else — None from a function that only prints, objects whose ``==``
      is always true, float subclasses, strings, booleans;
    * ``_raises(error, f, *args)``: whether ``f(*args)`` raises ``error``.
    """
    message = "pritej një numër, u mor" if lang == "sq" else "expected a number, got"
    return dedent(
        f'''
        import math
        import numbers


        def _num(x):
            real = isinstance(x, numbers.Real) and type(x) is not bool
            assert real and type(x).__module__ in ("builtins", "numpy"), f"{message} {{type(x).__name__}}"
            return float(x)


        def _raises(error, f, *args):
            try:
                f(*args)
            except error:
                return True
            return False
        '''
    )
