"""Benchmark: MësoLab's sandboxed parallel autograding against stock ``nbgrader autograde``.

Builds one nbgrader course with N submissions of the Ohm's-law assignment (mixed answers:
correct, half right, wrong, blank, raising an error, slow), copies it, grades one copy with
stock serial ``nbgrader autograde`` and the other with ``mesolab autograde``'s engine (sandbox
on), and prints both throughputs, the ratio and how many scores are identical.

    python bench/autograde.py [--submissions 200] [--workers N]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

from mesolab.grading.engine import default_workers, grade_course
from mesolab.grading.samples import make_course

MIX = ["correct", "half", "wrong", "blank", "error", "correct", "half", "slow"]


def scores(course: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "elektro-101") as gb:
        return {s.student_id: s.score for s in gb.assignment_submissions("ohm")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"

    with tempfile.TemporaryDirectory(prefix="mesolab-bench-") as tmp:
        tmp = Path(tmp)
        os.environ["HOME"] = str(tmp / "home")
        students = {f"nx{i:04d}": MIX[i % len(MIX)] for i in range(args.submissions)}
        stock = make_course(tmp / "stock", students)
        ours = tmp / "ours"
        shutil.copytree(stock, ours)
        print(f"{args.submissions} submissions; answers mixed as {', '.join(sorted(set(MIX)))}")

        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", "ohm"], cwd=stock, check=True, capture_output=True
        )
        stock_s = time.perf_counter() - t

        workers = args.workers or default_workers()
        t = time.perf_counter()
        results = grade_course(ours, "ohm", workers=workers)
        ours_s = time.perf_counter() - t

        a, b = scores(stock), scores(ours)
        same = sum(1 for k in a if a[k] == b.get(k))
        failed = sum(1 for r in results if not r.ok)
        n = args.submissions
        print(f"stock nbgrader autograde (serial, no sandbox): {stock_s:7.1f} s  {n / stock_s:6.2f} notebooks/s")
        print(f"mesolab autograde ({workers} workers, sandboxed):  {ours_s:7.1f} s  {n / ours_s:6.2f} notebooks/s")
        print(f"ratio: {stock_s / ours_s:.2f}x   identical scores: {same}/{len(a)}   failed: {failed}")
        return 0 if same == len(a) == n and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
