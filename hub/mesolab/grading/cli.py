"""``mesolab autograde COURSE_DIR ASSIGNMENT``: grade a standard nbgrader course directory.

Writes the same gradebook entries and ``autograded/`` notebooks as ``nbgrader autograde``,
with student code sandboxed and several students graded at once.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ..errors import MesoLabError
from .engine import grade_course, submitted_students
from .sandbox import Limits

NOTE_TEXT = {
    "dead": "kernel stopped",
    "wall": "time limit",
    "timeout": "cell interrupted",
    "output": "output truncated",
    "unsandboxed": "UNSANDBOXED",
}


def _run(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    logging.getLogger("traitlets").setLevel(logging.WARNING)
    course = Path(args.course_dir)
    if not (course / "submitted").is_dir():
        raise MesoLabError(f"{course}: no submitted/ folder here — is this an nbgrader course directory?")
    students = args.student or submitted_students(course, args.assignment)
    if not students:
        raise MesoLabError(f"{course}: nobody has submitted '{args.assignment}'")
    try:
        limits = Limits.from_dict(json.loads(args.limits) if args.limits else None)
    except (ValueError, TypeError) as exc:
        raise MesoLabError(f"--limits: {exc}") from None
    failed = 0
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    ) as bar:
        task = bar.add_task(f"autograde {args.assignment}", total=len(students))

        def progress(result):
            nonlocal failed
            notes = ", ".join(NOTE_TEXT.get(n, n) for n in result.notes)
            if result.ok:
                line = f"{result.student}: {result.score:g}/{result.max_score:g}"
            else:
                failed += 1
                line = f"{result.student}: FAILED {result.error}"
            bar.console.print(line + (f" ({notes})" if notes else ""))
            bar.advance(task)

        grade_course(
            course,
            args.assignment,
            students=students,
            workers=args.workers,
            limits=limits,
            sandboxed=not args.unsandboxed,
            progress=progress,
        )
    return 1 if failed else 0


def register(sub) -> None:
    p = sub.add_parser("autograde", help="autograde an nbgrader course directory (sandboxed, in parallel)")
    p.add_argument("course_dir", help="nbgrader course directory (with submitted/)")
    p.add_argument("assignment", help="assignment name")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--workers", type=int, help="parallel workers (default: one per core)")
    p.add_argument("--limits", help='JSON limits, e.g. \'{"memory_mb": 2048, "wall_seconds": 300}\'')
    p.add_argument(
        "--unsandboxed",
        action="store_true",
        help="DEVELOPMENT ONLY: run student code without a sandbox (warns on every notebook)",
    )
    p.set_defaults(func=_run)
