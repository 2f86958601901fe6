"""Sandboxed one-use kernels, started in milliseconds from a fork server.

Starting a Python kernel costs most of the time of grading a short notebook (stock
``nbgrader autograde`` starts and stops one per notebook). :class:`KernelPool` starts one
sandboxed :mod:`zygote <mesolab.grading.zygote>` per grading process, which has imported
ipykernel ahead of need; each notebook gets a kernel forked from it, used once and killed,
together with anything else left running in the sandbox, before the next kernel is forked.
Each kernel has its own fresh working directory (owned by the sandbox's uid) holding only
that submission's files.

:class:`SandboxedKernelManager` is jupyter_client's ``AsyncKernelManager`` whose kernel is
either forked by the zygote or (kernels other than Python, or development mode without a
sandbox) started directly with its command wrapped by
:func:`mesolab.grading.sandbox.sandbox_command`. The connection uses Unix sockets (``ipc``)
in the kernel's own directory, which works across the sandbox's empty network namespace.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from traitlets import Any, Instance

from .sandbox import Limits, Sandbox, kernel_env
from .zygote import ZYGOTE_SOURCE, ZygoteChild, ZygoteClient, ZygoteError

ZYGOTE_KERNEL = "python3"


class OneUseKernelClient(AsyncKernelClient):
    """jupyter_client's async client, minus fixed waits of 0.2 s per kernel start.

    The stock ``wait_for_ready`` waits 0.2 s for IOPub to prove it is connected (and asks
    again if not), then drains IOPub until it has been silent for 0.2 s. Over Unix sockets
    IOPub connects within milliseconds, and a one-use grading kernel has nothing to drain
    that matters (nbclient only keeps messages whose parent is a request it sent), so the
    waits are 20 ms and 10 ms; the handshake itself (kernel_info reply, then a message on
    IOPub) is unchanged.
    """

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:
                        await ensure_async(self.iopub_channel.get_msg(timeout=0.02))
                    except Empty:
                        pass  # IOPub not connected yet ("slow joiner"): ask again
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await ensure_async(self.iopub_channel.get_msg(timeout=0.01))
            except Empty:
                break


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel inside the sandbox; ``workdir`` is its only writable directory."""

    sandbox = Instance(Sandbox, allow_none=True, help="The sandbox; None runs unsandboxed (development only).")
    limits = Instance(Limits, args=())
    zygote = Instance(ZygoteClient, allow_none=True, help="Fork server to start the kernel from, if any.")
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

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.zygote is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        env = kernel_env(Path(self.workdir), Path(self.runtime_dir), self.sandbox.extra_env if self.sandbox else None)
        reply = self.zygote.request(
            op="spawn", connection_file=str(self.connection_file), cwd=str(self.workdir), env=env
        )
        provisioner = self.provisioner
        provisioner.process = ZygoteChild(self.zygote, reply["pid"])
        provisioner.pid = provisioner.pgid = None
        self._reconcile_connection_info(provisioner.connection_info)


