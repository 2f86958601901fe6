"""``mesolab worker``: grading processes that take jobs from the service's queue.

A worker talks only to the MësoLab service's API, with its hub API token (it is the hub
service ``mesolab-grader``): it claims a job, downloads the assignment's source and the
submission, grades it with :func:`mesolab.grading.engine.grade_one` in the sandbox, renews
its lease while grading, and reports the result (or the failure). It holds no database
credentials and reads no storage directly. A worker killed at any moment loses nothing: its
job's lease runs out and the job is queued again.

Per course and source version the worker keeps an nbgrader course directory (source,
release and gradebook, made by nbgrader's own ``generate_assignment``) in its scratch
directory, which the sandbox hides from student code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

import httpx

from ..coursework.bundles import extract_bundle
from ..errors import MesoLabError
from . import engine
from .sandbox import Limits

log = logging.getLogger("mesolab.worker")


class WorkerError(MesoLabError):
    status = 502


# Failures that come from the worker (its kernel or fork server), not from the notebook
WORKER_FAULTS = ("Kernel died before replying to kernel_info", "ZygoteError", "fork server", "Kernel didn't respond")


def _workers_fault(error: str) -> bool:
    return any(marker in error for marker in WORKER_FAULTS)


class ServiceClient:
    """The worker's calls to the service's ``/grading`` API."""

    def __init__(self, url: str, token: str, worker: str):
        self.worker = worker
        self.http = httpx.Client(
            base_url=url.rstrip("/") + "/api/v1/grading", headers={"Authorization": f"token {token}"}, timeout=120
        )

    def _check(self, r: httpx.Response) -> httpx.Response:
        if r.status_code >= 400:
            try:
                message = r.json().get("message", r.text)
            except ValueError:
                message = r.text
            raise WorkerError(f"service answered {r.status_code}: {message}")
        return r

    def claim(self) -> dict | None:
        r = self._check(self.http.post("/claim", json={"worker": self.worker}))
        return None if r.status_code == 204 else r.json()

    def download(self, job_id: int, what: str) -> bytes:
        return self._check(self.http.get(f"/jobs/{job_id}/{what}")).content

    def heartbeat(self, job_id: int) -> None:
        self._check(self.http.post(f"/jobs/{job_id}/heartbeat", json={"worker": self.worker}))

    def result(self, job_id: int, result: engine.GradeResult) -> None:
        body = {
            "worker": self.worker,
            "score": result.score or 0.0,
            "max_score": result.max_score or 0.0,
            "cells": result.cells,
            "notes": result.notes,
        }
        self._check(self.http.post(f"/jobs/{job_id}/result", json=body))

    def failure(self, job_id: int, error: str, retry: bool = False) -> None:
        body = {"worker": self.worker, "error": error, "retry": retry}
        self._check(self.http.post(f"/jobs/{job_id}/failure", json=body))


class Heartbeat:
    """Renews a job's lease every ``every`` seconds while the job is graded."""

    def __init__(self, client: ServiceClient, job_id: int, every: float):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(client, job_id, every), daemon=True)

    def _run(self, client, job_id, every):
        while not self._stop.wait(every):
            try:
                client.heartbeat(job_id)
            except (WorkerError, httpx.HTTPError) as exc:
                log.warning("heartbeat of job %s failed: %s", job_id, exc)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)


