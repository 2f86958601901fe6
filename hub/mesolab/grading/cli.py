"""``mesolab autograde COURSE_DIR ASSIGNMENT``: grade a standard nbgrader course directory.

Writes the same gradebook entries and ``autograded/`` notebooks as ``nbgrader autograde``,
with student code sandboxed and several students graded at once.
"""

from __future__ import annotations

import json
import logging
import os
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
    register_worker(sub)


def _service_url(args) -> str:
    if args.service_url:
        return args.service_url
    if os.environ.get("MESOLAB_SERVICE_URL"):
        return os.environ["MESOLAB_SERVICE_URL"]
    from ..config.spawner import service_url
    from ..settings import load_settings

    return service_url(load_settings(args.settings))


def _token() -> str:
    token = os.environ.get("MESOLAB_GRADER_TOKEN") or os.environ.get("JUPYTERHUB_API_TOKEN")
    if not token:
        raise MesoLabError(
            "no API token: set MESOLAB_GRADER_TOKEN (the hub sets JUPYTERHUB_API_TOKEN for its services)"
        )
    return token


def _worker(args) -> int:
    from .engine import check_sandbox, default_workers, make_sandbox
    from .worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        limits = Limits.from_dict(json.loads(args.limits) if args.limits else None)
    except (ValueError, TypeError) as exc:
        raise MesoLabError(f"--limits: {exc}") from None
    if not args.unsandboxed:
        # refuse loudly before any job is taken when the sandbox cannot be set up here
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp).chmod(0o711)
            check_sandbox(make_sandbox(), Path(tmp))
    return run_worker(_service_url(args), _token(), args.processes or default_workers(), not args.unsandboxed, limits)


def _progress(args) -> int:
    import time

    import httpx
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    url = (
        _service_url(args).rstrip("/") + f"/api/v1/grading/courses/{args.course}/assignments/{args.assignment}/progress"
    )
    headers = {"Authorization": f"token {_token()}"}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()) as bar:
        task = bar.add_task("grading", total=None)
        while True:
            r = httpx.get(url, headers=headers, timeout=30)
            if r.status_code != 200:
                raise MesoLabError(f"{r.status_code}: {r.text}")
            p = r.json()
            done = p["graded"] + p["failed"]
            bar.update(
                task,
                total=p["total"],
                completed=done,
                description=f"queued {p['queued']} · running {p['running']} · failed {p['failed']}",
            )
            if not args.follow or (p["total"] and done == p["total"]):
                return 0
            time.sleep(1)


def register_worker(sub) -> None:
    p = sub.add_parser("worker", help="grade queued submissions (sandboxed), taking jobs from the MësoLab service")
    p.add_argument("--processes", type=int, help="grading processes (default: three per core)")
    p.add_argument("--service-url", help="the service's URL (default $MESOLAB_SERVICE_URL or from the settings)")
    p.add_argument("--settings", help="settings file (default $MESOLAB_SETTINGS)")
    p.add_argument("--limits", help="JSON default limits of a notebook")
    p.add_argument("--unsandboxed", action="store_true", help="DEVELOPMENT ONLY: no sandbox (warns on every job)")
    p.set_defaults(func=_worker)
    p = sub.add_parser("grading-progress", help="show the grading progress of an assignment")
    p.add_argument("course", help="course code")
    p.add_argument("assignment", help="assignment name")
    p.add_argument("--follow", action="store_true", help="update until every submission is graded")
    p.add_argument("--service-url")
    p.add_argument("--settings")
    p.set_defaults(func=_progress)
