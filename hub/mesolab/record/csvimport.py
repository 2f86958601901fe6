"""Bulk import of people and enrolments from CSV files as schools keep them.

Files are UTF-8, with or without a byte-order mark (what spreadsheet programs write as
"CSV UTF-8"); the separator (``;``, ``,`` or tab) is sniffed from the header line. Column
names are matched without regard to case or surrounding spaces. The columns are documented
in ``docs/record.md``:

* people: ``username; first_name; last_name; school; role`` and optionally ``external_id``;
* enrolments: ``username; course_code; role; from`` and optionally ``until``.

Every row is checked first — against the file itself and against the record — and every
bad row is reported with its line number, column and reason. A dry run stops there. A real
run refuses the whole file if any row is bad; otherwise it creates or updates every row in
the caller's transaction (all or nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..tenancy import ALL_ROLES, NATIONAL_ADMIN
from .errors import ImportFailed
from .models import CODE_LEN, ENROLMENT_ROLES, NAME_LEN, USERNAME_LEN, Course, Enrolment, Person, School

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]*$")
PEOPLE_COLUMNS = ("username", "first_name", "last_name", "school", "role")
PEOPLE_OPTIONAL = ("external_id",)
ENROLMENT_COLUMNS = ("username", "course_code", "role", "from")
ENROLMENT_OPTIONAL = ("until",)
KINDS = ("people", "enrolments")

Progress = Callable[[int, int], None]


@dataclass
class RowError:
    line: int | None
    message: str
    column: str | None = None

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [e.as_dict() for e in self.errors],
        }

    def summary(self) -> str:
        if not self.ok:
            return f"{len(self.errors)} problem(s) in {self.rows} row(s); nothing was imported"
        verb = "would create" if self.dry_run else "created"
        return f"{self.rows} row(s): {verb} {self.created}, updated {self.updated}, unchanged {self.unchanged}"


def decode(data: bytes) -> str:
    """UTF-8 text of ``data`` (a BOM is dropped); a clear file-level error otherwise."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFailed("the file is UTF-16; save it as 'CSV UTF-8' in your spreadsheet program and try again")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFailed(
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}; it looks like Windows-1252 or "
            "Latin-1): save it as 'CSV UTF-8' in your spreadsheet program and try again",
            {"errors": [{"line": line, "column": None, "message": "not UTF-8"}]},
        ) from None


def sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ";"


def read_rows(data: bytes, required: tuple[str, ...], optional: tuple[str, ...]) -> list[tuple[int, dict]]:
    """``(line number, {column: value})`` for every non-empty row after the header."""
    text = decode(data)
    if not text.strip():
        raise ImportFailed("the file is empty: it needs a header line and at least one row")
    header_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(header_line))
    header: list[str] | None = None
    rows: list[tuple[int, dict]] = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if header is None:
            header = [h.strip().lower().lstrip("\ufeff") for h in record]
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportFailed(
                    f"line {line}: missing column(s) {', '.join(missing)}; the header must name "
                    f"{', '.join(required)} (optional: {', '.join(optional)}); it has {', '.join(header)}",
                    {"errors": [{"line": line, "column": c, "message": "missing column"} for c in missing]},
                )
            unknown = [c for c in header if c not in required + optional]
            if unknown:
                raise ImportFailed(
                    f"line {line}: unknown column(s) {', '.join(unknown)} (allowed: {', '.join(required + optional)})",
                    {"errors": [{"line": line, "column": c, "message": "unknown column"} for c in unknown]},
                )
            continue
        if len(record) > len(header):
            rows.append((line, {"__error__": f"{len(record)} values but the header has {len(header)} columns"}))
            continue
        rows.append((line, {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}))
    if header is None:
        raise ImportFailed("the file has no header line")
    return rows


def parse_date(value: str) -> dt.date:
    """``YYYY-MM-DD`` or ``DD.MM.YYYY`` (as Albanian spreadsheets write dates)."""
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date (write 2025-09-15 or 15.09.2025)")


def _check_username(value: str) -> str:
    if not value:
        raise ValueError("is empty")
    if len(value) > USERNAME_LEN or not USERNAME_RE.match(value):
        raise ValueError(f"{value!r} is not a valid username (lowercase letters, digits, '.', '_', '-', '@')")
    return value


