"""A small synchronous client of the MësoLab service, and a retry queue for saves.

:class:`ServiceClient` sends the user's hub token (``JUPYTERHUB_API_TOKEN``) to the service at
``MESOLAB_SERVICE_URL`` (set by the hub in the single-user environment; when missing it is
derived from ``JUPYTERHUB_API_URL``). Tests pass an ``httpx`` transport (e.g. an in-process
ASGI app) instead of the network.

:class:`SaveQueue` makes saves never silently lost: a save that fails because the service
or the network is down stays queued, the widget shows "unsaved, retrying", and the queue
retries on a timer (and on :meth:`SaveQueue.retry`) in order until it goes through. A save
the service refuses (403, 422…) is not retried; its message is shown instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

API = "api/v1"
RETRYABLE_STATUS = {502, 503, 504}


class ServiceError(Exception):
    """The service answered with an error: ``status``, ``code`` and its ``message``."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    @property
    def retryable(self) -> bool:
        return self.status in RETRYABLE_STATUS


class Unreachable(ServiceError):
    """No answer at all: the service or the network is down."""

    def __init__(self, message: str):
        super().__init__(0, "unreachable", message)

    @property
    def retryable(self) -> bool:
        return True


def service_url(environ: dict | None = None) -> str:
    """The service's base URL: ``MESOLAB_SERVICE_URL``, else the hub API's host + ``/services/mesolab/``."""
    env = os.environ if environ is None else environ
    url = env.get("MESOLAB_SERVICE_URL")
    if not url:
        api = urlparse(env.get("JUPYTERHUB_API_URL") or "http://127.0.0.1:8081/hub/api")
        base = (env.get("JUPYTERHUB_BASE_URL") or "/").rstrip("/")
        url = f"{api.scheme}://{api.netloc}{base}/services/mesolab/"
    return url if url.endswith("/") else url + "/"


class ServiceClient:
    """``get``/``post``/``patch`` on ``<service>/api/v1/…`` with the user's hub token; JSON in and out."""

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        headers: dict | None = None,
    ):
        self.base_url = (base_url or service_url()).rstrip("/") + "/" + API
        token = token if token is not None else os.environ.get("JUPYTERHUB_API_TOKEN", "")
        auth = {"Authorization": f"token {token}"} if token else {}
        self.http = httpx.Client(transport=transport, timeout=timeout, headers={**auth, **(headers or {})})

    def request(self, method: str, path: str, **kwargs):
        try:
            r = self.http.request(method, self.base_url + path, **kwargs)
        except httpx.HTTPError as exc:
            raise Unreachable(str(exc) or type(exc).__name__) from None
        if r.status_code >= 400:
            try:
                body = r.json()
                code, message = body.get("error", "error"), body.get("message", r.text)
            except ValueError:
                code, message = "error", f"HTTP {r.status_code}"
            raise ServiceError(r.status_code, code, message)
        if r.status_code == 204 or not r.content:
            return None
        if r.headers.get("content-type", "").startswith("application/json"):
            return r.json()
        return r.content

    def get(self, path: str, **params):
        return self.request("GET", path, params=params or None)

    def post(self, path: str, json: dict):
        return self.request("POST", path, json=json)

    def patch(self, path: str, json: dict):
        return self.request("PATCH", path, json=json)


@dataclass
class Save:
    """One change to send: ``method path json``; ``done`` is called with the answer."""

    method: str
    path: str
    json: dict
    label: str = ""
    done: Callable | None = None
    attempts: int = 0


@dataclass
class SaveQueue:
    """Sends saves in order; keeps the ones that could not be sent and retries them.

    ``state`` is ``saved``, ``saving``, ``unsaved`` (some saves are waiting to be retried) or
    ``failed`` (the service refused the last save; ``error`` says why). ``on_change`` is
    called after every change of state. ``retry_every`` seconds between automatic retries
    (None: only :meth:`retry`, as in tests).
    """

    client: ServiceClient
    on_change: Callable[[SaveQueue], None] | None = None
    retry_every: float | None = 5.0
    pending: list[Save] = field(default_factory=list)
    state: str = "saved"
    error: str = ""
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _timer: threading.Timer | None = None

    def submit(self, save: Save) -> None:
        with self._lock:
            self.pending.append(save)
        self.retry()

    def retry(self) -> None:
        """Send every waiting save, in order, until one cannot be sent."""
        with self._lock:
            self._cancel_timer()
            refused = False
            while self.pending:
                save = self.pending[0]
                self._set("saving")
                save.attempts += 1
                try:
                    answer = self.client.request(save.method, save.path, json=save.json)
                except ServiceError as exc:
                    if exc.retryable:
                        self.error = exc.message
                        self._set("unsaved")
                        self._schedule()
                        return
                    self.pending.pop(0)
                    self.error, refused = exc.message, True
                    continue
                self.pending.pop(0)
                if save.done:
                    save.done(answer)
            if not refused:
                self.error = ""
            self._set("failed" if refused else "saved")

    def _set(self, state: str) -> None:
        self.state = state
        if self.on_change:
            self.on_change(self)

    def _schedule(self) -> None:
        if self.retry_every:
            self._timer = threading.Timer(self.retry_every, self.retry)
            self._timer.daemon = True
            self._timer.start()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def close(self) -> None:
        self._cancel_timer()
