"""tar.gz bundles of assignment files: checked on upload, packed and unpacked safely.

Every upload (release, source, submission, feedback) is a gzip-compressed tar of one
assignment directory, with paths relative to it. :func:`inspect_bundle` refuses anything
unsafe (absolute paths, ``..``, links, devices), too large once unpacked, or — for
submissions — with a notebook that is not valid nbformat JSON.
"""

from __future__ import annotations

import io
import json
import posixpath
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from .errors import BadBundle, TooLarge, bilingual

MB = 1024 * 1024
# Checkpoints and caches never travel.
SKIPPED_PARTS = {".ipynb_checkpoints", "__pycache__", ".git"}
HIDDEN_TEST_MARKERS = ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION")


@dataclass
class BundleInfo:
    """What a checked bundle holds."""

    files: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    unpacked_size: int = 0
    markers: list[str] = field(default_factory=list)  # notebooks with solution / hidden-test markers


def _safe_name(name: str) -> str | None:
    """The normalised relative path of a member, or None when it must be refused."""
    if name.startswith(("/", "\\")) or "\\" in name:
        return None
    norm = posixpath.normpath(name)
    if norm in (".", "") or norm.startswith("../") or norm == ".." or "/../" in f"/{norm}/":
        return None
    return norm[2:] if norm.startswith("./") else norm


def check_notebook(name: str, data: bytes) -> dict:
    """The parsed notebook, or :class:`BadBundle` with a message a student understands."""
    import nbformat

    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except (UnicodeDecodeError, json.JSONDecodeError, nbformat.ValidationError, ValueError, KeyError, TypeError):
        raise BadBundle(
            bilingual(
                f"Fletorja '{name}' është e dëmtuar (nuk është një fletore Jupyter e vlefshme) dhe nuk u dorëzua. "
                "Hapeni në JupyterLab, ruajeni dhe provoni përsëri; dorëzimi juaj i mëparshëm mbetet i paprekur",
                f"The notebook '{name}' is damaged (not a valid Jupyter notebook) and was not submitted. "
                "Open it in JupyterLab, save it and try again; your previous submission is unchanged",
            )
        ) from None
    return nb


def _has_markers(nb: dict) -> bool:
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        if any(marker in source for marker in HIDDEN_TEST_MARKERS):
            return True
    return False


def inspect_bundle(stream: BinaryIO, *, max_unpacked: int, check_notebooks: bool = True) -> BundleInfo:
    """Check the tar.gz in ``stream`` (rewound afterwards) and describe it."""
    start = stream.tell()
    info = BundleInfo()
    try:
        with tarfile.open(fileobj=stream, mode="r:gz") as tar:
            for member in tar:
                name = _safe_name(member.name)
                if name is None or not (member.isfile() or member.isdir()):
                    raise BadBundle(
                        bilingual(
                            f"Skedari '{member.name}' nuk lejohet në një dorëzim (shteg ose lloj i palejuar)",
                            f"The file '{member.name}' is not allowed in an upload (unsafe path or file type)",
                        )
                    )
                if member.isdir() or SKIPPED_PARTS.intersection(name.split("/")):
                    continue
                info.unpacked_size += member.size
                if info.unpacked_size > max_unpacked:
                    raise TooLarge(
                        bilingual(
                            f"Skedarët janë më të mëdhenj se {max_unpacked // MB} MB pasi shpaketohen",
                            f"The files are larger than {max_unpacked // MB} MB once unpacked",
                        )
                    )
                info.files.append(name)
                if name.endswith(".ipynb"):
                    info.notebooks.append(name)
                    if check_notebooks:
                        fh = tar.extractfile(member)
                        nb = check_notebook(name, fh.read() if fh else b"")
                        if _has_markers(nb):
                            info.markers.append(name)
    except (tarfile.TarError, EOFError, OSError, ValueError):
        raise BadBundle(
            bilingual(
                "Ngarkimi nuk është një arkiv tar.gz i lexueshëm (ndoshta u ndërpre); provoni përsëri",
                "The upload is not a readable tar.gz archive (perhaps it was cut short); try again",
            )
        ) from None
    finally:
        stream.seek(start)
    return info


def pack_directory(path: Path, *, exclude=lambda rel: False) -> bytes:
    """A tar.gz of the files under ``path`` (relative names; checkpoints left out)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for file in sorted(Path(path).rglob("*")):
            rel = file.relative_to(path).as_posix()
            if not file.is_file() or file.is_symlink() or SKIPPED_PARTS.intersection(rel.split("/")) or exclude(rel):
                continue
            tar.add(file, arcname=rel, recursive=False)
    return buf.getvalue()


def extract_bundle(stream: BinaryIO | bytes, dest: Path) -> list[Path]:
    """Unpack a (checked) tar.gz into ``dest``; only regular files at safe paths are written."""
    if isinstance(stream, bytes):
        stream = io.BytesIO(stream)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(fileobj=stream, mode="r:gz") as tar:
        for member in tar:
            name = _safe_name(member.name)
            if name is None or not member.isfile() or SKIPPED_PARTS.intersection(name.split("/")):
                continue
            target = dest.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            fh = tar.extractfile(member)
            target.write_bytes(fh.read() if fh else b"")
            written.append(target)
    return written
