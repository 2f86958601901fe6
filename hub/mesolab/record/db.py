"""Engines, sessions and migrations of the central record.

``make_engine(url)`` returns an engine for SQLite (a file, WAL journal, foreign keys on) or
PostgreSQL (psycopg 3). ``upgrade(engine)`` runs the Alembic migrations shipped in
``mesolab/record/migrations`` programmatically — no ``alembic.ini`` is needed.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from . import audit  # noqa: F401 (registers the audit hook on every session)
from .errors import DatabaseError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Execution option marking a transaction that will write (SQLite: BEGIN IMMEDIATE).
WRITE = "mesolab_write"


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver for both."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def default_db_url(state_dir: Path) -> str:
    return f"sqlite:///{Path(state_dir) / 'mesolab.sqlite'}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy drive transactions (so SAVEPOINT works), then tune the connection.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the write lock up front (BEGIN IMMEDIATE): a deferred transaction that
        # reads, then writes after another writer committed, would fail instead of waiting.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for ``url`` (``sqlite:///file`` or ``postgresql+psycopg://…``)."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _sqlite_setup(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    raise DatabaseError(
        f"unsupported database URL {parsed.render_as_string()!r}: use sqlite:/// or postgresql+psycopg://"
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], actor: str = "system"):
    """A session in one transaction, committed on success, with ``actor`` for the audit log."""
    with factory() as session:
        session.info["actor"] = actor
        with session.begin():
            for_writing(session)
            yield session


def for_writing(session: Session) -> None:
    """Mark the session's transaction as one that writes (call before its first query)."""
    session.connection(execution_options={WRITE: True})


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database of ``engine`` up to ``revision``."""
    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as exc:
        raise DatabaseError(f"cannot migrate the database: {exc.orig}") from None


def downgrade(engine: Engine, revision: str = "-1") -> None:
    """Migrate the database of ``engine`` down to ``revision`` (default: one step)."""
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head
    return head


def check_current(engine: Engine) -> None:
    """Raise a clear :class:`DatabaseError` unless the database is at the migration head."""
    try:
        current = current_revision(engine)
    except OperationalError as exc:
        raise DatabaseError(f"cannot reach the database: {exc.orig}") from None
    head = head_revision()
    if current != head:
        raise DatabaseError(
            f"the database is at revision {current or 'none (empty)'} but this MësoLab needs {head}: "
            "run `mesolab db upgrade`"
        )


def table_names(engine: Engine) -> list[str]:
    return inspect(engine).get_table_names()
