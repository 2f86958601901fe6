"""The cross-tenant matrix, on a real hub with real single-user servers.

For every ordered pair of distinct schools (A, B) and every role in A, a token of that role
gets no read, list, start, stop or access of any user or server of B. A national admin gets
all; a student gets nothing but their own; a teacher reaches their own school's students'
servers (start/stop) but not their content.
"""

from __future__ import annotations

import itertools
import time

import pytest

pytestmark = pytest.mark.slow

ROLES = ["school-admin", "teacher", "trainer", "student"]


def _members(hub, school, role=None):
    return [p.username for p in hub.people if p.school == school and (role is None or p.role == role)]


def _one(hub, school, role):
    return _members(hub, school, role)[0]


def _wait_ready(hub, username, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        user = hub.api.user(username)
        server = (user.get("servers") or {}).get("")
        if server and server.get("ready"):
            return
        time.sleep(0.5)
    raise TimeoutError(f"server of {username} not ready")


def _wait_stopped(hub, username, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not (hub.api.user(username).get("servers") or {}):
            return
        time.sleep(0.5)
    raise TimeoutError(f"server of {username} still running")


@pytest.fixture(scope="module")
def running(local_hub):
    """One running server per school: its second student's (started by the service)."""
    users = {s.id: _members(local_hub, s.id, "student")[1] for s in local_hub.settings.schools}
    for name in users.values():
        local_hub.api.post(f"/users/{name}/server", ok=(201, 202, 400))
    for name in users.values():
        _wait_ready(local_hub, name)
    yield users
    for name in users.values():
        local_hub.api.delete(f"/users/{name}/server", ok=(202, 204, 400))


def _schools(hub):
    return [s.id for s in hub.settings.schools]


PAIRS = list(itertools.permutations(["ict-tirana", "elektrik-durres", "hoteleri-vlore"], 2))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_role_of_a_gets_nothing_of_b(local_hub, running, a, b, role):
    actor = _one(local_hub, a, role)
    victims = _members(local_hub, b)
    with local_hub.as_user(actor) as client:
        # read any user of B
        for victim in victims:
            r = client.get(f"/hub/api/users/{victim}")
            assert r.status_code in (403, 404), (actor, victim, r.status_code)
        # list: no user of B appears
        r = client.get("/hub/api/users")
        listed = {u["name"] for u in r.json()} if r.status_code == 200 else set()
        assert not listed & set(victims), (actor, listed & set(victims))
        # groups of B are not readable
        for group in (b, f"{b}.students"):
            assert client.get(f"/hub/api/groups/{group}").status_code in (403, 404)
        # start a stopped server of B
        stopped = _members(local_hub, b, "student")[2]
        r = client.post(f"/hub/api/users/{stopped}/server")
        assert r.status_code in (403, 404), (actor, stopped, r.status_code)
        # stop the running server of B
        target = running[b]
        r = client.delete(f"/hub/api/users/{target}/server")
        assert r.status_code in (403, 404), (actor, target, r.status_code)
        # access the running server of B (the single-user server asks the hub)
        r = client.get(f"/user/{target}/api/status")
        assert r.status_code in (302, 403, 404), (actor, target, r.status_code)
        assert "kernels" not in r.text
    # nothing changed on B's side
    assert (local_hub.api.user(stopped).get("servers") or {}) == {}
    assert local_hub.api.user(target)["servers"][""]["ready"] is True


def test_national_admin_gets_all(local_hub, running):
    names = {p.username for p in local_hub.people}
    with local_hub.as_user("admin.kombetar") as client:
        listed = {u["name"] for u in client.get("/hub/api/users").json()}
        assert names <= listed
        for school in _schools(local_hub):
            assert client.get(f"/hub/api/users/{_one(local_hub, school, 'student')}").status_code == 200
            assert client.get(f"/hub/api/groups/{school}").status_code == 200
            # access a running server of every school
            r = client.get(f"/user/{running[school]}/api/status")
            assert r.status_code == 200 and "kernels" in r.json()


def test_national_admin_starts_and_stops_any_server(local_hub):
    target = _members(local_hub, "hoteleri-vlore", "student")[5]
    with local_hub.as_user("admin.kombetar") as client:
        assert client.post(f"/hub/api/users/{target}/server").status_code in (201, 202)
        _wait_ready(local_hub, target)
        assert client.delete(f"/hub/api/users/{target}/server").status_code in (202, 204)
        _wait_stopped(local_hub, target)


def test_student_gets_nothing_but_their_own(local_hub, running):
    me = _one(local_hub, "ict-tirana", "student")
    classmate = running["ict-tirana"]
    with local_hub.as_user(me) as client:
        assert client.get(f"/hub/api/users/{me}").status_code == 200
        r = client.get("/hub/api/users")
        listed = {u["name"] for u in r.json()} if r.status_code == 200 else set()
        assert listed <= {me}
        assert client.get(f"/hub/api/users/{classmate}").status_code in (403, 404)
        assert client.delete(f"/hub/api/users/{classmate}/server").status_code in (403, 404)
        assert client.get(f"/user/{classmate}/api/status").status_code in (302, 403, 404)
        assert client.get("/hub/api/groups/ict-tirana").status_code in (403, 404)


def test_teacher_reaches_own_students_servers_but_not_their_content(local_hub, running):
    teacher = _one(local_hub, "ict-tirana", "teacher")
    student = running["ict-tirana"]
    with local_hub.as_user(teacher) as client:
        listed = {u["name"] for u in client.get("/hub/api/users").json()}
        assert set(_members(local_hub, "ict-tirana")) <= listed
        assert all("ict-tirana" in local_hub.api.user(name)["groups"] for name in listed)
        # content of a student's server goes through the course tools, never direct access
        assert client.get(f"/user/{student}/api/status").status_code in (302, 403, 404)
        # cannot stop the school admin's or another teacher's server (only students')
        other_teacher = _members(local_hub, "ict-tirana", "teacher")[1]
        assert client.post(f"/hub/api/users/{other_teacher}/server").status_code in (403, 404)
        # stop and start a student's server
        assert client.delete(f"/hub/api/users/{student}/server").status_code in (202, 204)
        _wait_stopped(local_hub, student)
        assert client.post(f"/hub/api/users/{student}/server").status_code in (201, 202)
        _wait_ready(local_hub, student)


def test_school_admin_manages_own_school(local_hub, running):
    admin = _one(local_hub, "elektrik-durres", "school-admin")
    with local_hub.as_user(admin) as client:
        listed = {u["name"] for u in client.get("/hub/api/users").json()}
        assert set(_members(local_hub, "elektrik-durres")) <= listed
        assert all("elektrik-durres" in local_hub.api.user(name)["groups"] for name in listed)
        assert client.get(f"/hub/api/users/{_one(local_hub, 'elektrik-durres', 'trainer')}").status_code == 200
        assert client.get("/hub/api/groups/elektrik-durres.students").status_code == 200
        # the admin page is available (filtered by the hub to their school)
        assert client.get("/hub/admin").status_code in (200, 302)
