"""The grading engine against stock ``nbgrader autograde``, and student code that misbehaves."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from mesolab.grading.engine import grade_course, make_sandbox
from mesolab.grading.samples import ANSWERS, make_course

pytestmark = pytest.mark.slow

ANSWERS.setdefault(
    "forkbomb",
    (
        "import os\nn = 0\ntry:\n    for i in range(500):\n        if os.fork() == 0:\n"
        "            import time; time.sleep(5); os._exit(0)\n        n += 1\nexcept OSError:\n    pass\n"
        "assert n < 500, n\ndef tension(I, R):\n    return I * R",
        "def fuqia(U, I):\n    return U * I",
    ),
)


def _grades(course: Path, assignment: str = "ohm") -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "elektro-101") as gb:
        out = {}
        for sub in gb.assignment_submissions(assignment):
            out[sub.student_id] = {g.name: (g.auto_score, g.max_score) for nb in sub.notebooks for g in nb.grades}
        return out


def _cells(path: Path) -> list:
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source, c.metadata.get("nbgrader"), c.get("outputs")) for c in nb.cells]


@pytest.fixture(scope="module")
def twin_courses(tmp_path_factory):
    """The same course twice: one graded by stock nbgrader, one by MësoLab."""
    students = {"ana": "correct", "bledi": "half", "cela": "wrong", "dea": "blank"}
    stock = make_course(tmp_path_factory.mktemp("stock") / "course", students)
    ours = tmp_path_factory.mktemp("ours") / "course"
    shutil.copytree(stock, ours)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", "ohm"], cwd=stock, env=env, check=True, capture_output=True
    )
    results = grade_course(ours, "ohm")
    return stock, ours, results


def test_same_scores_as_nbgrader(twin_courses):
    stock, ours, results = twin_courses
    assert _grades(ours) == _grades(stock)
    assert {r.student: r.score for r in results} == {"ana": 5.0, "bledi": 2.0, "cela": 0.0, "dea": 0.0}
    assert all(r.ok and r.notes == [] for r in results)


def test_same_autograded_notebooks_as_nbgrader(twin_courses):
    stock, ours, _ = twin_courses
    for student in ("ana", "bledi", "cela", "dea"):
        a = stock / "autograded" / student / "ohm"
        b = ours / "autograded" / student / "ohm"
        assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
        assert _cells(a / "ohm.ipynb") == _cells(b / "ohm.ipynb"), student


@pytest.fixture(scope="module")
def misbehaving(tmp_path_factory):
    kinds = ["loop", "memory", "flood", "kill", "snoop", "forkbomb", "correct", "network", "hide_tb"]
    course = make_course(tmp_path_factory.mktemp("bad") / "course", {k: k for k in kinds})
    from mesolab.grading.sandbox import Limits

    limits = Limits(cell_timeout=5, wall_seconds=60, memory_mb=1024)
    return {r.student: r for r in grade_course(course, "ohm", limits=limits)}


@pytest.mark.parametrize(
    ("student", "score", "note"),
    [
        ("loop", 2.0, "timeout"),  # endless loop in the second part: first part's points kept
        ("memory", 2.0, None),  # MemoryError from the address-space limit
        ("flood", 5.0, "output"),  # prints 100 MB: truncated, still full marks
        ("kill", 2.0, "dead"),  # kills its own kernel
        ("correct", 5.0, None),  # graded next to the others, unaffected
        ("network", 5.0, None),  # no connection to anything: its own assertion holds
        ("hide_tb", 0.0, None),  # silenced tracebacks do not turn failed tests into passes
    ],
)
def test_misbehaving_code_gets_points_for_what_passed(misbehaving, student, score, note):
    result = misbehaving[student]
    assert result.ok, result.error
    assert result.score == score
    if note:
        assert note in result.notes


def test_student_code_cannot_see_solutions_or_secrets(misbehaving):
    # the "snoop" answer asserts that no source notebook and no secret variable is visible
    assert misbehaving["snoop"].score == 5.0


def test_process_limit(misbehaving):
    if make_sandbox().uid is None:
        if os.environ.get("MESOLAB_REQUIRE_SANDBOX_UID"):
            pytest.fail("the sandbox cannot use a uid of its own here (is the Python reachable by others?)")
        pytest.skip("the Python here is not reachable by other users: no per-kernel uid, no process limit")
    assert misbehaving["forkbomb"].score == 5.0


def test_cli_grades_one_student(tmp_path):
    course = make_course(tmp_path / "course", {"ana": "correct", "ben": "wrong"})
    out = subprocess.run(
        [sys.executable, "-m", "mesolab.cli", "autograde", str(course), "ohm", "--student", "ben"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert "ben: 0/6" in out.stdout
    assert "ana" not in out.stdout
    assert _grades(course) == {"ben": {"test_tension": (0.0, 2.0), "test_fuqia": (0.0, 3.0), "shpjegim": (None, 1.0)}}


def test_cli_refuses_a_folder_that_is_no_course(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "mesolab.cli", "autograde", str(tmp_path), "ohm"], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "no submitted/ folder here" in out.stderr
