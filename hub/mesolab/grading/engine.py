"""The grading engine: nbgrader's autograde pipeline, sandboxed and in parallel.

``grade_course(course_dir, assignment, …)`` grades the submissions of a standard nbgrader
course directory (``submitted/<student>/<assignment>/``) and writes the same gradebook
entries and ``autograded/`` notebooks as ``nbgrader autograde`` would: it runs nbgrader's
own ``Autograde`` converter with the course's ``nbgrader_config.py``; the only change is the
``Execute`` step, replaced by :class:`~mesolab.grading.execute.SandboxedExecute`.

Students are graded by a pool of worker processes (default: one per core); each process
keeps one sandboxed kernel booting ahead of the notebook it is grading, and uses every
kernel once. A failure of one student's notebook never affects another's.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets.config import Config, PyFileConfigLoader

from . import execute as execute_module
from .execute import SandboxedExecute
from .kernels import KernelPool
from .sandbox import Limits, Sandbox, check_sandbox, default_hidden, python_paths, reachable_by_others

log = logging.getLogger("mesolab.grading")

NO_UID_WARNING = (
    "sandbox without a uid of its own: %s is not reachable by other users, so kernels run as "
    "root inside their user namespace and the process limit is not enforced"
)
UNSANDBOXED_WARNING = (
    "GRADING WITHOUT A SANDBOX: student code runs with the worker's own rights "
    "(development setting 'unsandboxed'; never use it for real students)"
)


@dataclass
class GradeResult:
    """Outcome of grading one student's submission."""

    student: str
    assignment: str
    ok: bool
    score: float | None = None
    max_score: float | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    cells: dict[str, list] = field(default_factory=dict)  # {grade_id: [score, max_score]}


def course_config(course_dir: Path) -> Config:
    """The course's ``nbgrader_config.py`` (if any) with the root set to ``course_dir``."""
    config = Config()
    path = course_dir / "nbgrader_config.py"
    if path.exists():
        config.merge(PyFileConfigLoader(path.name, path=str(course_dir)).load_config())
    config.CourseDirectory.root = str(course_dir)
    return config


SANDBOX_UID_BASE = 61000


def make_sandbox(hidden: Iterable[str | os.PathLike] = (), uid: int | None = None) -> Sandbox:
    """The sandbox of a worker: hide the usual places plus ``hidden`` (course, state…).

    A worker running as root runs kernels as unprivileged uids (``SANDBOX_UID_BASE`` + slot),
    which also makes the process limit per kernel. That needs the Python installation to be
    reachable by other users; where it is not (e.g. a Python under a private home), the
    kernel runs as root mapped into its own user namespace, every other restriction holds,
    and the process limit cannot be enforced — a warning says so on every job.
    """
    if uid is None and os.geteuid() == 0:
        blocked = [p for p in (os.path.realpath(sys.executable), *python_paths()) if not reachable_by_others(p)]
        if not blocked:
            uid = SANDBOX_UID_BASE
        else:
            log.warning(NO_UID_WARNING, blocked[0])
    return Sandbox(
        hidden=tuple(sorted({*default_hidden(), *map(str, hidden)})),
        readonly=python_paths(),
        uid=uid,
    )


def _pipeline(config: Config) -> list:
    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    configured = config.Autograde.get("autograde_preprocessors")
    if configured:
        steps = list(configured)
    return [SandboxedExecute if step is Execute else step for step in steps]


# --- worker process state ---------------------------------------------------------------

_worker: dict = {}


def _init_worker(sandbox: Sandbox | None, limits: Limits, base_dir: str, slot_uids: list[int] | None) -> None:
    warnings.filterwarnings("ignore")
    if sandbox is not None and slot_uids:
        # one uid per worker process: per-user process limits stay per kernel
        ident = multiprocessing.current_process()._identity
        index = (ident[0] - 1) % len(slot_uids) if ident else 0
        sandbox = dataclasses.replace(sandbox, uid=slot_uids[index])
    pool = KernelPool(sandbox, limits, base_dir=Path(base_dir) / f"w{os.getpid()}")
    atexit.register(pool.close)
    SandboxedExecute.pool = pool
    SandboxedExecute.limits = limits
    _worker["pool"] = pool


