"""Endpoints about who is who: ``/me``, ``/schools``, ``/people``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy import or_, select

from ..record.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..record.models import Person, School
from ..tenancy import NATIONAL_ADMIN
from .deps import PagingDep, PrincipalDep, SessionDep, page
from .permissions import people_visible, require_admin_of, schools_visible
from .schemas import MeOut, Page, PersonCreate, PersonOut, PersonUpdate, Role, SchoolId, SchoolOut

router = APIRouter()
UsernamePath = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9._@-]*$")]
SchoolPath = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


def person_out(p: Person) -> PersonOut:
    return PersonOut.model_validate(p)


@router.get("/me", response_model=MeOut, tags=["me"], summary="Who am I: my person, school and role")
def me(session: SessionDep, principal: PrincipalDep):
    person = session.scalar(select(Person).where(Person.username == principal.username))
    school = session.get(School, principal.school) if principal.school else None
    return MeOut(
        username=principal.username,
        kind=principal.kind,
        role=principal.role,
        school=SchoolOut.model_validate(school) if school else None,
        person=person_out(person) if person else None,
    )


@router.get("/schools", response_model=Page[SchoolOut], tags=["schools"], summary="List schools")
def list_schools(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    active: Annotated[bool | None, Query(description="Only active (or inactive) schools.")] = None,
):
    conditions = [schools_visible(principal, School.id)]
    if active is not None:
        conditions.append(School.active.is_(active))
    return page(session, School, conditions, [School.id], paging)


@router.get("/schools/{school_id}", response_model=SchoolOut, tags=["schools"], summary="One school")
def get_school(school_id: SchoolPath, session: SessionDep, principal: PrincipalDep):
    school = session.scalar(select(School).where(School.id == school_id, schools_visible(principal, School.id)))
    if school is None:
        raise NotFound(f"no school {school_id!r} that you can see")
    return school


@router.get("/people", response_model=Page[PersonOut], tags=["people"], summary="List people")
def list_people(
    session: SessionDep,
    principal: PrincipalDep,
    paging: PagingDep,
    school: Annotated[SchoolId | None, Query(description="Only people of this school.")] = None,
    role: Annotated[Role | None, Query(description="Only people with this role.")] = None,
    active: Annotated[bool | None, Query(description="Only active (or inactive) people.")] = None,
    q: Annotated[
        str | None, Query(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$", description="Text in the username or names.")
    ] = None,
):
    conditions = [people_visible(principal)]
    if school:
        conditions.append(Person.school_id == school)
    if role:
        conditions.append(Person.role == role)
    if active is not None:
        conditions.append(Person.active.is_(active))
    if q:
        like = f"%{q.lower()}%"
        conditions.append(or_(Person.username.like(like), Person.first_name.ilike(like), Person.last_name.ilike(like)))
    return page(session, Person, conditions, [Person.username], paging, person_out)


def visible_person(session, principal, username: str) -> Person:
    person = session.scalar(select(Person).where(Person.username == username, people_visible(principal)))
    if person is None:
        raise NotFound(f"no person {username!r} that you can see")
    return person


@router.get("/people/{username}", response_model=PersonOut, tags=["people"], summary="One person")
def get_person(username: UsernamePath, session: SessionDep, principal: PrincipalDep):
    return person_out(visible_person(session, principal, username))


def _check_school_role(session, principal, school_id: str | None, role: str) -> None:
    if role == NATIONAL_ADMIN:
        if school_id:
            raise ValidationFailed("a national-admin has no school: leave school_id empty")
        if not principal.national:
            raise Forbidden("only a national administrator can make national administrators")
        return
    if not school_id:
        raise ValidationFailed(f"a {role} needs a school_id")
    if session.get(School, school_id) is None:
        raise ValidationFailed(f"unknown school {school_id!r}")
    require_admin_of(principal, school_id, "manage people")


@router.post(
    "/people", response_model=PersonOut, status_code=201, tags=["people"], summary="Add a person (administrators)"
)
def create_person(body: PersonCreate, session: SessionDep, principal: PrincipalDep):
    if not (principal.national or principal.school_admin):
        raise Forbidden("only administrators may add people")
    _check_school_role(session, principal, body.school_id, body.role)
    if session.scalar(select(Person.id).where(Person.username == body.username)) is not None:
        raise Conflict(f"the username {body.username!r} is already in the record")
    person = Person(**body.model_dump(), active=True)
    session.add(person)
    session.commit()
    return person_out(person)


@router.patch(
    "/people/{username}", response_model=PersonOut, tags=["people"], summary="Change a person (administrators)"
)
def update_person(username: UsernamePath, body: PersonUpdate, session: SessionDep, principal: PrincipalDep):
    person = visible_person(session, principal, username)
    if person.role == NATIONAL_ADMIN:
        if not principal.national:
            raise Forbidden("only a national administrator can change a national administrator")
    else:
        require_admin_of(principal, person.school_id, "change people")
    changes = body.model_dump(exclude_unset=True)
    if "role" in changes or "school_id" in changes:
        role = changes.get("role") or person.role
        school_id = changes["school_id"] if "school_id" in changes else person.school_id
        if role == NATIONAL_ADMIN:
            school_id = changes["school_id"] = None
        _check_school_role(session, principal, school_id, role)
    for key, value in changes.items():
        if value is None and key in ("first_name", "last_name", "role", "active"):
            raise ValidationFailed(f"{key} cannot be empty")
        setattr(person, key, value)
    session.commit()
    return person_out(person)
