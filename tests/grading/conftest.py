"""The queue tests reuse the central record's database fixtures (``engine`` on SQLite and
PostgreSQL, the seeded ``world``) from ``tests/record/conftest.py``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

RECORD_TESTS = Path(__file__).resolve().parent.parent / "record"
if str(RECORD_TESTS) not in sys.path:
    sys.path.insert(0, str(RECORD_TESTS))


def _record_fixtures():
    spec = importlib.util.spec_from_file_location("mesolab_record_fixtures_for_grading", RECORD_TESTS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_rf = _record_fixtures()
postgres_server = _rf.postgres_server
postgres_engine = _rf.postgres_engine
backend = _rf.backend
engine = _rf.engine
sessions = _rf.sessions
world = _rf.world
