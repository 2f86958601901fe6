"""A small HTTP client of the MësoLab service's exchange API, and tar.gz helpers.

It runs in the user's Jupyter server (or an ``nbgrader`` command in its terminal) and
authenticates with the server's hub token (``JUPYTERHUB_API_TOKEN``) at
``MESOLAB_SERVICE_URL`` (set by the hub in every user environment). It imports nothing from
the hub-side ``mesolab`` package, so a user image needs only ``mesolab_lab``.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import posixpath
import tarfile
import time
from pathlib import Path
from urllib.parse import quote

import requests

API = "api/v1"
TIMEOUT = (10, 300)
RETRIES = 3


class ServiceError(Exception):
    """The service refused a request; ``message`` is its (bilingual) explanation."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def service_url() -> str:
    url = os.environ.get("MESOLAB_SERVICE_URL", "")
    if not url:
        raise ServiceError(
            0,
            "not-configured",
            "MESOLAB_SERVICE_URL is not set: this Jupyter server was not started by a MësoLab hub",
        )
    return url if url.endswith("/") else url + "/"


def q(part: str) -> str:
    return quote(part, safe="")


class ServiceClient:
    """Calls ``<MESOLAB_SERVICE_URL>api/v1/exchange/...`` (and ``grades/events``) with the user's hub token."""

    def __init__(self, url: str | None = None, token: str | None = None):
        self.base = (url or service_url()).rstrip("/") + "/" + API
        self.token = token if token is not None else os.environ.get("JUPYTERHUB_API_TOKEN", "")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {self.token}"

    def _request(self, method: str, path: str, *, root: bool = False, **kwargs) -> requests.Response:
        """``path`` is relative to ``api/v1/exchange`` (``root``: to ``api/v1``)."""
        url = f"{self.base}/{'' if root else 'exchange/'}{path.lstrip('/')}"
        for attempt in range(RETRIES):
            try:
                response = self.session.request(method, url, timeout=TIMEOUT, **kwargs)
            except requests.ConnectionError as exc:
                if attempt + 1 == RETRIES:
                    raise ServiceError(
                        0,
                        "unreachable",
                        "Shërbimi MësoLab nuk u arrit; provoni përsëri pas pak / "
                        f"the MësoLab service could not be reached; try again in a minute ({exc.__class__.__name__})",
                    ) from None
                time.sleep(1 + attempt)
                continue
            if response.status_code in (502, 503) and attempt + 1 < RETRIES and method == "GET":
                time.sleep(1 + attempt)
                continue
            break
        if response.status_code >= 400:
            try:
                body = response.json()
                code, message = body.get("error", "error"), body.get("message", response.text)
            except ValueError:
                code, message = "error", response.text[:500] or response.reason
            raise ServiceError(response.status_code, code, message)
        return response

    def get(self, path: str, **params):
        return self._request("GET", path, params={k: v for k, v in params.items() if v is not None}).json()

    def download(self, path: str, **params) -> bytes:
        return self._request("GET", path, params={k: v for k, v in params.items() if v is not None}).content

    def upload(self, path: str, data: bytes, **params):
        params = {k: ("true" if v is True else v) for k, v in params.items() if v not in (None, False)}
        headers = {"Content-Type": "application/gzip"}
        return self._request("POST", path, data=data, params=params, headers=headers).json()

    def put_json(self, path: str, body: dict):
        return self._request("PUT", path, data=json.dumps(body), headers={"Content-Type": "application/json"}).json()

    def delete(self, path: str):
        return self._request("DELETE", path).json()

    def post_json(self, path: str, body: dict, root: bool = False):
        return self._request("POST", path, root=root, json=body).json()

    # --- the exchange's resources ------------------------------------------------------

    def courses(self) -> list[dict]:
        return self.get("courses")

    def assignments(self, course: str) -> list[dict]:
        return self.get(f"courses/{q(course)}/assignments")

    def assignment_path(self, course: str, assignment: str, what: str) -> str:
        return f"courses/{q(course)}/assignments/{q(assignment)}/{what}"


# --- tar.gz bundles --------------------------------------------------------------------


def _ignored(rel: str, patterns) -> bool:
    return any(fnmatch.fnmatch(part, pat) for part in rel.split("/") for pat in patterns)


def pack(path: Path, ignore=(), include=("*",), only=None) -> bytes:
    """A tar.gz of the files under ``path``: ``ignore`` globs (any path part) left out,
    ``only`` (a predicate on the relative path) keeps a subset."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for file in sorted(Path(path).rglob("*")):
            rel = file.relative_to(path).as_posix()
            if file.is_symlink() or not file.is_file() or _ignored(rel, ignore):
                continue
            if not any(fnmatch.fnmatch(file.name, pat) for pat in include):
                continue
            if only is not None and not only(rel):
                continue
            tar.add(file, arcname=rel, recursive=False)
    return buf.getvalue()


def unpack(data: bytes, dest: Path, *, replace: bool = True) -> list[Path]:
    """Unpack a tar.gz into ``dest`` (regular files at safe relative paths only).
    With ``replace=False`` existing files are kept (nbgrader's ``replace_missing_files``)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar:
            name = posixpath.normpath(member.name)
            if not member.isfile() or name.startswith(("/", "..")) or "/../" in f"/{name}/":
                continue
            target = dest.joinpath(*name.split("/"))
            if target.exists() and not replace:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            fh = tar.extractfile(member)
            target.write_bytes(fh.read() if fh else b"")
            written.append(target)
    return written
