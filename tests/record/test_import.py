"""CSV import: good files as schools have them, bad files reported row by row, nothing imported."""

import pytest
from recordtools import NATIONAL, A, B, username
from sqlalchemy import func, select

from mesolab.record import db
from mesolab.record.csvimport import import_enrolments, import_people
from mesolab.record.errors import ImportFailed
from mesolab.record.models import AuditEntry, Enrolment, Person

PEOPLE = """username;first_name;last_name;school;role;external_id
ana.kelmendi;Ana;Kelmendi;ict-tirana;student;oidc-101
engjell.cela;Ëngjëll;Çela;ict-tirana;teacher;
dritero.bregu;Dritëro;Bregu;mek-durres;student;oidc-103
"""


def run(sessions, fn, data, **kw):
    with db.transaction(sessions, "cli:test") as s:
        return fn(s, data, **kw)


def people_count(sessions):
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(Person))


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),  # Excel's "CSV UTF-8"
        lambda t: t.replace(";", ",").replace("\n", "\r\n").encode("utf-8"),  # commas, Windows line ends
    ],
    ids=["utf8", "bom", "comma-crlf"],
)
def test_good_people(sessions, world, encode):
    before = people_count(sessions)
    dry = run(sessions, import_people, encode(PEOPLE), dry_run=True)
    assert dry.ok and dry.created == 3 and people_count(sessions) == before
    report = run(sessions, import_people, encode(PEOPLE))
    assert (report.created, report.updated) == (3, 0)
    with sessions() as s:
        p = s.scalar(select(Person).where(Person.username == "engjell.cela"))
        assert (p.display_name, p.role, p.school_id) == ("Ëngjëll Çela", "teacher", A)
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.actor == "cli:test")) == 3
    again = run(sessions, import_people, encode(PEOPLE))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_wrong_encoding_is_a_file_level_error(sessions, world):
    with pytest.raises(ImportFailed, match="not UTF-8.*line 3.*CSV UTF-8"):
        run(sessions, import_people, PEOPLE.encode("cp1252"))


def test_missing_columns(sessions, world):
    with pytest.raises(ImportFailed, match="missing column.*last_name"):
        run(sessions, import_people, b"username;first_name;school;role\nana;Ana;ict-tirana;student\n")


BAD_PEOPLE = """username;first_name;last_name;school;role;external_id
ana.kelmendi;Ana;Kelmendi;ict-tirana;student;oidc-101
ana.kelmendi;Ana;Kelmendi;ict-tirana;student;
besa;Besa;;shkolla-x;student;oidc-101
Drita Hoxha;Drita;Hoxha;ict-tirana;mësues;
ok.person;Ok;Person;ict-tirana;student;oidc-{ext}
"""


def test_bad_rows_reported_and_nothing_imported(sessions, world):
    before = people_count(sessions)
    data = BAD_PEOPLE.replace("{ext}", f"{'nxenes'}-{A}").encode()
    dry = run(sessions, import_people, data, dry_run=True)
    found = {(e.line, e.column) for e in dry.errors}
    assert found == {
        (3, "username"),  # duplicate username (also on line 2)
        (4, "last_name"),
        (4, "school"),  # unknown school
        (4, "external_id"),  # duplicate external id
        (5, "username"),  # not a valid username
        (5, "role"),
        (6, "external_id"),  # belongs to someone else already
    }
    assert any("also on line 2" in e.message for e in dry.errors)
    assert any("unknown school 'shkolla-x'" in e.message for e in dry.errors)
    with pytest.raises(ImportFailed) as exc:
        run(sessions, import_people, data)
    assert len(exc.value.report["errors"]) == 7
    assert people_count(sessions) == before


ENROLMENTS = f"""username,course_code,role,from,until
{username("nxenes2", A)},PRG2,student,2025-09-15,
{username("trajner", A)},PRG1,trainer,15.09.2025,30.06.2026
"""


def test_good_enrolments(sessions, world):
    report = run(sessions, import_enrolments, ENROLMENTS.encode())
    assert report.ok and report.created == 2
    with sessions() as s:
        e = s.scalar(
            select(Enrolment).where(
                Enrolment.person_id == world.people[username("trajner", A)],
                Enrolment.role == "trainer",
                Enrolment.active_until.is_not(None),
            )
        )
        assert str(e.active_until) == "2026-06-30"


def test_bad_enrolments(sessions, world):
    bad = f"""username;course_code;role;from;until
nobody;PRG1;student;2025-09-15;
{username("nxenes", A)};NOPE;student;2025-09-15;
{username("mesues", A)};PRG1;student;2025-09-15;
{username("nxenes", A)};PRG1;student;15/13/2025;
{username("nxenes", A)};PRG2;student;2025-09-15;2025-01-01
"""
    dry = run(sessions, import_enrolments, bad.encode(), dry_run=True)
    assert {(e.line, e.column) for e in dry.errors} == {
        (2, "username"),
        (3, "course_code"),
        (4, "role"),
        (5, "from"),
        (6, "until"),
    }
    with sessions() as s:
        before = s.scalar(select(func.count()).select_from(Enrolment))
    with pytest.raises(ImportFailed):
        run(sessions, import_enrolments, bad.encode())
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Enrolment)) == before


def test_school_admin_scope(sessions, world):
    report = run(sessions, import_people, PEOPLE.encode(), dry_run=True, allowed_schools={A})
    assert [(e.line, e.column) for e in report.errors] == [(4, "school")]


def test_school_option_fills_empty_cells(sessions, world):
    data = b"username;first_name;last_name;role\nzana;Zana;Gjoni;student\n"
    assert run(sessions, import_people, data, school=B).created == 1


def test_api_import(api, world):
    admin = api.as_(username("drejtor", A))
    csv = "username;first_name;last_name;school;role\nlule.dervishi;Lulë;Dervishi;ict-tirana;student\n".encode()
    r = admin.post("/import/people", params={"dry_run": True}, content=csv, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200 and r.json()["created"] == 1 and r.json()["dry_run"]
    assert api.as_(NATIONAL).get("/people/lule.dervishi").status_code == 404
    r = admin.post("/import/people", content=csv, headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    assert api.as_(NATIONAL).get("/people/lule.dervishi").json()["display_name"] == "Lulë Dervishi"
    r = admin.post("/import/people", content=PEOPLE.encode("latin-1", errors="replace").replace(b"?", b"\xeb"))
    assert r.status_code == 422 and r.json()["error"] == "import-failed" and "UTF-8" in r.json()["message"]
    bad = b"username;first_name;last_name;school;role\nx;X;Y;mek-durres;student\n"
    r = admin.post("/import/people", content=bad)
    assert r.status_code == 422 and r.json()["rows"] == [
        {"line": 2, "column": "school", "message": "school: you may not import people into 'mek-durres'"}
    ]