class KernelPool:
    """One-use sandboxed kernels for one grading process.

    ``take(kernel_name, files_from)`` returns a started :class:`SandboxedKernelManager` whose
    working directory holds a copy of ``files_from``; ``release(km)`` kills it and removes
    its directory. One kernel at a time.
    """

    def __init__(
        self,
        sandbox: Sandbox | None,
        limits: Limits,
        base_dir: Path | None = None,
        preload: tuple[str, ...] = (),
        use_zygote: bool = True,
    ):
        self.sandbox = sandbox
        self.limits = limits
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="mesolab-kernels-"))
        self.base_dir.mkdir(parents=True, exist_ok=True)
        self.base_dir.chmod(0o711)
        self.kernels_dir = self.base_dir / "k"
        self.kernels_dir.mkdir(exist_ok=True)
        self._own(self.kernels_dir)
        self.preload = preload
        # kill(-1) in the zygote is confined by the sandbox's PID namespace: never without it
        self.use_zygote = use_zygote and sandbox is not None
        self._zygote_proc: subprocess.Popen | None = None
        self._zygote: ZygoteClient | None = None
        self._count = 0

    def _own(self, path: Path) -> None:
        if self.sandbox is not None and self.sandbox.uid is not None:
            for root, dirs, files in os.walk(path):
                os.chown(root, self.sandbox.uid, self.sandbox.uid)
                for name in dirs + files:
                    os.chown(os.path.join(root, name), self.sandbox.uid, self.sandbox.uid, follow_symlinks=False)

    # --- the fork server ---------------------------------------------------------------

    def _start_zygote(self) -> ZygoteClient:
        self._stop_zygote()
        ctl = self.base_dir / "ctl"
        ctl.mkdir(mode=0o700, exist_ok=True)  # root only: kernels cannot reach the socket
        path = ctl / "zygote.sock"
        path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(path))
        listener.listen(8)
        home = self.base_dir / "zhome"
        home.mkdir(exist_ok=True)
        self._own(home)
        argv = [sys.executable, "-c", ZYGOTE_SOURCE, str(listener.fileno()), *self.preload]
        cmd = self.sandbox.command(argv, home, self.kernels_dir, self.limits)
        with open(self.base_dir / "zygote.log", "ab") as log:
            self._zygote_proc = subprocess.Popen(
                cmd, pass_fds=(listener.fileno(),), stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
        listener.close()
        client = ZygoteClient(path)
        try:
            client.wait_ready()
        except ZygoteError as exc:
            log_text = (self.base_dir / "zygote.log").read_text(errors="replace")[-2000:]
            raise ZygoteError(f"the kernel fork server did not start: {exc}\n{log_text}") from None
        self._zygote = client
        return client

    def _stop_zygote(self) -> None:
        if self._zygote_proc is not None and self._zygote_proc.poll() is None:
            self._zygote_proc.kill()
            self._zygote_proc.wait()
        self._zygote_proc = None
        self._zygote = None

    def _clean_zygote(self) -> ZygoteClient:
        """The fork server, with nothing else left running in its sandbox."""
        if self._zygote is None or self._zygote_proc is None or self._zygote_proc.poll() is not None:
            return self._start_zygote()
        try:
            self._zygote.request(op="clean")
        except ZygoteError:
            return self._start_zygote()  # a student may have killed it: start a new one
        return self._zygote

    # --- kernels -----------------------------------------------------------------------

    def take(self, kernel_name: str = ZYGOTE_KERNEL, files_from: Path | None = None) -> SandboxedKernelManager:
        """A started kernel for one notebook, in a fresh directory with ``files_from``'s files."""
        zygote = self._clean_zygote() if self.use_zygote and kernel_name == ZYGOTE_KERNEL else None
        self._count += 1
        root = Path(tempfile.mkdtemp(prefix=f"{self._count}-", dir=self.kernels_dir))
        root.chmod(0o711)
        workdir, runtime = root / "work", root / "run"
        workdir.mkdir()
        runtime.mkdir()
        if files_from:
            for item in Path(files_from).iterdir():
                if item.is_dir():
                    shutil.copytree(item, workdir / item.name, dirs_exist_ok=True)
                else:
                    shutil.copy2(item, workdir / item.name)
        self._own(root)
        km = SandboxedKernelManager(
            kernel_name=kernel_name,
            sandbox=self.sandbox,
            limits=self.limits,
            zygote=zygote,
            workdir=workdir,
            runtime_dir=runtime,
            client_class="mesolab.grading.kernels.OneUseKernelClient",
            transport="ipc",
            ip=str(runtime / "kernel"),
            connection_file=str(runtime / "kernel.json"),
        )
        # SIGINT would reach bubblewrap, not the kernel: interrupt over the control channel
        km.kernel_spec.interrupt_mode = "message"
        with open(root / "kernel.log", "wb") as kernel_log:  # the kernel's chatter, not the worker's
            run_sync(km.start_kernel)(
                extra_arguments=["--HistoryManager.hist_file=:memory:"],
                cwd=str(workdir),
                stdout=kernel_log,
                stderr=kernel_log,
            )
        return km

    def release(self, km: SandboxedKernelManager) -> None:
        """Kill the kernel and everything it left behind; remove its directory."""
        try:
            if run_sync(km.is_alive)():
                run_sync(km.shutdown_kernel)(now=True)
        except RuntimeError:
            pass
        finally:
            run_sync(km.cleanup_resources)()
            if km.zygote is not None:
                try:
                    km.zygote.request(op="clean")
                except ZygoteError:
                    pass
            shutil.rmtree(Path(km.workdir).parent, ignore_errors=True)

    def close(self) -> None:
        self._stop_zygote()
        shutil.rmtree(self.base_dir, ignore_errors=True)
