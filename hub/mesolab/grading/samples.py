"""Sample nbgrader courses with known answers: for tests, benchmarks and the demo.

``make_course(root, students)`` writes a standard nbgrader course directory: an
``nbgrader_config.py``, a source assignment ``ohm`` (Ohm's law, with visible and hidden
tests and a written answer), its release version (made by nbgrader's own
``generate_assignment``), and ``submitted/<student>/ohm/`` for each student with the answer
kind named in ``students`` — see :data:`ANSWERS`.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "ohm"

SOLUTION_VOLTAGE = """def tension(I, R):
    ### BEGIN SOLUTION
    return I * R
    ### END SOLUTION"""

SOLUTION_POWER = """def fuqia(U, I):
    ### BEGIN SOLUTION
    return U * I
    ### END SOLUTION"""

TEST_VOLTAGE = """assert tension(2, 5) == 10
assert abs(tension(0.5, 220) - 110) < 1e-9
### BEGIN HIDDEN TESTS
assert tension(3, 7) == 21
### END HIDDEN TESTS"""

TEST_POWER = """assert fuqia(230, 2) == 460
### BEGIN HIDDEN TESTS
assert fuqia(12, 0.5) == 6
### END HIDDEN TESTS"""

# What a submitted student writes in place of the solutions.
ANSWERS = {
    "correct": ("def tension(I, R):\n    return I * R", "def fuqia(U, I):\n    return U * I"),
    "half": ("def tension(I, R):\n    return I * R", "def fuqia(U, I):\n    return U + I"),
    "wrong": ("def tension(I, R):\n    return I + R", "def fuqia(U, I):\n    return 0"),
    "blank": (None, None),
    "loop": ("def tension(I, R):\n    return I * R", "while True:\n    pass"),
    "memory": (
        "def tension(I, R):\n    return I * R",
        "x = bytearray(8 * 1024**3)\ndef fuqia(U, I):\n    return U * I",
    ),
    "flood": (
        "def tension(I, R):\n    return I * R\nfor i in range(10**6):\n    print('x' * 100)",
        "def fuqia(U, I):\n    return U * I",
    ),
    "kill": ("def tension(I, R):\n    return I * R", "import os\nos._exit(1)"),
    "cpu": (
        "def tension(I, R):\n    return I * R",
        "import time\nt = time.time()\nwhile time.time() - t < 600:\n    pass",
    ),
    "error": ("def tension(I, R):\n    return I * R", "def fuqia(U, I):\n    return U * I\nraise ValueError('gabim')"),
    "slow": (
        "import time\ntime.sleep(1)\ndef tension(I, R):\n    return I * R",
        "def fuqia(U, I):\n    return U * I",
    ),
    # tries to reach the network (any address, the hub included): must fail inside the sandbox
    "network": (
        "import socket\ndef _reach(host, port):\n    s = socket.socket()\n    s.settimeout(1)\n    try:\n"
        "        return s.connect_ex((host, port)) == 0\n    except OSError:\n        return False\n"
        "assert not any(_reach(h, p) for h in ('127.0.0.1', '8.8.8.8') for p in (22, 80, 443, 5432, 8000, 8081))\n"
        "def tension(I, R):\n    return I * R",
        "def fuqia(U, I):\n    return U * I",
    ),
    # wrong answers, and hides tracebacks so that failing tests look silent
    "hide_tb": (
        "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\nip.showsyntaxerror = lambda *a, **k: None\n"
        "import sys\nsys.excepthook = lambda *a: None\ndef tension(I, R):\n    return 0",
        "def fuqia(U, I):\n    return 0",
    ),
    "snoop": (
        "import glob, os\nroots = ['/tmp', '/root', '/home', '/var/lib', os.path.dirname(os.getcwd())]\n"
        "pats = ['/**/source/**/*.ipynb', '/**/gradebook.db', '/**/submitted/*/ohm', '/**/*.sqlite', '/**/*token*']\n"
        "leaked = [p for r in roots for pat in pats for p in glob.glob(r + pat, recursive=True)]\n"
        "leaked += [k for k in os.environ if 'TOKEN' in k or 'SECRET' in k]\n"
        "assert not leaked, leaked\ndef tension(I, R):\n    return I * R",
        "def fuqia(U, I):\n    return U * I",
    ),
}


def source_notebook() -> nbformat.NotebookNode:
    def grade(cell, grade_id, points=None, solution=False, locked=False, task=False):
        meta = {
            "grade": points is not None,
            "grade_id": grade_id,
            "locked": locked,
            "schema_version": 3,
            "solution": solution,
            "task": task,
        }
        if points is not None:
            meta["points"] = points
        cell.metadata["nbgrader"] = meta
        return cell

    nb = new_notebook(
        cells=[
            grade(new_markdown_cell("# Ligji i Ohmit\nPlotësoni funksionet."), "intro", locked=True),
            grade(new_code_cell(SOLUTION_VOLTAGE), "tension", solution=True),
            grade(new_code_cell(TEST_VOLTAGE), "test_tension", points=2, locked=True),
            grade(new_code_cell(SOLUTION_POWER), "fuqia", solution=True),
            grade(new_code_cell(TEST_POWER), "test_fuqia", points=3, locked=True),
            grade(
                new_markdown_cell("Shpjegoni pse fuqia rritet me rrymën.\n\nYOUR ANSWER HERE"),
                "shpjegim",
                points=1,
                solution=True,
            ),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def make_course(root: str | os.PathLike, students: dict[str, str], course_id: str = "elektro-101") -> Path:
    """A course directory with the assignment released and ``students`` submitted."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config

    root = Path(root)
    (root / "source" / ASSIGNMENT).mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = {course_id!r}\n",
        encoding="utf-8",
    )
    nbformat.write(source_notebook(), root / "source" / ASSIGNMENT / "ohm.ipynb")
    (root / "source" / ASSIGNMENT / "te-dhena.csv").write_text("I,R\n2,5\n", encoding="utf-8")
    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = course_id
    config.Exchange.root = str(root / ".exchange")  # unused here; keeps nbgrader from warning
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    result = api.generate_assignment(ASSIGNMENT, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"generate_assignment failed: {result.get('error') or result.get('log')}")
    release = root / "release" / ASSIGNMENT
    for student, kind in students.items():
        submit(root, student, kind, release)
    return root


def submit(root: Path, student: str, kind: str, release: Path | None = None) -> Path:
    """Write ``submitted/<student>/ohm`` answering with ``kind`` (see ANSWERS)."""
    release = release or root / "release" / ASSIGNMENT
    nb = nbformat.read(release / "ohm.ipynb", as_version=4)
    voltage, power = ANSWERS[kind]
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "tension" and voltage:
            cell.source = voltage
        elif gid == "fuqia" and power:
            cell.source = power
        elif gid == "shpjegim" and kind != "blank":
            cell.source = "Sepse P = U · I."
    target = root / "submitted" / student / ASSIGNMENT
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / "ohm.ipynb")
    (target / "te-dhena.csv").write_text("I,R\n2,5\n", encoding="utf-8")
    (target / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC", encoding="utf-8")
    return target
