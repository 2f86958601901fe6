"""Fixtures of the learning-plan tests: the record's fixtures (SQLite and PostgreSQL, the seeded
world, the in-process API) plus a framework, templates and plans on top of that world."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

RECORD_TESTS = Path(__file__).resolve().parent.parent / "record"
sys.path.insert(0, str(RECORD_TESTS))
sys.path.insert(0, str(Path(__file__).resolve().parent))

_spec = importlib.util.spec_from_file_location("record_fixtures", RECORD_TESTS / "conftest.py")
record_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record_fixtures)

# the record's fixtures, reused as they are
postgres_server = record_fixtures.postgres_server
postgres_engine = record_fixtures.postgres_engine
backend = record_fixtures.backend
engine = record_fixtures.engine
empty_engine = record_fixtures.empty_engine
sessions = record_fixtures.sessions
world = record_fixtures.world
api = record_fixtures.api

from plantools import PlanWorld, seed_plan_world  # noqa: E402


@pytest.fixture
def plans(sessions, world) -> PlanWorld:
    """The world with a TIK-3 framework, a template per school, plans for every student."""
    return seed_plan_world(sessions, world)
