"""Configuration of the service: a traitlets :class:`MesoLabService`.

Values come, in order of precedence, from the command line, the hub's environment (when the
hub runs the service: ``JUPYTERHUB_SERVICE_URL`` and ``JUPYTERHUB_SERVICE_PREFIX``) and the
``service`` section of the settings file.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

from traitlets import Dict, Float, Int, List, Type, Unicode, default
from traitlets.config import Configurable

from ..record.db import default_db_url
from ..settings import Settings

DEFAULT_PREFIX = "/services/mesolab/"
API_PATH = "api/v1"


class MesoLabService(Configurable):
    """The central record service."""

    db_url = Unicode(
        "",
        help="Database URL: sqlite:///path (default: mesolab.sqlite in the state directory) "
        "or postgresql+psycopg://user@host/db.",
    ).tag(config=True)

    ip = Unicode("127.0.0.1", help="Address to listen on.").tag(config=True)

    port = Int(10101, help="Port to listen on (the hub's JUPYTERHUB_SERVICE_URL wins when set).").tag(config=True)

    base_url = Unicode(help="URL prefix of the service (JUPYTERHUB_SERVICE_PREFIX, default /services/mesolab/).").tag(
        config=True
    )

    @default("base_url")
    def _default_base_url(self) -> str:
        prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or DEFAULT_PREFIX
        return prefix if prefix.endswith("/") else prefix + "/"

    trusted_services = List(
        Unicode(),
        help="Hub services (by name) whose API tokens act with a national administrator's rights "
        "(e.g. a grade exchange that posts grade events for every school).",
    ).tag(config=True)

    grader_services = List(
        Unicode(),
        default_value=["mesolab-grader"],
        help="Hub services (by name) that are MësoLab grading workers: they may claim grading jobs, "
        "download the submissions and sources of those jobs and report results, nothing else.",
    ).tag(config=True)

    grading_lease_seconds = Int(
        120, help="Seconds a grading worker holds a job without renewing its lease before the job is queued again."
    ).tag(config=True)

    deliver_every = Float(
        1.0, help="Seconds between two rounds of delivering graded results into the central record."
    ).tag(config=True)

    auth_cache_max_age = Int(60, help="Seconds to remember the hub's answer about a token.").tag(config=True)

    cookie_options = Dict(help="Extra options of the login cookie (e.g. {'secure': True}).").tag(config=True)

    storage_class = Type(
        "mesolab.coursework.storage.LocalDirectoryStorage",
        klass="mesolab.coursework.storage.Storage",
        help="Where coursework files (releases, submissions, feedback) are stored: a subclass of "
        "mesolab.coursework.storage.Storage (default: a local directory; see docs/coursework.md for object stores).",
    ).tag(config=True)

    storage_root = Unicode(
        "",
        help="Root of the coursework storage: a directory for the default storage (default: coursework/ in "
        "the state directory), or what the storage class expects (e.g. s3://bucket/prefix).",
    ).tag(config=True)

    max_submission_mb = Int(
        20, help="Largest upload (a submission, release or feedback as tar.gz) in MB; larger ones are refused."
    ).tag(config=True)

    @property
    def api_prefix(self) -> str:
        return self.base_url + API_PATH

    @classmethod
    def from_settings(cls, settings: Settings | None, **overrides) -> MesoLabService:
        section = settings.section("service") if settings else {}
        values: dict = {}
        if settings is not None:
            values["db_url"] = section.get("db_url") or default_db_url(settings.state_dir)
            values["storage_root"] = section.get("storage_root") or str(settings.state_dir / "coursework")
        for key in ("storage_class", "max_submission_mb"):
            if section.get(key):
                values[key] = section[key]
        if section.get("port"):
            values["port"] = section["port"]
        if settings is not None and settings.section("grading").get("lease_seconds"):
            values["grading_lease_seconds"] = settings.section("grading")["lease_seconds"]
        service_url = os.environ.get("JUPYTERHUB_SERVICE_URL")
        if service_url:
            parsed = urlparse(service_url)
            values["ip"] = parsed.hostname or "127.0.0.1"
            values["port"] = parsed.port or values.get("port", 10101)
        values.update({k: v for k, v in overrides.items() if v not in (None, "")})
        return cls(**values)
