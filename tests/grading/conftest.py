"""The queue tests reuse the central record's database fixtures (``engine`` on SQLite and
PostgreSQL, the seeded ``world``) from ``tests/record/conftest.py``."""

from hubtools import record_fixtures

record_fixtures(globals())
