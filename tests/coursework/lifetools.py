"""Helpers of the nbgrader lifecycle tests: a user's own environment and a graded notebook."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mesolab.config.spawner import nbgrader_config_dir, service_url

VENV_BIN = Path(sys.executable).parent


@dataclass
class NbUser:
    """One user's environment: own HOME (sharing no directory with others), token, service URL."""

    name: str
    home: Path
    token: str
    service: str

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "MESOLAB_"))}
        env.update(
            HOME=str(self.home),
            PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            JUPYTERHUB_API_TOKEN=self.token,
            JUPYTERHUB_USER=self.name,
            MESOLAB_SERVICE_URL=self.service,
            JUPYTER_CONFIG_PATH=nbgrader_config_dir(),
            PYTHONUNBUFFERED="1",
        )
        return env

    def nbgrader(self, *args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [str(VENV_BIN / "nbgrader"), *args],
            cwd=cwd or self.home,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=180,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"nbgrader {' '.join(args)} as {self.name} failed:\n{result.stdout}\n{result.stderr}")
        return result


def make_user(hub, name: str, root: Path) -> NbUser:
    home = root / name
    home.mkdir(parents=True)
    return NbUser(name, home, hub.token(name), service_url(hub.settings))


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked, "schema_version": 3}
    meta["task"] = False
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def source_notebook() -> str:
    """An nbgrader source notebook: a solution, visible and hidden tests, a manually graded answer."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("Shkruani funksionin `katror(x)` / Write `square(x)`."),
        nbformat.v4.new_code_cell(
            "def katror(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
            metadata=_meta("pergjigja", solution=True),
        ),
        nbformat.v4.new_code_cell(
            "assert katror(2) == 4\n### BEGIN HIDDEN TESTS\nassert katror(7) == 49  # FSHEHUR-TEST\n### END HIDDEN TESTS",
            metadata=_meta("testet", grade=True, locked=True, points=2),
        ),
        nbformat.v4.new_markdown_cell(
            "YOUR ANSWER HERE\n### BEGIN SOLUTION\nZgjidhja e mësuesit\n### END SOLUTION",
            metadata=_meta("shpjegimi", solution=True, grade=True, points=3),
        ),
    ]
    return nbformat.writes(nb)


def answer(path: Path, code: str, text: str = "Sepse x herë x.") -> None:
    """A student's answers in a fetched notebook."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == "pergjigja":
            cell.source = code
        elif grade_id == "shpjegimi":
            cell.source = text
    nbformat.write(nb, path)
