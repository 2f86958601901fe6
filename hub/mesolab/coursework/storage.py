"""Where coursework files are stored: a key → bytes store that never overwrites.

:class:`Storage` is the interface the exchange uses; :class:`LocalDirectoryStorage` the
default (a directory on the service's disk). Keys are ``/``-separated paths such as
``ict-tirana/12/detyra-1/submissions/nxenes01/3-<sha256>.tar.gz``: they include an attempt
or version number and the content's checksum, so a key is written once and never changed.

Several service replicas need a store they all reach, without a shared POSIX filesystem:
subclass :class:`Storage` (for instance with an S3-compatible client) and name the class in
``MesoLabService.storage_class``; see ``docs/coursework.md``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import MesoLabError

KEY_PART = re.compile(r"^[A-Za-z0-9._+@=-]+$")
CHUNK = 1024 * 1024


class StorageError(MesoLabError):
    """The store refused or lost an object (503: try again later)."""

    status = 503
    code = "storage"


class KeyExists(StorageError):
    """An object with this key is already stored (keys are written once)."""

    status = 409
    code = "conflict"


def check_key(key: str) -> str:
    """``key`` if it is a safe relative key (no ``..``, no empty or odd parts), else ValueError."""
    parts = key.split("/")
    if not key or any(p in ("", ".", "..") or not KEY_PART.match(p) for p in parts):
        raise ValueError(f"not a valid storage key: {key!r}")
    return key


def sha256_of(stream: BinaryIO) -> tuple[str, int]:
    """SHA-256 (hex) and size of what remains in ``stream``; rewinds it afterwards."""
    start = stream.tell()
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(start)
    return digest.hexdigest(), size


class Storage:
    """An object store: put once, get, check and list by key.

    Subclasses implement :meth:`put`, :meth:`open`, :meth:`exists` and :meth:`list`. The
    constructor takes the configured ``root`` (a directory, or e.g. ``s3://bucket/prefix``).
    """

    def __init__(self, root: str | os.PathLike = ""):
        self.root = str(root)

    def put(self, key: str, stream: BinaryIO) -> None:
        """Store the rest of ``stream`` under ``key``, durably; :class:`KeyExists` if taken."""
        raise NotImplementedError

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the object (the caller closes it); :class:`KeyError` if absent."""
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys that start with ``prefix``, in order."""
        raise NotImplementedError

    def get(self, key: str) -> bytes:
        """The whole object."""
        with self.open(key) as fh:
            return fh.read()

    def put_bytes(self, key: str, data: bytes) -> None:
        import io

        self.put(key, io.BytesIO(data))

    def local_path(self, key: str) -> Path | None:
        """A local file holding the object, when the store has one (else ``None``)."""
        return None


class LocalDirectoryStorage(Storage):
    """Objects as files under a directory, written atomically.

    A put writes a temporary file in the target directory, flushes and fsyncs it, then links
    it into place (``os.link`` fails if the key exists, so nothing is ever replaced) and
    fsyncs the directory. A crash leaves at most a ``.tmp-*`` file behind, never a partial
    object.
    """

    def __init__(self, root: str | os.PathLike = ""):
        if not str(root):
            raise StorageError(
                "no coursework storage directory is configured (MesoLabService.storage_root / service.storage_root)"
            )
        super().__init__(Path(root).resolve())
        self.base = Path(self.root)

    def _path(self, key: str) -> Path:
        return self.base.joinpath(*check_key(key).split("/"))

    def put(self, key: str, stream: BinaryIO) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise KeyExists(f"the object {key!r} is already stored")
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise KeyExists(f"the object {key!r} is already stored") from None
            except OSError:  # filesystems without hard links: rename (the exists check above guards)
                os.replace(tmp, path)
        except KeyExists:
            raise
        except OSError as exc:
            raise StorageError(f"cannot store {key!r}: {exc.strerror or exc}") from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _fsync_dir(path.parent)

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[str]:
        if not self.base.is_dir():
            return
        for path in sorted(self.base.rglob("*")):
            if path.is_file() and not path.name.startswith(".tmp-"):
                key = path.relative_to(self.base).as_posix()
                if key.startswith(prefix):
                    yield key

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