class Grader:
    """One grading process: course directories per source version, one job at a time."""

    def __init__(self, client: ServiceClient, scratch: Path, heartbeat_every: float = 30.0):
        self.client = client
        self.courses = scratch / "courses"
        self.courses.mkdir(parents=True, exist_ok=True)
        self.heartbeat_every = heartbeat_every

    def course_dir(self, job: dict, source: bytes) -> Path:
        """The nbgrader course directory of this job's source version (made once)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config import Config

        digest = hashlib.sha256(source).hexdigest()[:16]
        root = self.courses / f"{job['course_id']}-{digest}"
        if (root / ".ready").exists():
            return root
        shutil.rmtree(root, ignore_errors=True)
        extract_bundle(source, root / "source" / job["assignment"])
        course_id = f"course-{job['course_id']}"
        (root / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = {course_id!r}\n", encoding="utf-8"
        )
        config = Config()
        config.CourseDirectory.root = str(root)
        config.CourseDirectory.course_id = course_id
        config.Exchange.root = str(root / ".no-exchange")
        api = NbGraderAPI(CourseDirectory(config=config), config=config)
        result = api.generate_assignment(job["assignment"], force=True, create=True)
        if not result["success"]:
            raise WorkerError(f"the assignment's source does not generate: {result.get('error') or result.get('log')}")
        (root / ".ready").write_text(digest)
        return root

    def grade(self, job: dict) -> engine.GradeResult:
        source = self.client.download(job["id"], "source")
        submission = self.client.download(job["id"], "submission")
        root = self.course_dir(job, source)
        student_dir = root / "submitted" / job["student"] / job["assignment"]
        shutil.rmtree(student_dir, ignore_errors=True)
        extract_bundle(submission, student_dir)
        stamp = job["submitted_at"].replace("T", " ").split("+")[0]
        (student_dir / "timestamp.txt").write_text(f"{stamp} UTC", encoding="utf-8")
        return engine.grade_one(str(root), job["assignment"], job["student"])

    def run_one(self) -> bool:
        """Claim and grade one job; False when the queue is empty."""
        job = self.client.claim()
        if job is None:
            return False
        log.info("grading job %s: %s / %s / %s", job["id"], job["course"], job["assignment"], job["student"])
        every = min(self.heartbeat_every, max(1.0, job.get("lease_seconds", 120) / 3))
        with Heartbeat(self.client, job["id"], every):
            try:
                result = self.grade(job)
            except Exception as exc:  # a broken source or submission must not stop the worker
                log.exception("job %s failed", job["id"])
                self.client.failure(job["id"], f"{type(exc).__name__}: {exc}")
                return True
        if result.ok:
            self.client.result(job["id"], result)
        else:
            error = result.error or "grading failed"
            self.client.failure(job["id"], error, retry=_workers_fault(error))
        return True


def _process_main(url: str, token: str, name: str, scratch: str, sandboxed: bool, limits: Limits, slot: int,
                  heartbeat_every: float, poll: float) -> None:  # fmt: skip
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s worker {name} %(levelname)s %(message)s")
    logging.getLogger("traitlets").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    scratch_dir = Path(scratch) / name
    scratch_dir.mkdir(parents=True, exist_ok=True)
    scratch_dir.chmod(0o711)
    sandbox = None
    if sandboxed:
        sandbox = engine.make_sandbox([scratch_dir / "courses"])
        if sandbox.uid is not None:
            sandbox = dataclasses.replace(sandbox, uid=sandbox.uid + slot)
        engine.check_sandbox(sandbox, scratch_dir)
    else:
        log.warning(engine.UNSANDBOXED_WARNING)
    engine._init_worker(sandbox, limits, str(scratch_dir), None)
    grader = Grader(ServiceClient(url, token, name), scratch_dir, heartbeat_every)
    idle = poll
    while True:
        try:
            busy = grader.run_one()
        except (WorkerError, httpx.HTTPError) as exc:
            log.warning("%s", exc)
            busy = False
        if busy:
            idle = poll
            if not sandboxed:
                log.warning(engine.UNSANDBOXED_WARNING)
        else:
            time.sleep(idle)
            idle = min(idle * 2, 5.0)


def run_worker(url: str, token: str, processes: int, sandboxed: bool = True, limits: Limits | None = None,
               heartbeat_every: float = 30.0, poll: float = 0.5) -> int:  # fmt: skip
    """Run ``processes`` grading processes until interrupted."""
    scratch = tempfile.mkdtemp(prefix="mesolab-worker-")
    os.chmod(scratch, 0o711)
    ctx = multiprocessing.get_context("fork")
    base = f"{os.uname().nodename}-{os.getpid()}"
    procs = [
        ctx.Process(
            target=_process_main,
            args=(url, token, f"{base}-{i}", scratch, sandboxed, limits or Limits(), i, heartbeat_every, poll),
            daemon=True,
        )
        for i in range(processes)
    ]
    for p in procs:
        p.start()
    try:
        while True:
            for i, p in enumerate(procs):
                if not p.is_alive():
                    log.warning("grading process %s stopped (exit %s); starting a new one", i, p.exitcode)
                    procs[i] = ctx.Process(target=p._target, args=p._args, daemon=True)
                    procs[i].start()
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(10)
        shutil.rmtree(scratch, ignore_errors=True)
