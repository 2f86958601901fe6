"""Screenshots of docs/teachers-guide.md: ``python docs/tools/teachers_guide_screenshots.py``.

Makes a course from the electrical template in a temporary directory, releases it, grades a
reference and a "print" submission with the sandboxed engine, renders notebooks and
feedback with nbconvert and captures them with Debian's Chromium ($MESOLAB_CHROMIUM) into
docs/images/teachers-*.png. Needs bubblewrap, like the grading tests.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

from mesolab.courses import submissions
from mesolab.courses.scaffold import write_course
from mesolab.grading.engine import grade_course

IMAGES = Path(__file__).resolve().parent.parent / "images"
CHROMIUM = os.environ.get("MESOLAB_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def html_of(path: Path, execute: bool = False) -> str:
    nb = nbformat.read(path, as_version=4)
    if execute:
        NotebookClient(
            nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
        ).execute()
    body, _ = HTMLExporter().from_notebook_node(nb)
    return body


def shoot(page, html_file: Path, name: str, selector: str | None = None, index: int = 0, height: int = 900) -> None:
    page.goto(html_file.as_uri())
    page.wait_for_timeout(300)
    target = IMAGES / name
    if selector:
        page.locator(selector).nth(index).screenshot(path=str(target))
    else:
        page.set_viewport_size({"width": 1100, "height": height})
        page.screenshot(path=str(target))
    print(f"wrote {target.relative_to(IMAGES.parent.parent)}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mesolab-guide-") as tmp:
        tmp = Path(tmp)
        course = write_course(tmp / "ELE-10", "elektro-ohm-detyre", "sq")
        name = "detyra-1-ohm"
        submissions.release(course, name)
        for student, kind in (("nxenes01", "reference"), ("nxenes02", "print")):
            submissions.submit(course, name, student, kind)
        grade_course(course, name)
        feedback = submissions.feedback(course, name, "nxenes02") / "ligji-ohmit.html"
        lesson = write_course(tmp / "ELE-L", "elektro-ohm-mesim", "sq") / "source" / "mesimi-ligji-ohmit"
        pages = {
            "source.html": html_of(course / "source" / name / "ligji-ohmit.ipynb"),
            "release.html": html_of(course / "release" / name / "ligji-ohmit.ipynb"),
            "lesson.html": html_of(lesson / "ligji-ohmit.ipynb", execute=True),
        }
        for file, body in pages.items():
            (tmp / file).write_text(body, encoding="utf-8")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
            shoot(page, tmp / "source.html", "teachers-source-sq.png", ".jp-Cell", 3)
            shoot(page, tmp / "release.html", "teachers-release-sq.png", ".jp-Cell", 3)
            shoot(page, tmp / "lesson.html", "teachers-lesson-plot-sq.png", ".jp-Cell:has(img)", 0)
            shoot(page, feedback, "teachers-feedback-sq.png", height=700)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
