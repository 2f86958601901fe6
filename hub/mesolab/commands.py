"""Operator subcommands: ``check-settings``, ``settings-doc`` and ``provision``."""

from __future__ import annotations

from pathlib import Path

from .settings import load_settings
from .settings_schema import SCHEMA


def _check(args) -> int:
    settings = load_settings(args.settings)
    print(
        f"{settings.path.name}: valid — {len(settings.schools)} schools, login {settings.auth_mode}, "
        f"spawner {settings.spawner_mode}"
    )
    return 0


def _rows(schema: dict, prefix: str):
    for key, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{key}" if prefix else key
        kind = sub.get("type") or ("one of " + ", ".join(f"`{v}`" for v in sub["enum"]) if "enum" in sub else "")
        default = f"`{sub['default']}`" if "default" in sub else ""
        yield path, kind, default, sub.get("description", "")
        if sub.get("type") == "object":
            yield from _rows(sub, path)
        if sub.get("type") == "array" and sub.get("items", {}).get("type") == "object":
            yield from _rows(sub["items"], path + "[]")


def settings_reference() -> str:
    """Markdown reference of every setting, generated from the schema."""
    lines = [
        "# Settings reference",
        "",
        "Generated from `hub/mesolab/settings_schema.py` by `mesolab settings-doc`; do not edit by hand.",
        "Unknown keys and wrong types stop start-up with a message naming the key and the file.",
        "",
        "| key | type | default | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for path, kind, default, desc in _rows(SCHEMA, ""):
        lines.append(f"| `{path}` | {kind} | {default} | {desc.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def _doc(args) -> int:
    text = settings_reference()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


def _provision(args) -> int:
    """Hub groups, users and memberships from the central record (idempotent)."""
    from .hubapi import HubAPI
    from .record import db
    from .record.sync import provision_hub
    from .secrets import ensure_secrets

    settings = load_settings(args.settings)
    token = ensure_secrets(settings.state_dir).service_token
    url = args.hub_api_url or settings.bind_url.rstrip("/") + "/hub/api"
    engine = db.make_engine(settings.section("service").get("db_url") or db.default_db_url(settings.state_dir))
    try:
        with HubAPI(url, token) as api, db.session_factory(engine)() as session:
            changes = provision_hub(session, api, settings)
    finally:
        engine.dispose()
    for change in changes:
        print(change)
    print(f"{len(changes)} changes" if changes else "the hub is up to date with the record")
    return 0


def register(sub) -> None:
    p = sub.add_parser("check-settings", help="validate a settings file")
    p.add_argument("settings", nargs="?", help="settings file (default $MESOLAB_SETTINGS)")
    p.set_defaults(func=_check)
    p = sub.add_parser("provision", help="create hub groups, users and memberships from the central record")
    p.add_argument("--settings", help="settings file (default $MESOLAB_SETTINGS)")
    p.add_argument("--hub-api-url", help="the hub's API (default <bind_url>/hub/api)")
    p.set_defaults(func=_provision)
    p = sub.add_parser("settings-doc", help="print the settings reference (Markdown)")
    p.add_argument("-o", "--output", help="write to this file")
    p.set_defaults(func=_doc)