def import_people(
    session: Session,
    data: bytes,
    *,
    dry_run: bool = False,
    school: str | None = None,
    allowed_schools: set[str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import people. ``school`` fills an empty ``school`` cell and must match every row;
    ``allowed_schools`` (None: any) limits which schools the caller may touch."""
    rows = read_rows(
        data, PEOPLE_COLUMNS if school is None else PEOPLE_COLUMNS[:3] + ("role",), PEOPLE_OPTIONAL + ("school",)
    )
    report = ImportReport("people", dry_run, rows=len(rows))
    schools = {s.id: s for s in session.scalars(select(School))}
    usernames = [r.get("username", "").lower() for _, r in rows]
    existing: dict[str, Person] = {}
    for i in range(0, len(usernames), 500):
        part = usernames[i : i + 500]
        existing.update({p.username: p for p in session.scalars(select(Person).where(Person.username.in_(part)))})
    ext_ids = [r.get("external_id") for _, r in rows if r.get("external_id")]
    ext_owner: dict[str, str] = {}
    for i in range(0, len(ext_ids), 500):
        part = ext_ids[i : i + 500]
        ext_owner.update(
            dict(session.execute(select(Person.external_id, Person.username).where(Person.external_id.in_(part))).all())
        )
    seen_user: dict[str, int] = {}
    seen_ext: dict[str, int] = {}
    planned: list[dict] = []
    for line, row in rows:
        errors = _check_person_row(
            line, row, school, schools, allowed_schools, existing, ext_owner, seen_user, seen_ext
        )
        if errors:
            report.errors.extend(errors)
        else:
            planned.append(row)
    if report.errors:
        if not dry_run:
            raise ImportFailed(f"{report.summary()}: fix the rows listed and import the file again", report.as_dict())
        return report
    for n, row in enumerate(planned, 1):
        person = existing.get(row["username"])
        values = {
            "first_name": row["first_name"],
            "last_name": row["last_name"],
            "school_id": row["school"] or None,
            "role": row["role"],
            "external_id": row.get("external_id") or (person.external_id if person else None),
        }
        if person is None:
            report.created += 1
            if not dry_run:
                session.add(Person(username=row["username"], active=True, **values))
        elif any(getattr(person, k) != v for k, v in values.items()) or not person.active:
            report.updated += 1
            if not dry_run:
                for key, value in values.items():
                    setattr(person, key, value)
                person.active = True
        else:
            report.unchanged += 1
        if progress and (n % 200 == 0 or n == len(planned)):
            progress(n, len(planned))
    if not dry_run:
        session.flush()
    return report


def _check_person_row(line, row, school, schools, allowed, existing, ext_owner, seen_user, seen_ext) -> list[RowError]:
    if "__error__" in row:
        return [RowError(line, row["__error__"])]
    errors: list[RowError] = []

    def bad(column: str, message: str) -> None:
        errors.append(RowError(line, f"{column}: {message}", column))

    username = row["username"] = row.get("username", "").lower()
    try:
        _check_username(username)
    except ValueError as exc:
        bad("username", str(exc))
    if username in seen_user:
        bad("username", f"{username!r} appears twice (also on line {seen_user[username]})")
    seen_user.setdefault(username, line)
    for column in ("first_name", "last_name"):
        if not row.get(column):
            bad(column, "is empty")
        elif len(row[column]) > NAME_LEN:
            bad(column, f"is longer than {NAME_LEN} characters")
    role = row.get("role", "")
    if role not in ALL_ROLES:
        bad("role", f"{role!r} is not one of {', '.join(ALL_ROLES)}")
    row_school = row.get("school", "") or ""
    if school and not row_school and role != NATIONAL_ADMIN:
        row_school = row["school"] = school
    row["school"] = row_school
    if role == NATIONAL_ADMIN:
        if row_school:
            bad("school", "must be empty for a national-admin")
        if allowed is not None:
            bad("role", "only a national administrator can import national administrators")
    elif role in ALL_ROLES:
        if not row_school:
            bad("school", "is empty")
        elif row_school not in schools:
            bad("school", f"unknown school {row_school!r} (known: {', '.join(sorted(schools))})")
        elif school and row_school != school:
            bad("school", f"is {row_school!r} but this import is for {school!r}")
        elif allowed is not None and row_school not in allowed:
            bad("school", f"you may not import people into {row_school!r}")
    person = existing.get(username)
    if person is not None and allowed is not None and person.school_id not in allowed:
        bad("username", f"{username!r} already exists in another school")
    ext = row.get("external_id") or ""
    if ext:
        if len(ext) > NAME_LEN:
            bad("external_id", f"is longer than {NAME_LEN} characters")
        if ext in seen_ext:
            bad("external_id", f"{ext!r} appears twice (also on line {seen_ext[ext]})")
        seen_ext.setdefault(ext, line)
        owner = ext_owner.get(ext)
        if owner and owner != username:
            bad("external_id", f"{ext!r} already belongs to {owner!r}")
    return errors


def import_enrolments(
    session: Session,
    data: bytes,
    *,
    dry_run: bool = False,
    school: str | None = None,
    allowed_schools: set[str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import enrolments; the course is found by its code in the person's school."""
    rows = read_rows(data, ENROLMENT_COLUMNS, ENROLMENT_OPTIONAL)
    report = ImportReport("enrolments", dry_run, rows=len(rows))
    usernames = list({r.get("username", "").lower() for _, r in rows})
    people: dict[str, Person] = {}
    for i in range(0, len(usernames), 500):
        part = usernames[i : i + 500]
        people.update({p.username: p for p in session.scalars(select(Person).where(Person.username.in_(part)))})
    courses = {(c.school_id, c.code): c for c in session.scalars(select(Course))}
    current = {
        (e.person_id, e.course_id, e.role): e
        for e in session.scalars(select(Enrolment).where(Enrolment.person_id.in_([p.id for p in people.values()])))
    }
    seen: dict[tuple, int] = {}
    planned: list[tuple[Person, Course, str, dt.date, dt.date | None]] = []
    for line, row in rows:
        errors, plan = _check_enrolment_row(line, row, school, allowed_schools, people, courses, seen)
        report.errors.extend(errors)
        if plan:
            planned.append(plan)
    if report.errors:
        if not dry_run:
            raise ImportFailed(f"{report.summary()}: fix the rows listed and import the file again", report.as_dict())
        return report
    for n, (person, course, role, start, until) in enumerate(planned, 1):
        enrolment = current.get((person.id, course.id, role))
        if enrolment is None:
            report.created += 1
            if not dry_run:
                session.add(
                    Enrolment(
                        person_id=person.id, course_id=course.id, role=role, active_from=start, active_until=until
                    )
                )
        elif (enrolment.active_from, enrolment.active_until) != (start, until):
            report.updated += 1
            if not dry_run:
                enrolment.active_from, enrolment.active_until = start, until
        else:
            report.unchanged += 1
        if progress and (n % 200 == 0 or n == len(planned)):
            progress(n, len(planned))
    if not dry_run:
        session.flush()
    return report


def _check_enrolment_row(line, row, school, allowed, people, courses, seen):
    if "__error__" in row:
        return [RowError(line, row["__error__"])], None
    errors: list[RowError] = []

    def bad(column: str, message: str) -> None:
        errors.append(RowError(line, f"{column}: {message}", column))

    username = row.get("username", "").lower()
    person = people.get(username)
    if not username:
        bad("username", "is empty")
    elif person is None:
        bad("username", f"no person {username!r} in the record (import people first)")
    elif school and person.school_id != school:
        bad("username", f"{username!r} belongs to school {person.school_id!r}, not {school!r}")
    elif allowed is not None and person.school_id not in allowed:
        bad("username", f"{username!r} is not in your school")
    role = row.get("role", "")
    if role not in ENROLMENT_ROLES:
        bad("role", f"{role!r} is not one of {', '.join(ENROLMENT_ROLES)}")
    elif person is not None:
        if role == "student" and person.role != "student":
            bad("role", f"{username!r} is a {person.role}, not a student")
        if role != "student" and person.role not in ("teacher", "trainer", "school-admin"):
            bad("role", f"{username!r} is a {person.role} and cannot teach a course")
    code = row.get("course_code", "")
    course = None
    if not code or len(code) > CODE_LEN:
        bad("course_code", "is empty" if not code else f"is longer than {CODE_LEN} characters")
    elif person is not None:
        course = courses.get((person.school_id, code))
        if course is None:
            bad("course_code", f"no course {code!r} in school {person.school_id!r}")
    start = until = None
    try:
        start = parse_date(row.get("from", ""))
    except ValueError as exc:
        bad("from", str(exc))
    if row.get("until"):
        try:
            until = parse_date(row["until"])
        except ValueError as exc:
            bad("until", str(exc))
    if start and until and until < start:
        bad("until", f"{until} is before {start}")
    key = (username, code, role)
    if key in seen:
        bad("username", f"{username!r} is enrolled in {code!r} as {role} twice (also on line {seen[key]})")
    seen.setdefault(key, line)
    if errors or person is None or course is None or start is None:
        return errors, None
    return errors, (person, course, role, start, until)


def run_import(session: Session, kind: str, data: bytes, **kwargs) -> ImportReport:
    """Dispatch to :func:`import_people` or :func:`import_enrolments`."""
    if kind == "people":
        return import_people(session, data, **kwargs)
    if kind == "enrolments":
        return import_enrolments(session, data, **kwargs)
    raise ImportFailed(f"unknown import kind {kind!r} (use {' or '.join(KINDS)})")
