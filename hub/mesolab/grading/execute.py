"""nbgrader's ``Execute`` preprocessor, running notebooks in sandboxed one-use kernels.

:class:`SandboxedExecute` replaces ``nbgrader.preprocessors.Execute`` in the autograde
pipeline and changes only *where* and *how safely* cells run; every other preprocessor
(restoring locked cells, checking metadata, saving grades, late penalties) is nbgrader's
own, so scores and autograded notebooks are the same as ``nbgrader autograde``'s.

It takes a pre-started kernel from the process's :class:`~mesolab.grading.kernels.KernelPool`,
copies the submission's files into the kernel's working directory, and enforces what a
kernel's own limits cannot:

* **wall time** for the whole notebook: cells after the limit are not run;
* **output size**: output past the limit is dropped with one notice, so a flood cannot
  exhaust the worker's memory;
* **a dead kernel** (CPU or memory limit, ``os._exit``…) does not fail the notebook: the
  cells that ran keep their results, the rest get an error output that says why, so the
  student gets the points for what passed.

Each such event is recorded in ``GRADING_NOTES`` (per notebook) for the student's and the
teacher's message.
"""

from __future__ import annotations

import time
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute

from .kernels import KernelPool
from .sandbox import Limits
from .zygote import ZygoteError

MESSAGES = {
    "dead": (
        "Kerneli u ndal gjatë ekzekutimit (kufiri i memories ose i kohës së CPU-së?). "
        "Qelizat e mëposhtme nuk u ekzekutuan.",
        "The kernel stopped while running (memory or CPU time limit?). The cells below were not run.",
    ),
    "wall": (
        "U kalua koha maksimale për këtë fletore. Qelizat e mëposhtme nuk u ekzekutuan.",
        "The time limit for this notebook was reached. The cells below were not run.",
    ),
    "timeout": (
        "Një qelizë zgjati më shumë se sa lejohet dhe u ndërpre.",
        "A cell ran longer than allowed and was interrupted.",
    ),
    "output": (
        "Dalja u shkurtua: qeliza prodhoi më shumë tekst se sa lejohet.",
        "Output truncated: the cell produced more output than allowed.",
    ),
}

# Notes of the notebooks graded in this process: {notebook path: [reason, ...]}
GRADING_NOTES: dict[str, list[str]] = {}
# Failures of the grading machinery itself (a kernel that could not start), not of the notebook
WORKER_ERRORS: list[str] = []


def _error_output(reason: str) -> NotebookNode:
    sq, en = MESSAGES[reason]
    return NotebookNode(
        output_type="error",
        ename="MesoLabGradingLimit",
        evalue=en,
        traceback=[f"MesoLabGradingLimit: {sq}", en],
    )


class SandboxedExecute(Execute):
    """nbgrader's Execute with sandboxed, pre-started, one-use kernels and hard limits."""

    pool: KernelPool | None = None  # set by the grading engine in each worker process
    limits: Limits = Limits()

    def create_kernel_manager(self):
        if self.pool is None:
            return super().create_kernel_manager()
        kernel_name = self.kernel_name or self.nb.metadata.get("kernelspec", {}).get("name") or "python3"
        source = self.resources.get("metadata", {}).get("path")
        km = self.pool.take(kernel_name, files_from=Path(source) if source else None)
        self.km = km
        self._taken = km
        return km

    def preprocess(self, nb, resources=None, km=None):
        self._stopped: str | None = None
        self._started = time.monotonic()
        self._output_bytes = 0
        self._taken = None
        self._notes: list[str] = []
        self.timeout = self.limits.cell_timeout
        self.shutdown_kernel = "immediate"  # one-use kernels: no graceful shutdown to wait for
        try:
            return super().preprocess(nb, resources, km)
        except (RuntimeError, ZygoteError) as exc:
            if isinstance(exc, ZygoteError) or "Kernel di" in str(exc):
                WORKER_ERRORS.append(f"{type(exc).__name__}: {exc}")
            raise
        finally:
            if self._taken is not None and self.pool is not None:
                self.pool.release(self._taken)
            path = (resources or {}).get("metadata", {}).get("name", "")
            GRADING_NOTES[path] = list(self._notes)

    def _note(self, reason: str) -> None:
        if reason not in self._notes:
            self._notes.append(reason)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        if self._stopped is None and time.monotonic() - self._started > self.limits.wall_seconds:
            self._stopped = "wall"
            self._note("wall")
        if self._stopped is not None:
            cell.outputs = [_error_output(self._stopped)]
            return cell, self.resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
            if any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", [])):
                self._note("timeout")
            return cell, resources
        except DeadKernelError:
            self._stopped = "dead"
        except CellTimeoutError:
            # the kernel did not answer even after an interrupt: stop using it
            self._stopped = "wall"
        self._note(self._stopped)
        cell.outputs.append(_error_output(self._stopped))
        return cell, self.resources

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + len(str(content.get("data", "")))
        self._output_bytes += size
        if self._output_bytes > self.limits.output_bytes:
            if "output" not in self._notes:
                self._note("output")
                sq, en = MESSAGES["output"]
                outs.append(NotebookNode(output_type="stream", name="stderr", text=f"\n[{sq}]\n[{en}]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)
