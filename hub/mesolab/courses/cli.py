"""``mesolab course new`` and ``mesolab course templates``.

``mesolab course new --school S --template T --lang sq|en`` adds a course made from a
template to the central record (database from ``--db-url`` or the settings file, as for
``mesolab db``) and writes its nbgrader material into ``DIR/<code>/`` (``--dir``, default
``./courses``). ``--no-record`` only writes the files (e.g. for a teacher's own machine).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import MesoLabError
from .templates import LANGS, list_templates


def cmd_templates(args) -> int:
    lang = args.lang
    for t in list_templates():
        limit = f", {t.time_limit_minutes} min" if t.time_limit_minutes else ""
        print(f"{t.id:<32} {t.kind:<10} {t.trade:<12} {t.title[lang]}{limit}")
        for a in t.assignments:
            points = f"{a.auto_points:g} auto + {a.manual_points:g} manual" if a.max_score else "not graded"
            print(f"{'':<34}- {a.name(lang)} ({points})")
    return 0


def cmd_new(args) -> int:
    from ..record import db
    from ..record.cli import _actor, _engine
    from .scaffold import new_course, write_course
    from .templates import get_template

    root = Path(args.dir).expanduser()
    if args.no_record:
        template = get_template(args.template)
        code = args.code or template.course_code
        target = write_course(root / code, template, args.lang, course_id=code)
        print(f"wrote {target} (not in the central record)")
        return 0
    if not args.school:
        raise MesoLabError("--school is needed (or --no-record to only write the files)")
    engine, _ = _engine(args)
    try:
        db.check_current(engine)
        with db.transaction(db.session_factory(engine), _actor()) as session:
            course = new_course(
                session,
                args.school,
                args.template,
                args.lang,
                code=args.code,
                name=args.name,
                year=args.year,
                term=args.term,
                teachers=args.teacher or (),
                root=root,
            )
            summary = f"{course.school_id}/{course.code} “{course.name}” (course {course.id})"
            code = course.code
    finally:
        engine.dispose()
    print(f"created {summary}")
    print(f"nbgrader material in {root / code}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("course", help="courses from templates: new, templates")
    sub = p.add_subparsers(dest="course_command", metavar="ACTION")

    q = sub.add_parser("templates", help="list the course templates")
    q.add_argument("--lang", choices=LANGS, default="sq", help="language of the titles (default: sq)")
    q.set_defaults(func=cmd_templates)

    q = sub.add_parser("new", help="create a course from a template, in the record and on disk")
    q.add_argument("--school", help="the school's id (e.g. ict-tirana)")
    q.add_argument("--template", required=True, help="template id (see: mesolab course templates)")
    q.add_argument("--lang", required=True, choices=LANGS, help="language of the material")
    q.add_argument("--code", help="course code (default: the template's, e.g. TIK-10, made unique)")
    q.add_argument("--name", help="course name (default: the template's title)")
    q.add_argument("--year", type=int, help="school year, its first calendar year (default: the current one)")
    q.add_argument("--term", type=int, default=1, choices=[1, 2, 3, 4])
    q.add_argument("--teacher", action="append", metavar="USERNAME", help="enrol as teacher (repeatable)")
    q.add_argument("--dir", default="courses", help="where course directories go (default: ./courses)")
    q.add_argument("--no-record", action="store_true", help="only write the files; no central record")
    q.add_argument("--settings", help="settings file (default: $MESOLAB_SETTINGS)")
    q.add_argument("--db-url", help="database URL (default: from the settings file)")
    q.set_defaults(func=cmd_new)
    p.set_defaults(func=lambda args: p.print_help() or 1)
