"""Sandboxed kernels, started ahead of need and used exactly once.

Starting a Python kernel costs most of the time of grading a short notebook (stock
``nbgrader autograde`` starts and stops one per notebook). :class:`KernelPool` keeps the
next kernel booting while the current notebook runs: when a notebook is taken up, a kernel
that has already started (imports done) is handed over and a fresh one is launched for the
next notebook. A kernel is never reused: each one has its own empty working directory,
socket directory and (as root) its own uid, and is shut down after its notebook, so no
state passes between two students.

:class:`SandboxedKernelManager` is jupyter_client's ``AsyncKernelManager`` with the kernel
command wrapped by :func:`mesolab.grading.sandbox.sandbox_command` and the connection over
Unix sockets (``ipc``) in the kernel's socket directory, which works across the sandbox's
empty network namespace.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import Any, Instance

from .sandbox import Limits, Sandbox


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel inside the sandbox; ``workdir`` is its only writable directory."""

    sandbox = Instance(Sandbox, allow_none=True, help="The sandbox; None runs unsandboxed (development only).")
    limits = Instance(Limits, args=())
    workdir = Any(help="The kernel's working directory (a Path).")
    runtime_dir = Any(help="Directory of the kernel's connection file and sockets (a Path).")

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        # the kernel runs as the sandbox's uid and must read its connection file
        if self.sandbox is not None and self.sandbox.uid is not None:
            os.chown(self.connection_file, self.sandbox.uid, self.sandbox.uid)

    def format_kernel_cmd(self, extra_arguments=None):
        argv = super().format_kernel_cmd(extra_arguments)
        if self.sandbox is None:
            return argv
        return self.sandbox.command(argv, self.workdir, self.runtime_dir, self.limits)


class KernelPool:
    """Sandboxed one-use kernels, the next one started while the current one works.

    ``take(kernel_name)`` returns a started :class:`SandboxedKernelManager`; the caller
    shuts it down (``release``) after one notebook.
    """

    def __init__(
        self,
        sandbox: Sandbox | None,
        limits: Limits,
        base_dir: Path | None = None,
        ahead: int = 1,
        kernel_name: str = "python3",
    ):
        self.sandbox = sandbox
        self.limits = limits
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="mesolab-kernels-"))
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.ahead = ahead
        self.kernel_name = kernel_name
        self._ready: list[SandboxedKernelManager] = []
        self._count = 0

    def _new(self, kernel_name: str) -> SandboxedKernelManager:
        self._count += 1
        root = Path(tempfile.mkdtemp(prefix=f"k{self._count}-", dir=self.base_dir))
        root.chmod(0o711)
        workdir, runtime = root / "work", root / "run"
        for d in (workdir, runtime):
            d.mkdir()
            if self.sandbox is not None and self.sandbox.uid is not None:
                os.chown(d, self.sandbox.uid, self.sandbox.uid)
        km = SandboxedKernelManager(
            kernel_name=kernel_name,
            sandbox=self.sandbox,
            limits=self.limits,
            workdir=workdir,
            runtime_dir=runtime,
            transport="ipc",
            ip=str(runtime / "kernel"),
            connection_file=str(runtime / "kernel.json"),
        )
        # SIGINT would reach bubblewrap, not the kernel: interrupt over the control channel
        km.kernel_spec.interrupt_mode = "message"
        kernel_log = open(root / "kernel.log", "wb")  # the kernel's own chatter, not the worker's
        try:
            run_sync(km.start_kernel)(
                extra_arguments=["--HistoryManager.hist_file=:memory:"],
                cwd=str(workdir),
                stdout=kernel_log,
                stderr=kernel_log,
            )
        finally:
            kernel_log.close()
        return km

    def fill(self) -> None:
        while len(self._ready) < self.ahead:
            self._ready.append(self._new(self.kernel_name))

    def take(self, kernel_name: str | None = None) -> SandboxedKernelManager:
        """A started kernel for one notebook; the next one starts booting right away."""
        kernel_name = kernel_name or self.kernel_name
        if kernel_name != self.kernel_name:
            km = self._new(kernel_name)
        else:
            self.fill()
            km = self._ready.pop(0)
        self.fill()
        return km

    def release(self, km: SandboxedKernelManager) -> None:
        """Shut the kernel down and remove its directories (it is never reused)."""
        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)
        except RuntimeError:
            pass
        finally:
            run_sync(km.cleanup_resources)()
            shutil.rmtree(Path(km.workdir).parent, ignore_errors=True)

    def close(self) -> None:
        while self._ready:
            self.release(self._ready.pop())
        shutil.rmtree(self.base_dir, ignore_errors=True)
