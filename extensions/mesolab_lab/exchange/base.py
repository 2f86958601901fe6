"""The base of MësoLab's nbgrader exchange: no shared directory, the MësoLab service instead.

Every class of this package is an nbgrader exchange plugin (``ExchangeFactory``) whose
``start()`` talks HTTP to the service; refusals become :class:`ExchangeError` with the
service's message (in Albanian and English), which nbgrader shows to the user.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager

from nbgrader.exchange.abc import Exchange as ABCExchange
from nbgrader.exchange.abc import ExchangeError
from traitlets import Bool, Unicode, default

from .client import ServiceClient, ServiceError

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"


class Exchange(ABCExchange):
    """Common traits: where the service is, how local paths are laid out."""

    service_url = Unicode(help="The MësoLab service (default: $MESOLAB_SERVICE_URL, set by the hub).").tag(config=True)

    @default("service_url")
    def _service_url_default(self) -> str:
        return os.environ.get("MESOLAB_SERVICE_URL", "")

    api_token = Unicode(help="Hub API token (default: $JUPYTERHUB_API_TOKEN).").tag(config=True)

    @default("api_token")
    def _api_token_default(self) -> str:
        return os.environ.get("JUPYTERHUB_API_TOKEN", "")

    path_includes_course = Bool(
        True,
        help="Fetch and submit under <assignment_dir>/<course>/<assignment> (True: two courses may both "
        "have a 'ps1') or <assignment_dir>/<assignment> (False, nbgrader's default).",
    ).tag(config=True)

    # nbgrader's formgrader reads ``root`` from the lister when present: it is not a directory here.
    root = ""

    _client: ServiceClient | None = None

    @property
    def client(self) -> ServiceClient:
        if self._client is None:
            try:
                self._client = ServiceClient(self.service_url or None, self.api_token)
            except ServiceError as exc:
                self.fail(exc.message)
        return self._client

    @contextmanager
    def service(self, doing: str):
        """Turn the service's refusals into nbgrader's ExchangeError (with the service's words)."""
        try:
            yield self.client
        except ServiceError as exc:
            self.fail(f"{doing}: {exc.message}" if doing else exc.message)

    def require_course(self) -> str:
        if not self.coursedir.course_id:
            self.fail("No course id specified. Re-run with --course flag.")
        return self.coursedir.course_id

    def local_assignment_dir(self, course_id: str, assignment_id: str) -> str:
        if self.path_includes_course:
            return os.path.abspath(os.path.join(self.assignment_dir, course_id, assignment_id))
        return os.path.abspath(os.path.join(self.assignment_dir, assignment_id))

    def init_src(self):
        pass

    def init_dest(self):
        pass

    def copy_files(self):
        pass

    def start(self):
        self.set_timestamp()
        self.init_src()
        self.init_dest()
        return self.copy_files()


def parse_timestamp(text: str) -> dt.datetime:
    """nbgrader's time stamp format (always UTC from the service) as an aware datetime."""
    from nbgrader.utils import parse_utc

    return parse_utc(text)


__all__ = ["Exchange", "ExchangeError", "TIMESTAMP_FORMAT", "parse_timestamp"]
