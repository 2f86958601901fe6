"""The notebook widgets, headless: their state after actions, saves reaching the record through
the in-process service, and a failed save shown and retried (never lost). SQLite only."""

from __future__ import annotations

import json

import httpx
import pytest
from plantools import A, username

from mesolab_lab import class_overview, my_plan, plan_for
from mesolab_lab.plans.client import SaveQueue, ServiceClient, service_url
from mesolab_lab.plans.widgets import ClassOverview, PlanView, find_notebooks


@pytest.fixture
def backend():
    """Widgets talk to the API; the API's database matrix is in test_permissions and test_api."""
    return "sqlite"


NXENES, NXENES2, MESUES = username("nxenes", A), username("nxenes2", A), username("mesues", A)


class Switchable(httpx.BaseTransport):
    """The in-process app, or — while ``down`` — a network that does not answer."""

    def __init__(self, inner: httpx.BaseTransport):
        self.inner, self.down, self.calls = inner, False, 0

    def handle_request(self, request):
        self.calls += 1
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return self.inner.handle_request(request)


@pytest.fixture
def transport(api):
    return Switchable(api.client._transport)


def client_for(transport, user) -> ServiceClient:
    return ServiceClient(
        "http://service/services/mesolab/", token="t", transport=transport, headers={"X-Test-User": user}
    )


def server_plan(api, who, plan_id):
    return api.as_(who).get(f"/plans/{plan_id}").json()


def test_student_sees_and_ticks_a_goal(api, plans, transport, tmp_path):
    view = my_plan(client=client_for(transport, NXENES), notebook_dir=tmp_path, retry_every=None)
    assert isinstance(view, PlanView) and view.mode == "student" and view.lang == "sq"
    assert [c["code"] for c in view.plan["competencies"]] == ["K1", "K2", "K3"]
    assert set(view.progress) == set(plans.entries[NXENES].values())
    html = " ".join(getattr(w, "value", "") for w in _all(view) if isinstance(getattr(w, "value", None), str))
    assert "Plani individual i të nxënit" in html and "Kompetenca K1" in html and "Pa kërkesë" in html
    goal_id = next(g["id"] for g in view.plan["goals"] if g["plan_competency_id"])
    view.goal_boxes[goal_id].value = True  # the student ticks it
    assert view.queue.state == "saved" and not view.queue.pending
    plan = server_plan(api, MESUES, plans.plans[NXENES])
    assert next(g for g in plan["goals"] if g["id"] == goal_id)["done"]
    assert view.entry("K1")["review_status"] == "waiting_for_review"  # reloaded from the record
    assert 'data-state="saved"' in view.status.value
    assert view.goal_boxes[goal_id].value is True
    # the English switch
    view.language.value = "en"
    texts = " ".join(w.value for w in _all(view) if isinstance(w, _html_type()))
    assert "Individual learning plan" in texts and "Waiting for review" in texts and "Competency K1" in texts


def test_failed_save_is_shown_queued_and_retried(api, plans, transport, tmp_path):
    view = my_plan(client=client_for(transport, NXENES), notebook_dir=tmp_path, retry_every=None)
    goal_id = next(g["id"] for g in view.plan["goals"] if g["plan_competency_id"])
    transport.down = True
    view.goal_boxes[goal_id].value = True
    assert view.queue.state == "unsaved" and len(view.queue.pending) == 1
    assert 'data-state="unsaved"' in view.status.value and "E paruajtur" in view.status.value
    assert view.retry_button.layout.display != "none"
    assert view.goal_boxes[goal_id].value is True  # still shown as done
    assert not next(g for g in server_plan(api, NXENES, plans.plans[NXENES])["goals"] if g["id"] == goal_id)["done"]
    view.queue.retry()  # still down: still queued, nothing lost
    assert view.queue.state == "unsaved" and view.queue.pending[0].attempts == 2
    transport.down = False
    view.retry_button.click()
    assert view.queue.state == "saved" and not view.queue.pending
    assert view.retry_button.layout.display == "none"
    assert next(g for g in server_plan(api, NXENES, plans.plans[NXENES])["goals"] if g["id"] == goal_id)["done"]


def test_saves_are_retried_automatically_and_in_order(api, plans, transport, tmp_path):
    import time

    view = my_plan(client=client_for(transport, NXENES), notebook_dir=tmp_path, retry_every=0.2)
    goals = [g["id"] for g in view.plan["goals"]]
    transport.down = True
    view.set_goal_done(goals[0], True)
    view.set_goal_done(goals[1], True)
    view.set_goal_done(goals[1], False)
    assert len(view.queue.pending) == 3 and "(3" in view.status.value
    transport.down = False
    deadline = time.monotonic() + 10
    while (view.queue.pending or view.queue.state != "saved") and time.monotonic() < deadline:
        time.sleep(0.05)
    view.queue.close()
    assert view.queue.state == "saved"
    done = {g["id"]: g["done"] for g in server_plan(api, NXENES, plans.plans[NXENES])["goals"]}
    assert done[goals[0]] is True and done[goals[1]] is False


