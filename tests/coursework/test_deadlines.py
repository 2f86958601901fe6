"""Deadlines in the school's time zone, late policies and the hard close, with the test's clock."""

from __future__ import annotations

import datetime as dt

import pytest
from cwtools import EX

T, S = "mesues.ict", "nxenes.ict"
UTC = dt.UTC


@pytest.fixture
def released(exchange_api):
    assert exchange_api.release(T, "PRG1").status_code == 201
    return exchange_api


def test_deadline_is_in_the_schools_time_zone(released):
    api = released
    r = api.policy(T, "PRG1", due_at="2025-10-01T23:59:00", late_policy="penalty", penalty_per_day=10)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["due_at"].startswith("2025-10-01T21:59:00")  # CEST is UTC+2
    assert body["due_local"] == "2025-10-01 23:59 CEST" and body["timezone"] == "Europe/Tirane"
    winter = api.policy(T, "PRG1", due_at="2025-12-01T23:59:00").json()
    assert winter["due_at"].startswith("2025-12-01T22:59:00") and winter["due_local"] == "2025-12-01 23:59 CET"
    explicit = api.policy(T, "PRG1", due_at="2025-10-01T12:00:00+00:00").json()
    assert explicit["due_local"] == "2025-10-01 14:00 CEST"
    listed = api.as_(S).get(f"{EX}/courses/PRG1/assignments").json()
    assert listed[0]["due_local"] == "2025-10-01 14:00 CEST"


def test_penalty_per_day_and_hard_close(released, clock):
    api = released
    api.policy(
        T,
        "PRG1",
        due_at="2025-10-01T23:59:00",
        late_policy="penalty",
        penalty_per_day=10,
        hard_close_at="2025-10-04T23:59:00",
    )
    due = dt.datetime(2025, 10, 1, 21, 59, tzinfo=UTC)
    clock.set(due - dt.timedelta(minutes=1))
    on_time = api.submit(S, "PRG1").json()
    assert (on_time["late"], on_time["penalty_percent"]) == (False, 0)
    clock.set(due)
    assert api.submit(S, "PRG1").json()["late"] is False  # at the deadline is still on time
    clock.set(due + dt.timedelta(seconds=1))
    one = api.submit(S, "PRG1").json()
    assert (one["late"], one["days_late"], one["penalty_percent"], one["seconds_late"]) == (True, 1, 10, 1)
    clock.set(due + dt.timedelta(days=2, seconds=1))
    three = api.submit(S, "PRG1").json()
    assert (three["days_late"], three["penalty_percent"]) == (3, 30)

    clock.set(dt.datetime(2025, 10, 4, 22, 0, tzinfo=UTC))  # 00:00 on the 5th in Tirana
    closed = api.submit(S, "PRG1")
    assert closed.status_code == 403
    body = closed.json()
    assert body["error"] == "submissions-closed"
    assert "2025-10-04 23:59 CEST" in body["message"]
    assert "u mbyllën" in body["message"] and "closed" in body["message"]
    attempts = api.submissions(S, "PRG1").json()
    assert [a["attempt"] for a in attempts] == [1, 2, 3, 4]  # earlier attempts intact


def test_zero_and_accept_policies(released, clock):
    api = released
    api.policy(T, "PRG1", due_at="2025-10-01T12:00:00+00:00", late_policy="zero")
    clock.set(dt.datetime(2025, 10, 3, tzinfo=UTC))
    zero = api.submit(S, "PRG1").json()
    assert (zero["late"], zero["late_policy"], zero["penalty_percent"]) == (True, "zero", 100)
    api.policy(T, "PRG1", due_at="2025-10-01T12:00:00+00:00", late_policy="accept")
    accepted = api.submit(S, "PRG1").json()
    assert (accepted["late"], accepted["late_policy"], accepted["penalty_percent"]) == (True, "accept", 0)
    capped = api.policy(T, "PRG1", due_at="2025-10-01T12:00:00+00:00", late_policy="penalty", penalty_per_day=40)
    assert capped.status_code == 200
    clock.set(dt.datetime(2025, 10, 10, tzinfo=UTC))
    assert api.submit(S, "PRG1").json()["penalty_percent"] == 100  # never more than everything


def test_policy_validation(released):
    api = released
    bad = api.policy(T, "PRG1", due_at="2025-10-05T00:00:00", hard_close_at="2025-10-01T00:00:00")
    assert bad.status_code == 422
    assert api.policy(T, "PRG1", late_policy="sometimes").status_code == 422
    assert api.policy(T, "PRG1", late_policy="penalty", penalty_per_day=101).status_code == 422
    assert api.policy(T, "PRG1", name="nope", late_policy="accept").status_code == 404
