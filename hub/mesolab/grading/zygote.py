"""A fork server for sandboxed one-use kernels.

Starting a Python kernel costs about half a CPU-second of imports; grading a short notebook
costs far less. The *zygote* is one process per grading worker, started once inside the
sandbox (same uid, namespaces and limits as a kernel), that has imported ipykernel (and
optionally heavy libraries such as numpy) and never runs student code. For each notebook it
forks a child that becomes the kernel: fork takes milliseconds and the child starts from a
clean copy of the zygote's memory, so no state ever passes between two students.

Isolation between successive kernels of one zygote:

* before a kernel is started, the worker has the zygote kill **every other process** in the
  sandbox's PID namespace (``kill(-1, SIGKILL)``), so nothing a previous student left
  running survives into the next student's kernel;
* each kernel gets a fresh working directory, created by the worker after that cleanup;
* the zygote is not dumpable (no ptrace or ``/proc/<pid>/mem`` by the kernels), and its
  control socket lives in a directory that only the worker can reach: the listening socket
  is created by the worker and handed to the zygote as an inherited file descriptor, which
  every child closes.

:data:`ZYGOTE_SOURCE` is the zygote's program text: it is run as ``python -c`` so it needs
nothing from MësoLab's own installation inside the sandbox. :class:`ZygoteClient` and
:class:`ZygoteChild` are the worker's side; ``ZygoteChild`` looks like a ``Popen`` to
jupyter_client's provisioner.
"""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path

ZYGOTE_SOURCE = r"""
import ctypes, importlib, json, os, signal, socket, sys, threading
fd = int(sys.argv[1])
PRELOAD = [
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "ipykernel.comm",
    "IPython", "IPython.core.completer", "zmq", "tornado", "sqlite3", "pdb", "pydoc", "jedi",
]
for name in [*PRELOAD, *sys.argv[2:]]:
    try:
        importlib.import_module(name)
    except Exception as exc:
        print(f"zygote: cannot preload {name}: {exc}", file=sys.stderr)
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no ptrace of the zygote by its kernels
server = socket.socket(fileno=fd)
children = {}


def reap():
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        children[pid] = os.waitstatus_to_exitcode(status)


def spawn(req):
    assert threading.active_count() == 1
    pid = os.fork()
    if pid:
        children[pid] = None
        return {"pid": pid}
    try:
        server.close()
        os.setsid()
        os.chdir(req["cwd"])
        os.environ.clear()
        os.environ.update(req["env"])
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        from ipykernel.kernelapp import IPKernelApp
        app = IPKernelApp.instance()
        app.initialize(["-f", req["connection_file"], "--HistoryManager.hist_file=:memory:"])
        app.start()
    finally:
        os._exit(0)


def handle(req):
    reap()
    op = req["op"]
    if op == "spawn":
        return spawn(req)
    if op == "poll":
        return {"exit": children.get(req["pid"], 0), "known": req["pid"] in children}
    if op == "signal":
        try:
            os.killpg(req["pid"], req["signal"])
        except ProcessLookupError:
            pass
        return {}
    if op == "clean":
        # every process of the sandbox but the zygote: nothing outlives a kernel.
        # kill(-1) is confined by the sandbox's PID namespace, whose init is our parent.
        if os.getppid() != 1:
            return {"error": "refusing to clean: not inside a PID namespace"}
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        while True:
            try:
                pid, status = os.waitpid(-1, 0)
                children[pid] = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                break
        return {}
    if op == "ping":
        return {"pong": os.getpid()}
    return {"error": f"unknown op {op}"}


print("zygote: ready", file=sys.stderr, flush=True)
while True:
    conn, _ = server.accept()
    with conn:
        data = b""
        while not data.endswith(b"\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        if not data:
            continue
        try:
            reply = handle(json.loads(data))
        except Exception as exc:
            reply = {"error": repr(exc)}
        conn.sendall(json.dumps(reply).encode() + b"\n")
"""


class ZygoteError(RuntimeError):
    """The zygote did not answer or refused a request."""


class ZygoteClient:
    """The worker's end of a zygote's control socket."""

    def __init__(self, socket_path: Path, timeout: float = 30.0):
        self.socket_path = Path(socket_path)
        self.timeout = timeout

    def request(self, **req) -> dict:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(self.timeout)
                s.connect(str(self.socket_path))
                s.sendall(json.dumps(req).encode() + b"\n")
                data = b""
                while not data.endswith(b"\n"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
        except OSError as exc:
            raise ZygoteError(f"zygote at {self.socket_path}: {exc}") from None
        if not data:
            raise ZygoteError("the zygote closed the connection")
        reply = json.loads(data)
        if "error" in reply:
            raise ZygoteError(reply["error"])
        return reply

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.request(op="ping")
                return
            except ZygoteError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


class ZygoteChild:
    """A kernel forked by the zygote, with the part of ``Popen``'s interface that
    jupyter_client's local provisioner uses."""

    stdin = stdout = stderr = None

    def __init__(self, client: ZygoteClient, pid: int):
        self.client = client
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                reply = self.client.request(op="poll", pid=self.pid)
            except ZygoteError:
                self.returncode = -signal.SIGKILL  # the zygote is gone, and its children with it
                return self.returncode
            self.returncode = reply["exit"]
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"kernel {self.pid} still running")
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            self.client.request(op="signal", pid=self.pid, signal=int(signum))
        except ZygoteError:
            pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)
