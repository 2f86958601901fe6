"""Documentation generated from code stays in step with it."""

from __future__ import annotations

from pathlib import Path

from mesolab.commands import settings_reference
from mesolab.settings_schema import SCHEMA

ROOT = Path(__file__).resolve().parent.parent


def test_settings_reference_is_current():
    committed = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert committed == settings_reference(), "run: mesolab settings-doc -o docs/settings.md"


def _all_properties(schema, path=""):
    for key, sub in schema.get("properties", {}).items():
        yield f"{path}.{key}" if path else key, sub
        yield from _all_properties(sub, f"{path}.{key}" if path else key)
        if "items" in sub:
            yield from _all_properties(sub["items"], f"{path}.{key}[]" if path else f"{key}[]")


def test_every_setting_is_described():
    missing = [p for p, sub in _all_properties(SCHEMA) if not sub.get("description")]
    assert missing == []


def test_readme_lists_the_two_commands_and_demo_logins():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    from mesolab.demo import DEMO_PASSWORD, DEMO_SETTINGS, demo_people
    from mesolab.settings import load_settings

    assert DEMO_PASSWORD in readme
    for person in demo_people(load_settings(DEMO_SETTINGS)):
        if person.role != "student":
            assert person.username in readme, person.username
