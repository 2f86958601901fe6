"""Alembic migrations of the central record (run by :func:`mesolab.record.db.upgrade`)."""
