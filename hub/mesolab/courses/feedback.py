"""Feedback that shows students their grades, not the teacher's hidden tests.

nbgrader's ``generate_feedback`` renders the *autograded* notebook, whose test cells were
restored from the gradebook — hidden tests and task mark schemes included — and whose error
outputs quote the test lines around a failure. A course made by MësoLab configures its
feedback with :func:`configure_feedback`, which adds, after ``GetGrades``:

* :class:`HideHiddenTests` — for every test cell with a hidden part, the outputs are replaced
  by one line: the error of a failed visible test, or a fixed message when a hidden test
  failed (no traceback, no printed values, nothing computed from hidden inputs);
* nbgrader's ``ClearHiddenTests`` and ``ClearMarkScheme`` — the hidden lines and the mark
  schemes are removed from the cells' source.
"""

from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, GetGrades, NbGraderPreprocessor
from traitlets import Unicode

MESSAGES = {
    "sq": "Një test i fshehur i mësuesit nuk kaloi: provoni funksionin tuaj edhe me vlera të tjera.",
    "en": "One of the teacher's hidden tests did not pass: try your function with other values too.",
}

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# IPython names the cell's own frame "Cell In[3], line 12" (older: "Input In [3]" … "line 12")
CELL_LINE = re.compile(r"(?:Cell In ?\[\d*\]|Input In ?\[\d*\]|<ipython-input-[^>]*>)[^\n]*?line (\d+)")


def hidden_lines(source: str, begin: str = "BEGIN HIDDEN TESTS", end: str = "END HIDDEN TESTS") -> set[int]:
    """1-based numbers of the lines of ``source`` inside (and on) hidden-test delimiters."""
    hidden: set[int] = set()
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        if begin in line:
            inside = True
        if inside:
            hidden.add(number)
        if end in line:
            inside = False
    return hidden


def failing_line(output: NotebookNode) -> int | None:
    """The line of the cell where an error output's exception was raised, if the traceback says."""
    text = ANSI.sub("", "\n".join(output.get("traceback") or []))
    match = CELL_LINE.search(text)
    return int(match.group(1)) if match else None


class HideHiddenTests(NbGraderPreprocessor):
    """Replace the outputs of test cells with hidden tests by a one-line verdict."""

    message = Unicode(MESSAGES["en"], help="Shown when a hidden test failed.").tag(config=True)
    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict, index: int):
        if cell.cell_type != "code" or self.begin_test_delimeter not in cell.source:
            return cell, resources
        hidden = hidden_lines(cell.source, self.begin_test_delimeter, self.end_test_delimeter)
        verdict = []
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            line = failing_line(output)
            if line is not None and line not in hidden:
                text = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")
                verdict = [
                    NotebookNode(
                        output_type="error",
                        ename=output.get("ename", "Error"),
                        evalue=output.get("evalue", ""),
                        traceback=[text],
                    )
                ]
            else:
                verdict = [
                    NotebookNode(
                        output_type="error", ename="AssertionError", evalue=self.message, traceback=[self.message]
                    )
                ]
            break
        cell.outputs = verdict
        return cell, resources


def feedback_preprocessors() -> list:
    """The ``GenerateFeedback.preprocessors`` of a MësoLab course."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

    return [GetGrades, HideHiddenTests, ClearHiddenTests, ClearMarkScheme, CSSHTMLHeaderPreprocessor]


def configure_feedback(c, lang: str = "en") -> None:
    """Configure nbgrader's feedback in ``c`` (a traitlets config, e.g. in nbgrader_config.py)."""
    c.GenerateFeedback.preprocessors = feedback_preprocessors()
    c.HideHiddenTests.message = MESSAGES.get(lang, MESSAGES["en"])
