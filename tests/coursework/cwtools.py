"""Helpers of the coursework tests: a controllable clock, bundles, and an exchange API caller."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
from dataclasses import dataclass

import nbformat
from recordtools import Api

EX = "/exchange"


class Clock:
    """The service's clock in tests: starts at a fixed moment, moved by hand."""

    def __init__(self, now: dt.datetime | None = None):
        self.now = now or dt.datetime(2025, 9, 20, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, now: dt.datetime) -> None:
        self.now = now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


def notebook(*sources: str) -> bytes:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nbformat.writes(nb).encode()


def bundle(files: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            data = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def unpack(data: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}


RELEASE = bundle({"ps1.ipynb": notebook("x = 1  # YOUR CODE HERE", "assert x == 1")})
SOURCE = bundle(
    {
        "ps1.ipynb": notebook(
            "### BEGIN SOLUTION\nx = 1\n### END SOLUTION", "### BEGIN HIDDEN TESTS\nassert x\n### END HIDDEN TESTS"
        )
    }
)
GZ = {"Content-Type": "application/gzip"}


@dataclass
class ExchangeApi(Api):
    app: object = None

    def release(self, teacher: str, course: str, name: str = "ps1", data: bytes = RELEASE, **params):
        return self.as_(teacher).post(
            f"{EX}/courses/{course}/assignments/{name}/release", content=data, headers=GZ, params=params
        )

    def source(self, teacher: str, course: str, name: str = "ps1", data: bytes = SOURCE):
        return self.as_(teacher).post(f"{EX}/courses/{course}/assignments/{name}/source", content=data, headers=GZ)

    def submit(self, student: str, course: str, name: str = "ps1", data: bytes | None = None):
        data = data if data is not None else bundle({"ps1.ipynb": notebook(f"x = 1  # {student}")})
        return self.as_(student).post(f"{EX}/courses/{course}/assignments/{name}/submissions", content=data, headers=GZ)

    def policy(self, teacher: str, course: str, name: str = "ps1", **body):
        return self.as_(teacher).put(
            f"{EX}/courses/{course}/assignments/{name}/policy",
            content=json.dumps(body, default=str),
            headers={"Content-Type": "application/json"},
        )

    def submissions(self, who: str, course: str, **params):
        return self.as_(who).get(f"{EX}/courses/{course}/submissions", params=params)

    def feedback(self, teacher: str, submission_id: int, files: dict | None = None):
        data = bundle(files or {"ps1.html": "<html>mirë</html>"})
        return self.as_(teacher).post(f"{EX}/submissions/{submission_id}/feedback", content=data, headers=GZ)
