"""The sandbox in which student code runs while a notebook is graded.

On one Linux machine a kernel is started as::

    setpriv --reuid=UID --regid=UID --clear-groups   (only when the worker runs as root)
    prlimit --cpu=… --as=… --nproc=… --fsize=… --nofile=…
    bwrap --unshare-all --die-with-parent --new-session --ro-bind / / --tmpfs <hidden> …
          --bind <workdir> <workdir> --bind <runtime> <runtime> --clearenv …
          python -m ipykernel_launcher -f <connection file>

so student code has: no network (its own empty network namespace), a read-only view of the
system, empty directories in place of the course (solutions, other submissions, gradebook),
the state directory, home directories and ``/tmp``; only its own working directory and the
kernel's socket directory are writable; an unprivileged uid of its own (one per worker slot,
so the per-user process limit is per kernel); limits on CPU time, address space, processes,
file size and open files; and a scrubbed environment with no secret in it. Wall time and
output size are enforced by the executor (:mod:`mesolab.grading.execute`).

:func:`sandbox_command` is pure and tested against a literal command line;
:func:`check_sandbox` proves at worker start that the sandbox really comes up, and raises
:class:`SandboxUnavailable` (the worker refuses to grade) when it does not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import MesoLabError


class SandboxUnavailable(MesoLabError):
    """The sandbox cannot be set up here: grading is refused."""

    status = 503


@dataclass(frozen=True)
class Limits:
    """Resource limits of one graded notebook (defaults per assignment, raisable by teachers)."""

    cpu_seconds: int = 60
    wall_seconds: int = 120
    cell_timeout: int = 30
    memory_mb: int = 1024
    processes: int = 64
    output_bytes: int = 1_000_000
    file_size_mb: int = 50
    open_files: int = 256

    @classmethod
    def from_dict(cls, data: dict | None) -> Limits:
        data = dict(data or {})
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown grading limit(s): {', '.join(sorted(unknown))}")
        values = {k: int(v) for k, v in data.items()}
        bad = [k for k, v in values.items() if v <= 0]
        if bad:
            raise ValueError(f"grading limits must be positive: {', '.join(sorted(bad))}")
        return cls(**values)


@dataclass(frozen=True)
class Sandbox:
    """How to wrap a kernel command: which paths to hide, which uid to run as."""

    hidden: tuple[str, ...] = ()
    readonly: tuple[str, ...] = ()
    uid: int | None = None
    bwrap: str = "bwrap"
    prlimit: str = "prlimit"
    setpriv: str = "setpriv"
    extra_env: dict = field(default_factory=dict)

    def command(self, argv: list[str], workdir: Path, runtime_dir: Path, limits: Limits) -> list[str]:
        return sandbox_command(argv, workdir, runtime_dir, limits, self)


def default_hidden() -> tuple[str, ...]:
    """Paths every sandbox hides: homes, temp, run-time state, service secrets."""
    paths = ["/home", "/root", "/tmp", "/var/tmp", "/run", "/var/lib", "/var/log", "/etc/ssl/private"]
    return tuple(p for p in paths if os.path.isdir(p))


def python_paths() -> tuple[str, ...]:
    """Where the running Python lives: made visible (read-only) again inside hidden paths."""
    paths = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    return tuple(sorted(p for p in paths if p and p != "/"))


def reachable_by_others(path: str | os.PathLike) -> bool:
    """Whether an unprivileged uid can reach ``path`` (every ancestor has o+x)."""
    p = Path(os.path.realpath(path))
    for d in [p, *p.parents] if p.is_dir() else list(p.parents):
        try:
            if not os.stat(d).st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def kernel_env(workdir: Path, runtime_dir: Path, extra: dict | None = None) -> dict:
    """The whole environment of student code: nothing inherited, no secret."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(workdir / ".config" / "matplotlib"),
        "IPYTHONDIR": str(workdir / ".ipython"),
        "JUPYTER_RUNTIME_DIR": str(runtime_dir),
        "NBGRADER_EXECUTION": "autograde",
        **(extra or {}),
    }


def sandbox_command(argv: list[str], workdir: Path, runtime_dir: Path, limits: Limits, box: Sandbox) -> list[str]:
    """The full command line that runs ``argv`` inside the sandbox (pure)."""
    cmd: list[str] = []
    if box.uid is not None:
        cmd += [box.setpriv, f"--reuid={box.uid}", f"--regid={box.uid}", "--clear-groups", "--"]
    cmd += [
        box.prlimit,
        f"--cpu={limits.cpu_seconds}",
        f"--as={limits.memory_mb * 1024 * 1024}",
        f"--nproc={limits.processes}",
        f"--fsize={limits.file_size_mb * 1024 * 1024}",
        f"--nofile={limits.open_files}",
        "--",
        box.bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--ro-bind",
        "/",
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
    for path in sorted(set(box.hidden)):
        cmd += ["--tmpfs", path]
    for path in sorted(set(box.readonly)):
        cmd += ["--ro-bind", path, path]
    env = kernel_env(workdir, runtime_dir, box.extra_env)
    cmd += [
        "--bind",
        str(workdir),
        str(workdir),
        "--bind",
        str(runtime_dir),
        str(runtime_dir),
        "--chdir",
        str(workdir),
        "--clearenv",
    ]
    for key in sorted(env):
        cmd += ["--setenv", key, env[key]]
    cmd += ["--", *argv]
    return cmd


def check_sandbox(box: Sandbox, tmp: Path) -> None:
    """Start a sandboxed Python and prove it is isolated; raise SandboxUnavailable if not."""
    for tool in (box.bwrap, box.prlimit) + ((box.setpriv,) if box.uid is not None else ()):
        if not shutil.which(tool):
            raise SandboxUnavailable(
                f"cannot sandbox student code: '{tool}' is not installed "
                "(Debian: apt-get install bubblewrap util-linux). Grading is refused."
            )
    work = tmp / "sandbox-check"
    run = tmp / "sandbox-check-run"
    for d in (work, run):
        d.mkdir(parents=True, exist_ok=True)
        if box.uid is not None:
            os.chown(d, box.uid, box.uid)
    probe = (
        "import os, socket\n"
        "s = socket.socket()\n"
        "s.settimeout(1)\n"
        "net = s.connect_ex(('127.0.0.1', 1)) == 0\n"
        "open('ok', 'w').write('1')\n"
        "try:\n"
        "    open('/etc/mesolab-sandbox-probe', 'w'); ro = False\n"
        "except OSError:\n"
        "    ro = True\n"
        "print('SANDBOX', os.getuid(), ro, net)\n"
    )
    cmd = box.command([sys.executable, "-c", probe], work, run, Limits())
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SandboxUnavailable(f"cannot sandbox student code: {exc}. Grading is refused.") from None
    if out.returncode != 0 or "SANDBOX" not in out.stdout:
        raise SandboxUnavailable(
            "cannot sandbox student code: bubblewrap failed "
            f"({out.stderr.strip() or out.returncode}). User namespaces may be disabled here; "
            "grading is refused."
        )
    _, uid, ro, _net = out.stdout.split()[-4:]
    if ro != "True":
        raise SandboxUnavailable("the sandbox did not make the system read-only; grading is refused.")
    if box.uid is not None and int(uid) != box.uid:
        raise SandboxUnavailable(f"the sandbox ran as uid {uid}, not {box.uid}; grading is refused.")
