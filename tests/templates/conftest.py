"""Fixtures of the template tests (helpers in templatetools.py)."""

from __future__ import annotations

import shutil

import pytest
from templatetools import GradedCourse, build_graded


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """``graded(template_id, lang)`` → :class:`GradedCourse` (built once per session)."""
    cache: dict[tuple[str, str], GradedCourse] = {}
    root = tmp_path_factory.mktemp("templates")

    def get(template_id: str, lang: str) -> GradedCourse:
        key = (template_id, lang)
        if key not in cache:
            cache[key] = build_graded(root, template_id, lang)
        return cache[key]

    yield get
    shutil.rmtree(root, ignore_errors=True)
