"""Command line of the central record: ``mesolab service``, ``db``, ``import`` and ``openapi``.

The database is ``--db-url`` if given, else ``service.db_url`` of the settings file
(``--settings`` or ``$MESOLAB_SETTINGS``), else ``mesolab.sqlite`` in its state directory.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
from pathlib import Path

from ..errors import MesoLabError
from ..settings import SETTINGS_ENV, Settings, load_settings
from . import db
from .errors import DatabaseError, ImportFailed


def _settings(args) -> Settings | None:
    path = getattr(args, "settings", None) or os.environ.get(SETTINGS_ENV)
    return load_settings(path) if path else None


def _db_url(args, settings: Settings | None) -> str:
    if getattr(args, "db_url", None):
        return args.db_url
    if os.environ.get("MESOLAB_DB_URL"):
        return os.environ["MESOLAB_DB_URL"]
    if settings is None:
        raise DatabaseError(f"which database? pass --db-url, or --settings (or set {SETTINGS_ENV})")
    return settings.section("service").get("db_url") or db.default_db_url(settings.state_dir)


def _engine(args):
    settings = _settings(args)
    return db.make_engine(_db_url(args, settings)), settings


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--settings", help=f"settings file (default: ${SETTINGS_ENV})")
    p.add_argument("--db-url", help="database URL (default: from the settings file)")


# --- mesolab service ----------------------------------------------------------------------


def cmd_service(args) -> int:
    import uvicorn

    from ..service.app import create_app
    from ..service.config import MesoLabService

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = _settings(args)
    config = MesoLabService.from_settings(settings, db_url=args.db_url, port=args.port)
    if not config.db_url:
        raise DatabaseError(f"which database? pass --db-url, or --settings (or set {SETTINGS_ENV})")
    engine = db.make_engine(config.db_url)
    if args.upgrade:
        db.upgrade(engine)
    app = create_app(config, engine, settings)
    uvicorn.run(app, host=config.ip, port=config.port, log_level="info", proxy_headers=True)
    return 0


# --- mesolab db ---------------------------------------------------------------------------


def cmd_upgrade(args) -> int:
    engine, settings = _engine(args)
    before = db.current_revision(engine)
    db.upgrade(engine, args.revision)
    after = db.current_revision(engine)
    if settings is not None:
        from .sync import ensure_schools

        with db.transaction(db.session_factory(engine), _actor()) as session:
            for change in ensure_schools(session, settings):
                print(change)
    print(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})"))
    return 0


def cmd_backup(args) -> int:
    from rich.console import Console

    from .backup import backup

    engine, _ = _engine(args)
    console = Console(stderr=True)
    counts = backup(engine, args.file, progress=lambda t, n: console.print(f"  {t}: {n} rows"))
    print(f"backed up {sum(counts.values())} rows to {args.file}")
    return 0


def cmd_restore(args) -> int:
    from rich.console import Console

    from .backup import restore

    engine, _ = _engine(args)
    console = Console(stderr=True)
    counts = restore(engine, args.file, force=args.force, progress=lambda t, n: console.print(f"  {t}: {n} rows"))
    print(f"restored {sum(counts.values())} rows from {args.file}")
    return 0


# --- mesolab import -----------------------------------------------------------------------


def cmd_import(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from .csvimport import run_import

    engine, _ = _engine(args)
    db.check_current(engine)
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read the file ({exc.strerror})") from None
    console = Console(stderr=True)
    factory = db.session_factory(engine)
    try:
        with Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
        ) as bar:
            task = bar.add_task(f"{'checking' if args.dry_run else 'importing'} {path.name}", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            with factory() as session:
                session.info["actor"] = _actor()
                report = run_import(
                    session, args.kind, data, dry_run=args.dry_run, school=args.school, progress=progress
                )
                if args.dry_run:
                    session.rollback()
                else:
                    session.commit()
    except ImportFailed as exc:
        for row in exc.report.get("errors", []):
            where = f"line {row['line']}: " if row.get("line") else ""
            console.print(f"  {where}{row['message']}")
        raise MesoLabError(f"{path.name}: {exc.message}") from None
    for row in report.errors:
        console.print(f"  line {row.line}: {row.message}")
    print(f"{path.name}: {report.summary()}" + (" (dry run)" if args.dry_run and report.ok else ""))
    return 0 if report.ok else 1


# --- mesolab openapi ----------------------------------------------------------------------


def cmd_openapi(args) -> int:
    from ..service.openapi import COMMITTED, write

    print(f"wrote {write(Path(args.file) if args.file else COMMITTED)}")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("service", help="run the central record service (the hub starts it)")
    _common(p)
    p.add_argument("--port", type=int, help="port (default: from JUPYTERHUB_SERVICE_URL or the settings file)")
    p.add_argument("--upgrade", action="store_true", help="migrate the database to the latest revision first")
    p.set_defaults(func=cmd_service)

    p = subparsers.add_parser("db", help="central record database: upgrade, backup, restore")
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION")
    q = dbsub.add_parser("upgrade", help="create or migrate the database to the latest revision")
    _common(q)
    q.add_argument("--revision", default="head", help=argparse.SUPPRESS)
    q.set_defaults(func=cmd_upgrade)
    q = dbsub.add_parser("backup", help="write a backup of every table (restorable into SQLite or PostgreSQL)")
    _common(q)
    q.add_argument("file", help="backup file to write (.jsonl.gz)")
    q.set_defaults(func=cmd_backup)
    q = dbsub.add_parser("restore", help="restore a backup into an empty database")
    _common(q)
    q.add_argument("file", help="backup file to read")
    q.add_argument("--force", action="store_true", help="replace a database that already holds data")
    q.set_defaults(func=cmd_restore)

    p = subparsers.add_parser("import", help="import people or enrolments from a CSV file")
    _common(p)
    p.add_argument("kind", choices=["people", "enrolments"])
    p.add_argument("file", help="CSV file (UTF-8; ';' or ',' separated; columns in docs/record.md)")
    p.add_argument("--dry-run", action="store_true", help="check every row and report; change nothing")
    p.add_argument("--school", help="the school of every row (fills empty school cells)")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("openapi", help="regenerate docs/openapi.json of the service's API")
    p.add_argument("file", nargs="?", help="where to write (default: docs/openapi.json of the checkout)")
    p.set_defaults(func=cmd_openapi)
