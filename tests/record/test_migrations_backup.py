"""Migrations (empty → head, one step down and up) and backup/restore across databases."""

import gzip
import json

import pytest
from recordtools import seed_world
from sqlalchemy import select, text

from mesolab.record import db
from mesolab.record.backup import backup, restore
from mesolab.record.errors import DatabaseError
from mesolab.record.models import TABLES_IN_ORDER


def test_upgrade_from_empty_and_downgrade_one_step(empty_engine):
    assert db.current_revision(empty_engine) is None
    with pytest.raises(DatabaseError, match="mesolab db upgrade"):
        db.check_current(empty_engine)
    db.upgrade(empty_engine)
    head = db.head_revision()
    assert db.current_revision(empty_engine) == head
    assert {t.name for t in TABLES_IN_ORDER} <= set(db.table_names(empty_engine))
    db.downgrade(empty_engine, "0001")
    assert db.current_revision(empty_engine) == "0001"
    names = set(db.table_names(empty_engine))
    assert "grades" in names and "audit_log" not in names and "grade_events" not in names
    db.upgrade(empty_engine)
    assert db.current_revision(empty_engine) == head
    db.downgrade(empty_engine, "base")
    assert set(db.table_names(empty_engine)) <= {"alembic_version"}


def test_audit_log_is_append_only(engine, world):
    for statement in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))


def dump(engine) -> dict:
    out = {}
    with engine.connect() as conn:
        for table in TABLES_IN_ORDER:
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
    return out


def test_backup_restore_round_trip(engine, world, tmp_path, empty_engine):
    path = tmp_path / "record.jsonl.gz"
    counts = backup(engine, path)
    assert counts["people"] == 11 and counts["audit_log"] > 0
    header = json.loads(gzip.open(path, "rt", encoding="utf-8").readline())
    assert header["revision"] == db.head_revision()
    assert restore(empty_engine, path) == counts
    assert dump(empty_engine) == dump(engine)
    # ids continue after the restored ones (PostgreSQL sequences are reset)
    sessions = db.session_factory(empty_engine)
    with pytest.raises(DatabaseError, match="already holds data"):
        restore(empty_engine, path)
    restore(empty_engine, path, force=True)
    assert dump(empty_engine) == dump(engine)
    with db.transaction(sessions, "t") as s:
        from mesolab.record.models import Person

        p = Person(username="pas-rikthimit", first_name="Ëma", last_name="Çoba", school_id="ict-tirana", role="student")
        s.add(p)
        s.flush()
        assert p.id > world.people["admin.kombetar"]


@pytest.mark.postgres
def test_sqlite_backup_restores_into_postgresql(tmp_path, postgres_server):
    source = db.make_engine(f"sqlite:///{tmp_path / 'source.sqlite'}")
    db.upgrade(source)
    seed_world(db.session_factory(source))
    target = db.make_engine(postgres_server.create())
    try:
        backup(source, tmp_path / "b.jsonl.gz")
        restore(target, tmp_path / "b.jsonl.gz")
        assert dump(target) == dump(source)
        backup(target, tmp_path / "back.jsonl.gz")
        again = db.make_engine(f"sqlite:///{tmp_path / 'again.sqlite'}")
        restore(again, tmp_path / "back.jsonl.gz")
        assert dump(again) == dump(source)
        again.dispose()
    finally:
        source.dispose()
        target.dispose()


def test_restore_refuses_garbage(tmp_path, empty_engine):
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(DatabaseError, match="not a readable"):
        restore(empty_engine, bad)
    truncated = tmp_path / "t.jsonl.gz"
    with gzip.open(truncated, "wt") as f:
        f.write(json.dumps({"format": "mesolab-record-backup", "version": 1, "revision": "0002"}) + "\n")
        f.write(json.dumps({"table": "schools", "columns": ["id"]}) + "\n")
    with pytest.raises(DatabaseError, match="truncated"):
        restore(empty_engine, truncated)
