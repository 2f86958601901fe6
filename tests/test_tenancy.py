"""Tenancy as data: groups and roles per school, tested against literal expectations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hubtools import SCHOOLS
from mesolab.settings import parse_settings
from mesolab.tenancy import groups_for, hub_groups, hub_roles, membership_from_groups, role_group, school_roles


@pytest.fixture
def settings(tmp_path):
    return parse_settings(yaml.safe_dump({"schools": SCHOOLS[:2]}), tmp_path / "mesolab.yaml")


def test_groups_of_a_person():
    assert groups_for("ict-tirana", "teacher") == ["ict-tirana", "ict-tirana.teachers"]
    assert groups_for("ict-tirana", "school-admin") == ["ict-tirana", "ict-tirana.school-admins"]
    assert groups_for(None, "national-admin") == ["national-admins"]
    with pytest.raises(ValueError, match="needs a school"):
        groups_for(None, "student")
    with pytest.raises(ValueError, match="unknown role 'rector'"):
        role_group("ict-tirana", "rector")


@pytest.mark.parametrize("school", ["ict-tirana", "elektrik-durres"])
@pytest.mark.parametrize("role", ["school-admin", "teacher", "trainer", "student", "national-admin"])
def test_membership_round_trip(school, role):
    groups = groups_for(school, role)
    expected_school = None if role == "national-admin" else school
    assert membership_from_groups(groups + ["some-other-group"]) == (expected_school, role)


def test_membership_of_nobody():
    assert membership_from_groups([]) == (None, None)
    # a role group without the school group is not a membership
    assert membership_from_groups(["ict-tirana.teachers"]) == (None, None)


def test_school_roles_are_group_filtered(settings):
    roles = {r["name"]: r for r in school_roles(settings.schools[0])}
    assert roles["ict-tirana.school-admin"] == {
        "name": "ict-tirana.school-admin",
        "description": "MësoLab administrator of ICT Vocational School, Tirana",
        "scopes": [
            "self",
            "admin-ui",
            "users!group=ict-tirana",
            "list:users!group=ict-tirana",
            "admin:servers!group=ict-tirana",
            "read:groups!group=ict-tirana",
            "read:groups!group=ict-tirana.school-admins",
            "read:groups!group=ict-tirana.teachers",
            "read:groups!group=ict-tirana.trainers",
            "read:groups!group=ict-tirana.students",
            "read:roles:users!group=ict-tirana",
            "access:services!service=mesolab",
        ],
        "groups": ["ict-tirana.school-admins"],
    }
    assert roles["ict-tirana.teacher"] == {
        "name": "ict-tirana.teacher",
        "description": "MësoLab teacher of ICT Vocational School, Tirana",
        "scopes": [
            "self",
            "read:users!group=ict-tirana",
            "list:users!group=ict-tirana",
            "servers!group=ict-tirana.students",
            "read:groups!group=ict-tirana",
            "access:services!service=mesolab",
        ],
        "groups": ["ict-tirana.teachers"],
    }
    assert roles["ict-tirana.trainer"]["scopes"] == roles["ict-tirana.teacher"]["scopes"]
    assert roles["ict-tirana.student"]["scopes"] == ["self", "access:services!service=mesolab"]


def test_no_school_scope_reaches_another_school(settings):
    for role in hub_roles(settings):
        if role["name"] == "national-admin":
            continue
        school = role["name"].split(".")[0]
        for scope in role["scopes"]:
            if "!" in scope:
                _, filt = scope.split("!")
                kind, _, target = filt.partition("=")
                if kind == "group":
                    assert target == school or target.startswith(school + "."), (role["name"], scope)
            else:
                # unfiltered scopes must be harmless ones
                assert scope in ("self", "admin-ui"), (role["name"], scope)


def test_hub_groups(settings):
    groups = hub_groups(settings)
    assert sorted(groups) == sorted(
        [
            "national-admins",
            "ict-tirana",
            "ict-tirana.school-admins",
            "ict-tirana.teachers",
            "ict-tirana.trainers",
            "ict-tirana.students",
            "elektrik-durres",
            "elektrik-durres.school-admins",
            "elektrik-durres.teachers",
            "elektrik-durres.trainers",
            "elektrik-durres.students",
        ]
    )
    assert groups["ict-tirana"] == {
        "mesolab_kind": "school",
        "name_sq": "Shkolla Profesionale e TIK, Tiranë",
        "name_en": "ICT Vocational School, Tirana",
        "colour": "#1f5fbf",
    }


def test_settings_path_is_kept(settings):
    assert isinstance(settings.path, Path)
