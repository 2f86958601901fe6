"""The course templates: manifests (``template.yaml``) and files of ``course_templates/``.

The folder is ``$MESOLAB_COURSE_TEMPLATES`` if set, else ``course_templates/`` of the source
checkout. Each template has one folder per language (``sq``, ``en``) holding its nbgrader
assignments; the manifest says what they are (see ``course_templates/README.md``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..paths import SOURCE_ROOT
from ..record.errors import NotFound, ValidationFailed

TEMPLATES_ENV = "MESOLAB_COURSE_TEMPLATES"
LANGS = ("sq", "en")
KINDS = ("lesson", "assignment", "workshop", "exam")


def templates_dir() -> Path:
    """Where the templates are: ``$MESOLAB_COURSE_TEMPLATES`` or the checkout's ``course_templates/``."""
    return Path(os.environ.get(TEMPLATES_ENV) or SOURCE_ROOT / "course_templates")


@dataclass(frozen=True)
class TemplateAssignment:
    """One nbgrader assignment of a template."""

    names: dict[str, str]
    notebooks: dict[str, list[str]]
    files: dict[str, list[str]]
    auto_points: float
    manual_points: float

    @property
    def max_score(self) -> float:
        return self.auto_points + self.manual_points

    def name(self, lang: str) -> str:
        return self.names[lang]


@dataclass(frozen=True)
class CourseTemplate:
    """A template read from its ``template.yaml``."""

    id: str
    kind: str
    trade: str
    title: dict[str, str]
    summary: dict[str, str]
    qualification_code: str
    course_code: str
    time_limit_minutes: int | None
    languages: tuple[str, ...]
    assignments: tuple[TemplateAssignment, ...]
    path: Path

    def source_dir(self, lang: str, assignment: TemplateAssignment) -> Path:
        """The folder of ``assignment`` in ``lang`` (copied to ``source/<name>/`` of a course)."""
        return self.path / lang / assignment.name(lang)

    def check_lang(self, lang: str) -> None:
        if lang not in self.languages:
            raise ValidationFailed(f"the template {self.id} is in {', '.join(self.languages)}, not {lang!r}")


def _assignment(entry: dict) -> TemplateAssignment:
    points = entry.get("points") or {}
    return TemplateAssignment(
        names=dict(entry["name"]),
        notebooks={k: list(v) for k, v in (entry.get("notebooks") or {}).items()},
        files={k: list(v) for k, v in (entry.get("files") or {}).items()},
        auto_points=float(points.get("auto", 0)),
        manual_points=float(points.get("manual", 0)),
    )


def read_template(path: Path) -> CourseTemplate:
    """The template in the folder ``path``."""
    try:
        data = yaml.safe_load((path / "template.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationFailed(f"{path.name}: cannot read template.yaml ({exc})") from None
    if data.get("kind") not in KINDS:
        raise ValidationFailed(f"{path.name}: kind must be one of {', '.join(KINDS)}")
    return CourseTemplate(
        id=data["id"],
        kind=data["kind"],
        trade=data["trade"],
        title=dict(data["title"]),
        summary=dict(data.get("summary") or {}),
        qualification_code=data["qualification_code"],
        course_code=data["course_code"],
        time_limit_minutes=data.get("time_limit_minutes"),
        languages=tuple(data.get("languages") or LANGS),
        assignments=tuple(_assignment(a) for a in data["assignments"]),
        path=path,
    )


def list_templates(root: Path | None = None) -> list[CourseTemplate]:
    """Every template, sorted by id."""
    root = root or templates_dir()
    return [read_template(p.parent) for p in sorted(root.glob("*/template.yaml"))]


def get_template(template_id: str, root: Path | None = None) -> CourseTemplate:
    """The template ``template_id``, or :class:`NotFound` naming the ones there are."""
    root = root or templates_dir()
    path = root / template_id
    if "/" in template_id or template_id.startswith(".") or not (path / "template.yaml").is_file():
        known = ", ".join(t.id for t in list_templates(root)) or "none"
        raise NotFound(f"no course template {template_id!r} (there are: {known})")
    return read_template(path)
