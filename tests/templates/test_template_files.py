"""The committed templates: in step with their sources, clean, bilingual, built as the issue asks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from templatetools import GRADED, LANGS, TEMPLATES, region_lines

from mesolab.courses.templates import KINDS, get_template, list_templates, templates_dir

ROOT = templates_dir()


def notebooks(template_id: str, lang: str) -> dict[str, nbformat.NotebookNode]:
    template = get_template(template_id)
    out = {}
    for a in template.assignments:
        for name in a.notebooks[lang]:
            out[f"{a.name(lang)}/{name}"] = nbformat.read(template.source_dir(lang, a) / name, as_version=4)
    return out


def grade_cells(nb) -> list[dict]:
    return [
        c.metadata["nbgrader"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade") or c.metadata.get("nbgrader", {}).get("task")
    ]


def test_committed_templates_match_their_sources():
    out = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--check"], capture_output=True, text=True, cwd=ROOT.parent
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_kind_and_trade_is_there():
    templates = list_templates()
    assert {t.kind for t in templates} == set(KINDS)
    assert {"ict", "electrical", "hospitality", "accounting"} <= {t.trade for t in templates}
    for t in templates:
        assert set(t.languages) == set(LANGS)
        assert t.title["sq"] and t.title["en"] and t.title["sq"] != t.title["en"]
        assert t.assignments


@pytest.mark.parametrize("template_id", TEMPLATES)
@pytest.mark.parametrize("lang", LANGS)
def test_notebooks_are_valid_and_clean(template_id, lang):
    for name, nb in notebooks(template_id, lang).items():
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3", name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, f"{name}: outputs committed"
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
        assert len(ids) == len(set(ids)), f"{name}: duplicate grade ids"


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_both_languages_have_the_same_structure(template_id):
    sq, en = notebooks(template_id, "sq"), notebooks(template_id, "en")
    assert len(sq) == len(en)
    for (name_sq, a), (name_en, b) in zip(sorted(sq.items()), sorted(en.items()), strict=True):
        shape = [
            (c.cell_type, {k: v for k, v in c.metadata.get("nbgrader", {}).items() if k != "grade_id"}) for c in a.cells
        ]
        assert shape == [
            (c.cell_type, {k: v for k, v in c.metadata.get("nbgrader", {}).items() if k != "grade_id"}) for c in b.cells
        ], (name_sq, name_en)


@pytest.mark.parametrize("template_id", GRADED)
@pytest.mark.parametrize("lang", LANGS)
def test_every_test_cell_has_hidden_tests_calling_with_new_inputs(template_id, lang):
    for name, nb in notebooks(template_id, lang).items():
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and cell.cell_type == "code":
                hidden = "\n".join(region_lines(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
                assert "(" in hidden, f"{name}/{meta['grade_id']}: no hidden test calls"
                assert "type(" in cell.source or "_num(" in cell.source, f"{name}/{meta['grade_id']}: no type check"


def _kinds_of_cells(template_id: str, lang: str) -> dict[str, int]:
    counts = {"tests": 0, "written": 0, "task": 0}
    for nb in notebooks(template_id, lang).values():
        for meta in grade_cells(nb):
            if meta.get("task"):
                counts["task"] += 1
            elif meta.get("solution"):
                counts["written"] += 1
            else:
                counts["tests"] += 1
    return counts


@pytest.mark.parametrize("lang", LANGS)
def test_each_kind_has_the_cells_it_promises(lang):
    for t in list_templates():
        counts = _kinds_of_cells(t.id, lang)
        if t.kind == "assignment":
            assert counts["tests"] >= 3 and counts["written"] >= 1 and counts["task"] >= 1, (t.id, counts)
        elif t.kind == "exam":
            assert counts["tests"] >= 3 and counts["written"] == counts["task"] == 0, (t.id, counts)
            assert t.time_limit_minutes and t.time_limit_minutes > 0
            assert all(a.manual_points == 0 for a in t.assignments)
        elif t.kind == "lesson":
            assert counts == {"tests": 0, "written": 0, "task": 0}
            text = "\n".join(c.source for nb in notebooks(t.id, lang).values() for c in nb.cells)
            assert "interact" in text and "matplotlib" in text and "RadioButtons" in text
        elif t.kind == "workshop":
            checkpoints = [n for n, nb in notebooks(t.id, lang).items() if grade_cells(nb)]
            assert len(checkpoints) >= 4, checkpoints
        if t.kind != "exam":
            assert not t.time_limit_minutes


def test_manifest_points_match_the_notebooks():
    for t in list_templates():
        for a in t.assignments:
            for lang in LANGS:
                total = sum(
                    m.get("points", 0)
                    for name in a.notebooks[lang]
                    for m in grade_cells(nbformat.read(Path(t.source_dir(lang, a)) / name, as_version=4))
                )
                assert total == a.max_score, (t.id, lang)
