"""Plans are part of the record's backups: an attached notebook survives backup and restore,
from either database into the other's kind."""

from __future__ import annotations

import base64

from plantools import A, username
from sqlalchemy import select

from mesolab.plans.models import PLAN_TABLES, Evidence
from mesolab.record import db
from mesolab.record.backup import backup, restore
from mesolab.record.models import TABLES_IN_ORDER


def test_attachment_survives_backup_and_restore(api, engine, plans, tmp_path):
    student = username("nxenes", A)
    content = bytes(range(256)) * 10
    r = api.as_(student).post(
        f"/plans/{plans.plans[student]}/evidence",
        json={
            "plan_competency_id": plans.entries[student]["K1"],
            "kind": "attachment",
            "title": "binar",
            "content_base64": base64.b64encode(content).decode(),
        },
    )
    assert r.status_code == 201, r.text
    assert all(t in TABLES_IN_ORDER for t in PLAN_TABLES)
    path = tmp_path / "record.jsonl.gz"
    counts = backup(engine, path)
    assert counts["learning_plans"] == 4 and counts["plan_evidence"] == 1
    target = db.make_engine(f"sqlite:///{tmp_path / 'restored.sqlite'}")
    try:
        assert restore(target, path) == counts
        with db.session_factory(target)() as s:
            assert s.scalar(select(Evidence.content)) == content
    finally:
        target.dispose()
