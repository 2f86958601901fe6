"""Loading and validating a deployment settings file.

``load_settings(path)`` reads ``mesolab.yaml``, checks it against
:data:`mesolab.settings_schema.SCHEMA`, fills in the documented defaults, resolves secrets
from the environment and returns an immutable :class:`Settings`. Any problem raises
:class:`~mesolab.errors.SettingsError` whose message names the file and the key, e.g.::

    mesolab.yaml: schools[1].branding: unknown key 'colur' (allowed: colour, logo)
"""

from __future__ import annotations

import copy
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from .errors import SettingsError
from .settings_schema import SCHEMA

SETTINGS_ENV = "MESOLAB_SETTINGS"


@dataclass(frozen=True)
class School:
    """One school: a hub group and a tenant of the central record."""

    id: str
    name_sq: str
    name_en: str
    language: str = "sq"
    timezone: str = "Europe/Tirane"
    colour: str = "#b3202a"
    logo: str | None = None
    profile: dict = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_sq


@dataclass(frozen=True)
class Settings:
    """A validated deployment: the parsed document with defaults, plus derived values."""

    path: Path
    data: dict
    schools: tuple[School, ...]

    def section(self, name: str) -> dict:
        return self.data.get(name, {})

    @property
    def state_dir(self) -> Path:
        raw = Path(self.section("hub")["state_dir"])
        return raw if raw.is_absolute() else (self.path.parent / raw).resolve()

    @property
    def bind_url(self) -> str:
        return self.section("hub")["bind_url"]

    @property
    def hub_db_url(self) -> str:
        return self.section("hub").get("db_url") or f"sqlite:///{self.state_dir / 'jupyterhub.sqlite'}"

    @property
    def auth_mode(self) -> str:
        return self.section("auth")["mode"]

    @property
    def spawner_mode(self) -> str:
        return self.section("spawner")["mode"]

    @property
    def default_language(self) -> str:
        return self.section("hub")["default_language"]

    def school(self, school_id: str) -> School | None:
        return next((s for s in self.schools if s.id == school_id), None)

    def oidc_client_secret(self) -> str:
        """The OIDC client secret: from the file if given there, else from the environment."""
        oidc = self.section("auth").get("oidc", {})
        if oidc.get("client_secret"):
            return oidc["client_secret"]
        env = oidc.get("client_secret_env", "MESOLAB_OIDC_CLIENT_SECRET")
        value = os.environ.get(env)
        if not value:
            raise SettingsError(f"{self.path.name}: auth.oidc: set the client secret in the environment variable {env}")
        return value


def _fill_defaults(schema: dict, value: Any) -> Any:
    """Return ``value`` with every missing property that has a schema default filled in."""
    if schema.get("type") == "object" and isinstance(value, dict):
        out = dict(value)
        for key, sub in schema.get("properties", {}).items():
            if key not in out:
                if "default" in sub:
                    out[key] = copy.deepcopy(sub["default"])
                elif sub.get("type") == "object" and not sub.get("required"):
                    out[key] = _fill_defaults(sub, {})
                    if not out[key]:
                        del out[key]
            else:
                out[key] = _fill_defaults(sub, out[key])
        return out
    if schema.get("type") == "array" and isinstance(value, list) and "items" in schema:
        return [_fill_defaults(schema["items"], v) for v in value]
    return value


def _where(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(error: jsonschema.ValidationError) -> str:
    where = _where(error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        names = ", ".join(repr(k) for k in extra)
        return f"{where}: unknown key {names} (allowed: {', '.join(allowed)})"
    if error.validator == "required":
        return f"{where}: {error.message}"
    if error.validator == "type":
        return f"{where}: {error.instance!r} is not of type {error.validator_value!r}"
    if error.validator == "enum":
        return f"{where}: {error.instance!r} is not one of {error.validator_value}"
    if error.validator == "pattern":
        return f"{where}: {error.instance!r} does not have the expected form ({error.schema.get('description', error.validator_value)})"
    return f"{where}: {error.message}"


def validate(data: Any, source: str) -> dict:
    """Validate ``data`` against the schema; return it with defaults filled in."""
    if not isinstance(data, dict):
        raise SettingsError(f"{source}: the file must hold a mapping of settings, not {type(data).__name__}")
    validator = jsonschema.Draft202012Validator(SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        lines = [f"{source}: {_describe(e)}" for e in errors]
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines))
    filled = _fill_defaults(SCHEMA, data)
    ids = [s["id"] for s in filled["schools"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SettingsError(f"{source}: schools: duplicate school id {', '.join(map(repr, dupes))}")
    return filled


def _school(raw: dict) -> School:
    branding = raw.get("branding", {})
    return School(
        id=raw["id"],
        name_sq=raw["name"]["sq"],
        name_en=raw["name"]["en"],
        language=raw.get("language", "sq"),
        timezone=raw.get("timezone", "Europe/Tirane"),
        colour=branding.get("colour", "#b3202a"),
        logo=branding.get("logo"),
        profile=dict(raw.get("profile", {})),
    )


def parse_settings(text: str, path: Path) -> Settings:
    """Parse and validate settings given as YAML text (``path`` names it in messages)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SettingsError(f"{path.name}: not valid YAML: {exc}") from None
    filled = validate(data, path.name)
    return Settings(path=path.resolve(), data=filled, schools=tuple(_school(s) for s in filled["schools"]))


def load_settings(path: str | os.PathLike | None = None) -> Settings:
    """Load the settings file at ``path`` (default: ``$MESOLAB_SETTINGS``)."""
    if path is None:
        path = os.environ.get(SETTINGS_ENV)
        if not path:
            raise SettingsError(f"no settings file: pass one or set {SETTINGS_ENV}")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SettingsError(f"{path}: settings file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings file: {exc}") from None
    return parse_settings(text, path)


def load_settings_or_exit(path: str | os.PathLike | None = None) -> Settings:
    """:func:`load_settings` for start-up: a bad file stops the process with one clear message."""
    try:
        return load_settings(path)
    except SettingsError as exc:
        print(f"MësoLab cannot start: {exc.message}", file=sys.stderr)
        raise SystemExit(2) from None