def grade_one(course_dir: str, assignment: str, student: str) -> GradeResult:
    """Grade one student's submission with nbgrader's Autograde converter."""
    course = Path(course_dir)
    config = course_config(course)
    config.Autograde.autograde_preprocessors = _pipeline(config)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    converter = Autograde(coursedir=coursedir, config=config)
    converter.force = True
    converter.create_student = True
    converter.log.setLevel(logging.WARNING)
    execute_module.GRADING_NOTES.clear()
    execute_module.WORKER_ERRORS.clear()
    try:
        converter.start()
    except Exception as exc:  # nbgrader raises plain exceptions; keep the other students going
        error = "; ".join(execute_module.WORKER_ERRORS) or f"{type(exc).__name__}: {exc}"
        return GradeResult(student, assignment, ok=False, error=error)
    notes = sorted({n for ns in execute_module.GRADING_NOTES.values() for n in ns})
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            sub = gb.find_submission(assignment, student)
            cells = {g.name: [g.score, g.max_score] for nb in sub.notebooks for g in nb.grades}
            return GradeResult(
                student, assignment, ok=True, score=sub.score, max_score=sub.max_score, notes=notes, cells=cells
            )
        except MissingEntry:
            return GradeResult(student, assignment, ok=False, notes=notes, error="no autograded submission recorded")


def _grade_task(args: tuple[str, str, str]) -> GradeResult:
    return grade_one(*args)


def default_workers() -> int:
    """Three grading processes per core: each spends part of its time waiting for its
    kernel to come up or to answer, and the others use the core meanwhile."""
    return 3 * (os.cpu_count() or 1)


def submitted_students(course_dir: Path, assignment: str) -> list[str]:
    submitted = course_dir / "submitted"
    if not submitted.is_dir():
        return []
    return sorted(p.name for p in submitted.iterdir() if (p / assignment).is_dir())


def grade_course(
    course_dir: str | os.PathLike,
    assignment: str,
    students: list[str] | None = None,
    workers: int | None = None,
    limits: Limits | None = None,
    sandboxed: bool = True,
    hidden: Iterable[str | os.PathLike] = (),
    progress: Callable[[GradeResult], None] | None = None,
    scratch: str | os.PathLike | None = None,
) -> list[GradeResult]:
    """Grade ``assignment`` for ``students`` (default: every submitted one) in parallel."""
    course = Path(course_dir).resolve()
    students = students if students is not None else submitted_students(course, assignment)
    limits = limits or Limits()
    workers = max(1, min(workers or default_workers(), len(students) or 1))
    # kernels' working directories: reachable by the sandbox uids, never inside the course
    scratch_dir = Path(tempfile.mkdtemp(prefix="mesolab-grading-", dir=scratch))
    scratch_dir.chmod(0o711)
    sandbox = None
    slot_uids = None
    if sandboxed:
        # the course itself (solutions in source/, other submissions, the gradebook) is hidden
        sandbox = make_sandbox([course, *hidden])
        check_sandbox(sandbox, scratch_dir)
        if sandbox.uid is not None:
            slot_uids = [sandbox.uid + i for i in range(workers)]
    else:
        log.warning(UNSANDBOXED_WARNING)
    results: list[GradeResult] = []
    tasks = [(str(course), assignment, s) for s in students]
    ctx = multiprocessing.get_context("fork")
    init = (sandbox, limits, str(scratch_dir), slot_uids)
    try:
        with ctx.Pool(workers, initializer=_init_worker, initargs=init) as pool:
            for result in pool.imap_unordered(_grade_task, tasks):
                if not sandboxed:
                    result.notes.append("unsandboxed")
                results.append(result)
                if progress:
                    progress(result)
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)
    return sorted(results, key=lambda r: r.student)
