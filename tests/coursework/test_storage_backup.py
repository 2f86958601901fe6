"""The storage never overwrites and writes atomically; backups carry the coursework tables;
the coursework changes are in the school's audit log."""

from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import select

from mesolab.coursework.models import COURSEWORK_TABLES
from mesolab.coursework.storage import KeyExists, LocalDirectoryStorage, Storage, check_key
from mesolab.record.backup import backup, restore
from mesolab.record.models import TABLES_IN_ORDER, AuditEntry

T, S = "mesues.ict", "nxenes.ict"


def test_local_storage_puts_once_and_atomically(tmp_path, monkeypatch):
    store = LocalDirectoryStorage(tmp_path / "s")
    store.put("a/b/1-x.tar.gz", io.BytesIO(b"first"))
    assert store.get("a/b/1-x.tar.gz") == b"first" and store.exists("a/b/1-x.tar.gz")
    with pytest.raises(KeyExists):
        store.put("a/b/1-x.tar.gz", io.BytesIO(b"second"))
    assert store.get("a/b/1-x.tar.gz") == b"first"
    assert list(store.list("a/")) == ["a/b/1-x.tar.gz"]
    for bad in ("../x", "/abs", "a//b", "a/./b", "a b"):
        with pytest.raises(ValueError):
            check_key(bad)

    def crash(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(Exception, match="No space left"):
        store.put("a/b/2-y.tar.gz", io.BytesIO(b"partial"))
    assert not store.exists("a/b/2-y.tar.gz")
    assert [p.name for p in (tmp_path / "s" / "a" / "b").iterdir()] == ["1-x.tar.gz"]  # no temporary left
    with pytest.raises(KeyError):
        store.open("a/b/2-y.tar.gz")


def test_storage_base_class_is_the_interface():
    store = Storage("s3://bucket/prefix")
    assert store.root == "s3://bucket/prefix" and store.local_path("k") is None
    for call in (lambda: store.put("k", io.BytesIO()), lambda: store.open("k"), lambda: store.exists("k")):
        with pytest.raises(NotImplementedError):
            call()


def _dump(engine) -> dict:
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in TABLES_IN_ORDER
        }


def test_backup_and_restore_round_trip_the_coursework(exchange_api, engine, empty_engine, tmp_path):
    api = exchange_api
    api.release(T, "PRG1")
    api.source(T, "PRG1")
    api.policy(T, "PRG1", due_at="2025-10-01T23:59:00", late_policy="penalty", penalty_per_day=5)
    sub = api.submit(S, "PRG1").json()
    api.feedback(T, sub["id"])
    assert {t.name for t in COURSEWORK_TABLES} <= {t.name for t in TABLES_IN_ORDER}
    counts = backup(engine, tmp_path / "b.jsonl.gz")
    for table in COURSEWORK_TABLES:
        assert counts[table.name] == 1, table.name
    assert restore(empty_engine, tmp_path / "b.jsonl.gz") == counts
    assert _dump(empty_engine) == _dump(engine)


def test_coursework_changes_are_audited_for_the_school(exchange_api, sessions):
    api = exchange_api
    api.release(T, "PRG1")
    api.submit(S, "PRG1")
    with sessions() as s:
        rows = s.execute(select(AuditEntry.entity, AuditEntry.actor, AuditEntry.school_id)).all()
    assert ("release", T, "ict-tirana") in rows
    assert ("submission", S, "ict-tirana") in rows
    audit = api.as_("drejtor.ict").get("/audit", params={"limit": 500})
    if audit.status_code == 200:
        assert "submission" in {e["entity"] for e in audit.json()["items"]}
