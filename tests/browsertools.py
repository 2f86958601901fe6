"""Chromium for the browser tests: Debian's ``/usr/bin/chromium`` driven by Playwright.

``browser`` is a fixture (in ``tests/conftest.py``); :func:`shot` writes a screenshot to
``test-artifacts/`` (git-ignored), :func:`new_page` opens a fresh context."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("MESOLAB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# This machine has no network but the package registries: keep Chromium from calling home.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def launch(playwright):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian package 'chromium'; .ci/run installs it)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def new_page(browser, timeout_ms: int = 60_000):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return context, page


def shot(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)
