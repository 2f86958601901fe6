"""The living demo: at first login every school has a released assignment and graded work."""

from __future__ import annotations

import time

import pytest

from hubtools import RunningHub, start_hub
from mesolab.demo import demo_people, provision_demo
from mesolab.hubapi import HubAPI

pytestmark = pytest.mark.slow


def test_demo_seeds_released_and_graded_coursework(tmp_path):
    hub, settings, secrets = start_hub(tmp_path)
    api = HubAPI(hub.api_url, secrets.service_token)
    try:
        changes = provision_demo(settings, api)
        assert any(c.startswith("released TIK-10/") for c in changes)
        assert sum("handed in" in c for c in changes) == 9
        running = RunningHub(settings=settings, process=hub, api=api, people=demo_people(settings))
        deadline = time.monotonic() + 240
        by_school = {}
        while time.monotonic() < deadline:
            for school, teacher in (
                ("ict", "mesues1.ict"),
                ("elektrik", "mesues1.elektrik"),
                ("hoteleri", "mesues1.hoteleri"),
            ):
                with running.as_user(teacher) as client:
                    items = client.get("/services/mesolab/api/v1/grades", params={"limit": 100}).json()["items"]
                by_school[school] = sorted(g["score"] / g["max_score"] for g in items if g["source"] == "autograde")
            if all(len(v) == 3 for v in by_school.values()):
                break
            time.sleep(2)
        # per school: the reference solution, a printed (not returned) answer and an empty one
        for school, fractions in by_school.items():
            assert len(fractions) == 3, (school, fractions)
            assert fractions[0] == 0.0 and fractions[-1] > 0.5, (school, fractions)
        # a student sees the released assignment in the exchange's list
        with running.as_user("nxenes05.ict") as client:
            listed = client.get("/services/mesolab/api/v1/exchange/courses/TIK-10/assignments").json()
            assert listed, listed
        # running the demo's provisioning again changes nothing
        assert provision_demo(settings, api) == []
    finally:
        api.close()
        hub.stop()
