"""The sandbox command line and its refusal to run when it cannot be set up."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesolab.grading.sandbox import Limits, Sandbox, SandboxUnavailable, check_sandbox, sandbox_command


def test_sandbox_command_is_exactly_this():
    box = Sandbox(hidden=("/tmp", "/home", "/srv/course"), readonly=("/opt/py",), uid=61003)
    cmd = sandbox_command(["python", "-m", "ipykernel_launcher"], Path("/w/k1/work"), Path("/w/k1/run"), Limits(), box)
    assert cmd == [
        "setpriv", "--reuid=61003", "--regid=61003", "--clear-groups", "--",
        "prlimit", "--cpu=60", f"--as={1024 * 1024 * 1024}", "--nproc=64", f"--fsize={50 * 1024 * 1024}",
        "--nofile=256", "--",
        "bwrap", "--unshare-all", "--die-with-parent", "--new-session",
        "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev",
        "--tmpfs", "/home", "--tmpfs", "/srv/course", "--tmpfs", "/tmp",
        "--ro-bind", "/opt/py", "/opt/py",
        "--bind", "/w/k1/work", "/w/k1/work", "--bind", "/w/k1/run", "/w/k1/run",
        "--chdir", "/w/k1/work", "--clearenv",
        "--setenv", "HOME", "/w/k1/work",
        "--setenv", "IPYTHONDIR", "/w/k1/work/.ipython",
        "--setenv", "JUPYTER_RUNTIME_DIR", "/w/k1/run",
        "--setenv", "LANG", "C.UTF-8",
        "--setenv", "MPLBACKEND", "Agg",
        "--setenv", "MPLCONFIGDIR", "/w/k1/work/.config/matplotlib",
        "--setenv", "NBGRADER_EXECUTION", "autograde",
        "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
        "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
        "--", "python", "-m", "ipykernel_launcher",
    ]  # fmt: skip


def test_no_uid_when_not_dropping_privileges():
    cmd = sandbox_command(["k"], Path("/w"), Path("/r"), Limits(cpu_seconds=5), Sandbox())
    assert cmd[0] == "prlimit" and "--cpu=5" in cmd and "setpriv" not in cmd


def test_limits_from_dict():
    assert Limits.from_dict({"memory_mb": "2048"}).memory_mb == 2048
    with pytest.raises(ValueError, match="unknown grading limit"):
        Limits.from_dict({"memroy_mb": 1})
    with pytest.raises(ValueError, match="must be positive: wall_seconds"):
        Limits.from_dict({"wall_seconds": 0})


def test_missing_bubblewrap_refuses_loudly(tmp_path):
    with pytest.raises(SandboxUnavailable, match="'/nonexistent/bwrap' is not installed.*Grading is refused"):
        check_sandbox(Sandbox(bwrap="/nonexistent/bwrap"), tmp_path)


def test_broken_bubblewrap_refuses_loudly(tmp_path):
    fake = tmp_path / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n")
    fake.chmod(0o755)
    with pytest.raises(SandboxUnavailable, match="No permissions to create new namespace"):
        check_sandbox(Sandbox(bwrap=str(fake)), tmp_path)
