"""Database-agnostic backup and restore of the central record.

A backup is a gzip-compressed JSON-lines file: a header line (format, migration revision,
time, source database kind), then for each table in dependency order a ``table`` line
followed by one line per row (values in column order; dates and times as ISO 8601), and a
closing line with the row counts. It is read in one consistent snapshot (REPEATABLE READ on
PostgreSQL, one read transaction on SQLite), so a backup taken from SQLite restores into
PostgreSQL and back.

Restore migrates the target to the backup's revision, inserts every row with its primary
key, resets PostgreSQL's id sequences, then migrates to the head. It refuses a database
that already holds data unless ``force=True``, which first drops the record's tables.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Date, Engine, Integer, LargeBinary, func, insert, select, text
from sqlalchemy.sql.schema import Table

from . import db
from .errors import DatabaseError
from .models import TABLES_IN_ORDER, UTCDateTime, utcnow

FORMAT = "mesolab-record-backup"
FORMAT_VERSION = 1
BATCH = 1000
Progress = Callable[[str, int], None]


def _encode(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):  # stored files (e.g. attached notebooks): base64
        return base64.b64encode(value).decode("ascii")
    return value


def _decoder(table: Table, columns: list[str]) -> list[Callable]:
    out = []
    for name in columns:
        col_type = table.c[name].type
        if isinstance(col_type, UTCDateTime):
            out.append(lambda v: None if v is None else dt.datetime.fromisoformat(v))
        elif isinstance(col_type, Date):
            out.append(lambda v: None if v is None else dt.date.fromisoformat(v))
        elif isinstance(col_type, LargeBinary):
            out.append(lambda v: None if v is None else base64.b64decode(v))
        else:
            out.append(lambda v: v)
    return out


def backup(engine: Engine, path: str | Path, progress: Progress | None = None) -> dict[str, int]:
    """Write a backup of the record at ``engine`` to ``path``; return the row count per table."""
    db.check_current(engine)
    revision = db.current_revision(engine)
    counts: dict[str, int] = {}
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    tmp = Path(str(path) + ".partial")
    try:
        with conn, conn.begin(), gzip.open(tmp, "wt", encoding="utf-8") as out:
            header = {"format": FORMAT, "version": FORMAT_VERSION, "revision": revision}
            header |= {"created_at": utcnow().isoformat(), "source": engine.dialect.name}
            out.write(json.dumps(header) + "\n")
            for table in TABLES_IN_ORDER:
                columns = [c.name for c in table.columns]
                out.write(json.dumps({"table": table.name, "columns": columns}) + "\n")
                n = 0
                result = conn.execution_options(yield_per=BATCH).execute(
                    select(table).order_by(*table.primary_key.columns)
                )
                for row in result:
                    out.write(json.dumps([_encode(v) for v in row], ensure_ascii=False) + "\n")
                    n += 1
                counts[table.name] = n
                if progress:
                    progress(table.name, n)
            out.write(json.dumps({"end": True, "counts": counts}) + "\n")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return counts


def _read(path: Path):
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            yield from (json.loads(line) for line in f)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DatabaseError(f"{path}: not a readable MësoLab backup ({exc})") from None


def _holds_data(engine: Engine) -> bool:
    names = set(db.table_names(engine))
    with engine.connect() as conn:
        for table in TABLES_IN_ORDER:
            if table.name in names and conn.execute(select(func.count()).select_from(table)).scalar():
                return True
    return False


def _drop_everything(engine: Engine) -> None:
    if db.current_revision(engine) is not None:
        db.downgrade(engine, "base")


def _reset_sequences(conn, tables: list[Table]) -> None:
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        if "id" in table.c and isinstance(table.c.id.type, Integer):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                )
            )


def restore(
    engine: Engine, path: str | Path, *, force: bool = False, progress: Progress | None = None
) -> dict[str, int]:
    """Restore the backup at ``path`` into the database of ``engine``; return row counts."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(f"{path}: backup file not found")
    lines = _read(path)
    header = next(lines, None)
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise DatabaseError(f"{path}: not a MësoLab backup (no {FORMAT} header)")
    if header.get("version") != FORMAT_VERSION:
        raise DatabaseError(f"{path}: backup format version {header.get('version')} is not supported")
    if _holds_data(engine):
        if not force:
            raise DatabaseError(
                "the target database already holds data: restore into an empty database, or pass --force to replace it"
            )
        _drop_everything(engine)
    elif db.current_revision(engine) not in (None, header["revision"]):
        _drop_everything(engine)
    db.upgrade(engine, header["revision"])
    tables = {t.name: t for t in TABLES_IN_ORDER}
    counts: dict[str, int] = {}
    done: list[Table] = []
    finished = False
    with engine.begin() as conn:
        table = decoders = columns = None
        batch: list[dict] = []

        def flush():
            if batch:
                conn.execute(insert(table), batch)
                counts[table.name] = counts.get(table.name, 0) + len(batch)
                batch.clear()

        for item in lines:
            if isinstance(item, dict) and "table" in item:
                flush()
                if table is not None and progress:
                    progress(table.name, counts.get(table.name, 0))
                table = tables.get(item["table"])
                if table is None:
                    raise DatabaseError(f"{path}: unknown table {item['table']!r} in the backup")
                columns = item["columns"]
                decoders = _decoder(table, columns)
                counts[table.name] = 0
                done.append(table)
            elif isinstance(item, dict) and item.get("end"):
                flush()
                if table is not None and progress:
                    progress(table.name, counts.get(table.name, 0))
                expected = item.get("counts", {})
                if expected != counts:
                    raise DatabaseError(f"{path}: row counts {counts} differ from the backup's {expected}")
                finished = True
                break
            elif isinstance(item, list) and table is not None:
                batch.append({c: dec(v) for c, dec, v in zip(columns, decoders, item, strict=True)})
                if len(batch) >= BATCH:
                    flush()
            else:
                raise DatabaseError(f"{path}: unexpected line in the backup: {str(item)[:80]}")
        if not finished:
            raise DatabaseError(f"{path}: the backup is truncated (no closing line); nothing was restored")
        _reset_sequences(conn, done)
    db.upgrade(engine, "head")
    return counts
