"""The record as single source of truth: schools from the settings file, hub users from people.

* :func:`ensure_schools` makes the ``schools`` table match the settings file (run at every
  service start): new schools are added, names and time zones updated, schools no longer
  in the file are marked inactive (never deleted: people and grades refer to them).
* :func:`provision_hub` creates the hub groups and users, with their MësoLab groups, for
  every active person of the record, through :func:`mesolab.provision.ensure_hub`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..hubapi import HubAPI
from ..provision import Person as HubPerson
from ..provision import ensure_hub
from ..settings import Settings
from .models import Person, School


def ensure_schools(session: Session, settings: Settings) -> list[str]:
    """Make the schools table match ``settings.schools``; return the changes made."""
    have = {s.id: s for s in session.scalars(select(School))}
    changes: list[str] = []
    for school in settings.schools:
        wanted = {
            "name_sq": school.name_sq,
            "name_en": school.name_en,
            "language": school.language,
            "timezone": school.timezone,
            "active": True,
        }
        row = have.pop(school.id, None)
        if row is None:
            session.add(School(id=school.id, **wanted))
            changes.append(f"added school {school.id}")
            continue
        diff = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        if diff:
            for key, value in diff.items():
                setattr(row, key, value)
            changes.append(f"updated school {school.id}: {', '.join(sorted(diff))}")
    for row in have.values():
        if row.active:
            row.active = False
            changes.append(f"deactivated school {row.id} (no longer in the settings file)")
    session.flush()
    return changes


def hub_people(session: Session) -> list[HubPerson]:
    """Every active person of the record, as :class:`mesolab.provision.Person`."""
    rows = session.scalars(select(Person).where(Person.active.is_(True)).order_by(Person.username))
    return [HubPerson(username=p.username, school=p.school_id, role=p.role, name=p.display_name) for p in rows]


def provision_hub(session: Session, api: HubAPI, settings: Settings) -> list[str]:
    """Provision the hub's groups and users from the record; return the changes made."""
    return ensure_hub(api, settings, hub_people(session))


def ensure_people(session: Session, people: list[HubPerson]) -> list[str]:
    """Make the record hold ``people`` (by username) with their school, role and name."""
    have = {p.username: p for p in session.scalars(select(Person))}
    changes: list[str] = []
    for person in people:
        first, _, last = (person.name or person.username).partition(" ")
        wanted = {
            "first_name": first,
            "last_name": last,
            "school_id": person.school,
            "role": person.role,
            "active": True,
        }
        row = have.get(person.username)
        if row is None:
            session.add(Person(username=person.username, **wanted))
            changes.append(f"added {person.username} to the record")
            continue
        diff = {k: v for k, v in wanted.items() if getattr(row, k) != v}
        for key, value in diff.items():
            setattr(row, key, value)
        if diff:
            changes.append(f"updated {person.username}: {', '.join(sorted(diff))}")
    session.flush()
    return changes


def ensure_course(
    session: Session, school_id: str, code: str, name: str, qualification_code: str, year: int, members: dict[str, str]
) -> list[str]:
    """A course of ``school_id`` with ``members`` ({username: student|teacher|trainer}) enrolled."""
    import datetime as dt

    from .models import Course, Enrolment

    changes: list[str] = []
    course = session.scalar(select(Course).where(Course.school_id == school_id, Course.code == code))
    if course is None:
        course = Course(school_id=school_id, code=code, name=name, qualification_code=qualification_code, year=year)
        session.add(course)
        session.flush()
        changes.append(f"added course {school_id}/{code}")
    people = {p.username: p for p in session.scalars(select(Person).where(Person.username.in_(list(members))))}
    enrolled = {
        (e.person_id, e.role) for e in session.scalars(select(Enrolment).where(Enrolment.course_id == course.id))
    }
    for username, role in members.items():
        person = people[username]
        if (person.id, role) not in enrolled:
            session.add(Enrolment(person_id=person.id, course_id=course.id, role=role, active_from=dt.date(2026, 9, 1)))
            changes.append(f"enrolled {username} in {code} as {role}")
    session.flush()
    return changes