def test_a_refused_save_is_reported_not_retried(api, plans, transport):
    client = client_for(transport, NXENES)
    queue_states = []
    queue = SaveQueue(client, on_change=lambda q: queue_states.append(q.state), retry_every=None)
    from mesolab_lab.plans.client import Save

    queue.submit(Save("PATCH", f"/plans/{plans.plans[NXENES2]}", {"status": "complete"}))
    assert queue.state == "failed" and not queue.pending and "no learning plan" in queue.error
    assert queue_states[-1] == "failed"


def test_student_attaches_a_notebook(api, plans, transport, tmp_path):
    (tmp_path / "detyra").mkdir()
    notebook = {"cells": [{"cell_type": "code", "source": "print('Tungjatjeta')"}], "nbformat": 4}
    (tmp_path / "detyra" / "ciklet.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    assert find_notebooks(tmp_path) == ["detyra/ciklet.ipynb"]
    view = my_plan(client=client_for(transport, NXENES), notebook_dir=tmp_path, retry_every=None)
    view.notebook_choice.value = "detyra/ciklet.ipynb"
    view.competency_choice.value = plans.entries[NXENES]["K2"]
    view.attach_button.click()
    assert view.queue.state == "saved"
    k2 = view.entry("K2")
    assert k2["review_status"] == "waiting_for_review"
    assert [(e["kind"], e["filename"], e["reference"]) for e in k2["evidence"]] == [
        ("attachment", "ciklet.ipynb", "detyra/ciklet.ipynb")
    ]
    r = api.as_(MESUES).get(f"/plans/{plans.plans[NXENES]}/evidence/{k2['evidence'][0]['id']}/content")
    assert json.loads(r.content) == notebook
    # too big: refused in the notebook, nothing sent
    (tmp_path / "big.ipynb").write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    calls = transport.calls
    view.attach_notebook("big.ipynb", plans.entries[NXENES]["K3"])
    assert transport.calls == calls and "2 MiB" in view.status.value


def test_teacher_comments_and_approves(api, plans, transport):
    api.as_(NXENES).patch(f"/plans/{plans.plans[NXENES]}/goals/{plans.goals[NXENES][0]}", json={"done": True})
    view = plan_for(NXENES, client=client_for(transport, MESUES), retry_every=None)
    assert isinstance(view, PlanView) and view.mode == "teacher"
    k1 = plans.entries[NXENES]["K1"]
    assert view.entry("K1")["review_status"] == "waiting_for_review"
    rating, comment, save, approve = view.review_controls[k1]
    assert rating.value == 3  # the target, as a starting point
    comment.value = "Shto edhe një shembull"
    save.click()
    assert view.entry("K1")["review_status"] == "in_review"
    rating, comment, save, approve = view.review_controls[k1]
    rating.value = 4
    comment.value = "Shkëlqyeshëm!"
    approve.click()
    assert view.queue.state == "saved"
    entry = server_plan(api, NXENES, plans.plans[NXENES])["competencies"][0]
    assert (entry["review_status"], entry["rating"]) == ("reviewed", 4)
    assert [r["comment"] for r in entry["reviews"]] == ["Shto edhe një shembull", "Shkëlqyeshëm!"]
    assert view.progress[k1].value == 4 and view.progress[k1].bar_style == "success"
    # the student's widget shows the comment
    student = my_plan(client=client_for(transport, NXENES), retry_every=None)
    texts = " ".join(w.value for w in _all(student) if isinstance(w, _html_type()))
    assert "Shkëlqyeshëm!" in texts and "I shqyrtuar" in texts


def test_class_overview_and_messages(api, world, plans, transport):
    api.as_(MESUES).post(
        f"/plans/{plans.plans[NXENES]}/competencies/{plans.entries[NXENES]['K1']}/reviews",
        json={"rating": 4, "approved": True},
    )
    view = class_overview("PRG1", client=client_for(transport, MESUES))
    assert isinstance(view, ClassOverview)
    table = view.table.value
    assert "mesolab-heatmap" in table and table.count("<tr>") == 3  # header + two students
    assert "hsl(120" in table and "✓" in table
    view.language.value = "en"
    assert "not rated" in view.table.value
    # a course the trainer does not train, an unknown course, a student without a plan
    trainer = client_for(transport, username("trajner", A))
    assert "PRG1" in class_overview("PRG1", client=trainer).value
    assert "NOPE" in class_overview("NOPE", client=client_for(transport, MESUES)).value
    assert "nobody" in plan_for("nobody", client=client_for(transport, MESUES)).value
    transport.down = True
    assert "nuk arrihet" in my_plan(client=client_for(transport, NXENES)).value


def test_service_url_from_the_environment():
    assert service_url({"MESOLAB_SERVICE_URL": "http://127.0.0.1:10101/services/mesolab"}) == (
        "http://127.0.0.1:10101/services/mesolab/"
    )
    derived = service_url({"JUPYTERHUB_API_URL": "http://10.0.0.5:8081/hub/api", "JUPYTERHUB_BASE_URL": "/jh/"})
    assert derived == "http://10.0.0.5:8081/jh/services/mesolab/"


def _html_type():
    import ipywidgets as W

    return W.HTML


def _all(widget):
    """Every widget inside ``widget``."""
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all(child)
