"""Release a course's assignment and make submissions with known answers (tests and the demo).

* :func:`release` runs nbgrader's ``generate_assignment`` with the course's configuration;
* :func:`submit` writes ``submitted/<student>/<assignment>/`` from the release version, with
  the answer cells filled in according to ``answers``:

  ``reference``  the teacher's solutions from the source version (should get full marks);
  ``blank``      nothing changed (should get zero);
  ``always-equal`` every function returns an object equal to anything (a float subclass
                 whose ``==`` is always true) — a trick tests must not fall for;
  ``print``      every function prints the right result instead of returning it (computed by
                 the reference solution) — another trick;

* :func:`feedback` runs nbgrader's ``generate_feedback`` for graded submissions.
"""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from pathlib import Path

import nbformat

ANSWER_KINDS = ("reference", "blank", "always-equal", "print")
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")

ALWAYS_EQUAL = """class _AlwaysEqual(float):
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = float.__hash__

"""


def _api(course_dir: Path):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config, PyFileConfigLoader

    config = Config()
    if (course_dir / "nbgrader_config.py").exists():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    config.CourseDirectory.root = str(course_dir)
    config.Exchange.root = str(course_dir / ".exchange")  # unused; keeps nbgrader from warning
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def release(course_dir: str | Path, assignment: str) -> Path:
    """``nbgrader generate_assignment``: the student version in ``release/<assignment>/``."""
    course_dir = Path(course_dir).resolve()
    result = _api(course_dir).generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"generate_assignment {assignment} failed: {result.get('error') or result.get('log')}")
    return course_dir / "release" / assignment


def feedback(course_dir: str | Path, assignment: str, student: str) -> Path:
    """``nbgrader generate_feedback`` for one graded student: the folder of the HTML files."""
    course_dir = Path(course_dir).resolve()
    result = _api(course_dir).generate_feedback(assignment, student, force=True)
    if not result["success"]:
        raise RuntimeError(
            f"generate_feedback {assignment}/{student} failed: {result.get('error') or result.get('log')}"
        )
    return course_dir / "feedback" / student / assignment


def reference_code(source: str) -> str:
    """A solution cell's source without the solution delimiters."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in SOLUTION_MARKERS)


def function_names(code: str) -> list[str]:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]


def answer(kind: str, cell_type: str, reference: str) -> str | None:
    """The source a student of ``kind`` writes in an answer cell (None: leave it as released)."""
    if kind == "reference":
        return reference
    if kind == "blank" or cell_type != "code":
        return None
    names = function_names(reference)
    if not names:
        return None
    if kind == "always-equal":
        return ALWAYS_EQUAL + "\n".join(f"def {n}(*args, **kwargs):\n    return _AlwaysEqual(0)\n" for n in names)
    if kind == "print":
        renamed = reference
        for n in names:
            renamed = renamed.replace(f"def {n}(", f"def _reference_{n}(")
        fakes = "\n".join(f"def {n}(*args, **kwargs):\n    print(_reference_{n}(*args, **kwargs))\n" for n in names)
        return f"{renamed}\n\n\n{fakes}"
    raise ValueError(f"unknown kind of answers {kind!r} (one of {', '.join(ANSWER_KINDS)})")


def answered(release_nb, source_nb, kind: str):
    """The released notebook with its answer cells filled in as a student of ``kind`` would."""
    sources = {
        c.metadata["nbgrader"]["grade_id"]: c for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.from_dict(release_nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("solution"):
            continue
        src = sources[meta["grade_id"]]
        ref = reference_code(src.source) if cell.cell_type == "code" else src.source
        new = answer(kind, cell.cell_type, ref)
        if new is not None:
            cell.source = new
    return nb


def submit(course_dir: str | Path, assignment: str, student: str, kind: str = "reference") -> Path:
    """Write ``submitted/<student>/<assignment>/`` answering with ``kind`` (see the module doc)."""
    course_dir = Path(course_dir)
    released = course_dir / "release" / assignment
    source = course_dir / "source" / assignment
    if not released.is_dir():
        raise FileNotFoundError(f"{released}: release the assignment first")
    target = course_dir / "submitted" / student / assignment
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(released, target)
    for path in sorted(released.glob("*.ipynb")):
        nb = answered(nbformat.read(path, as_version=4), nbformat.read(source / path.name, as_version=4), kind)
        nbformat.write(nb, target / path.name)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    (target / "timestamp.txt").write_text(now, encoding="utf-8")
    return target
