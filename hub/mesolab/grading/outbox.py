"""Delivery of the grade outbox into the central record: exactly once in effect.

:func:`deliver` takes pending outbox entries one by one; for each, in **one** transaction,
it ingests the grade event (:func:`mesolab.record.grades.ingest_grade_event`, idempotent by
event id, never letting an older version overwrite a newer one) and marks the entry
delivered. A crash before the commit leaves the entry pending and the grade unapplied; a
repeated delivery (e.g. by a second service replica) finds the event already ingested and
changes nothing. An entry the record refuses (say, the student was unenrolled meanwhile)
stays pending with its error (shown to teachers) and is retried at every round.

:func:`run_forever` is the service's background deliverer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ..errors import MesoLabError
from ..record import db
from ..record.grades import ingest_grade_event
from .models import GradeOutbox

log = logging.getLogger("mesolab.grading.outbox")

ACTOR = "mesolab-grader"


def pending_ids(session: Session, limit: int = 100) -> list[int]:
    query = select(GradeOutbox.id).where(GradeOutbox.delivered_at.is_(None)).order_by(GradeOutbox.id).limit(limit)
    return list(session.scalars(query))


def deliver_one(factory: sessionmaker[Session], entry_id: int) -> bool:
    """Deliver one entry; True when it is (now or already) delivered."""
    try:
        with db.transaction(factory, actor=ACTOR) as session:
            entry = session.get(GradeOutbox, entry_id)
            if entry is None or entry.delivered_at is not None:
                return True
            ingest_grade_event(session, entry.payload, ACTOR)
            entry.delivered_at = dt.datetime.now(dt.UTC)
            entry.tries += 1
            entry.last_error = None
        return True
    except MesoLabError as exc:
        with db.transaction(factory, actor=ACTOR) as session:
            entry = session.get(GradeOutbox, entry_id)
            if entry is not None and entry.delivered_at is None:
                entry.tries += 1
                entry.last_error = exc.message[:2000]
        log.warning("grade %s not delivered (try %s): %s", entry_id, entry.tries if entry else "?", exc.message)
        return False


def deliver(factory: sessionmaker[Session], limit: int = 100) -> int:
    """Deliver pending entries; return how many were delivered."""
    with factory() as session:
        ids = pending_ids(session, limit)
    return sum(1 for entry_id in ids if deliver_one(factory, entry_id))


async def run_forever(factory: sessionmaker[Session], every: float = 1.0) -> None:
    """The service's background deliverer (cancelled at shutdown)."""
    while True:
        try:
            delivered = await asyncio.to_thread(deliver, factory)
            if delivered:
                log.info("delivered %d grades to the central record", delivered)
        except Exception:  # keep delivering whatever happens to one round
            log.exception("grade delivery round failed")
        await asyncio.sleep(every)
