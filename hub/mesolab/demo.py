"""``mesolab demo``: the whole platform on one machine, with three demo schools.

The demo runs the hub on http://127.0.0.1:8000 with SQLite in ``demo/state/`` and provisions
three schools — an ICT school, an electrical school and a hospitality school — each with a
school admin, two teachers and ten students, plus one national admin. Every demo account has
the password :data:`DEMO_PASSWORD`. Ctrl-C stops everything the demo started; starting
again reuses the state (provisioning is idempotent, so nothing is created twice).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from .hubapi import HubAPI
from .hubprocess import HubProcess
from .local_accounts import ensure_local_accounts
from .paths import SOURCE_ROOT
from .provision import Person
from .secrets import ensure_secrets
from .settings import Settings, load_settings

DEMO_PASSWORD = "mesolab-demo"
DEMO_SETTINGS = SOURCE_ROOT / "demo" / "mesolab.yaml"

# Short name of each demo school in usernames, e.g. mesues1.ict
SHORT = {"ict-tirana": "ict", "elektrik-durres": "elektrik", "hoteleri-vlore": "hoteleri"}

FIRST = [
    "Ardit",
    "Ëndrit",
    "Besa",
    "Çlirim",
    "Drita",
    "Elira",
    "Flutura",
    "Gëzim",
    "Hana",
    "Ilir",
    "Jonida",
    "Klea",
    "Lorenc",
    "Mirela",
    "Nertila",
    "Orges",
    "Përparim",
    "Rezarta",
    "Sokol",
    "Teuta",
]
LAST = ["Hoxha", "Çela", "Kërçiku", "Dervishi", "Gjoka", "Shehu", "Leka", "Muça", "Basha", "Zeqiri"]


def _name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}"


def demo_people(settings: Settings) -> list[Person]:
    """The demo's people: deterministic, so a restart finds the same accounts."""
    people = [Person("admin.kombetar", None, "national-admin", "Mimoza Kombëtare", DEMO_PASSWORD)]
    n = 0
    for school in settings.schools:
        short = SHORT.get(school.id, school.id)
        people.append(Person(f"admin.{short}", school.id, "school-admin", _name(n), DEMO_PASSWORD))
        n += 1
        for t in (1, 2):
            people.append(Person(f"mesues{t}.{short}", school.id, "teacher", _name(n), DEMO_PASSWORD))
            n += 1
        for s in range(1, 11):
            people.append(Person(f"nxenes{s:02d}.{short}", school.id, "student", _name(n), DEMO_PASSWORD))
            n += 1
    return people


DEMO_COURSES = {
    "ict-tirana": ("TIK-10", "Programim bazë në Python", "TIK-3.1"),
    "elektrik-durres": ("ELE-10", "Elektroteknikë: ligji i Ohmit", "ELE-2.4"),
    "hoteleri-vlore": ("HOT-10", "Kostimi i menusë", "HOT-1.2"),
}


def seed_record(settings: Settings, people: list[Person]) -> list[str]:
    """The demo's people and one course per school (with its teachers and students) in the record."""
    from .record import db
    from .record.sync import ensure_course, ensure_people, ensure_schools

    engine = db.make_engine(record_db_url(settings))
    try:
        db.upgrade(engine)
        with db.transaction(db.session_factory(engine), actor="mesolab-demo") as session:
            changes = ensure_schools(session, settings)
            changes += ensure_people(session, people)
            for school in settings.schools:
                if school.id not in DEMO_COURSES:
                    continue
                code, name, qualification = DEMO_COURSES[school.id]
                members = {
                    p.username: p.role for p in people if p.school == school.id and p.role in ("teacher", "student")
                }
                changes += ensure_course(session, school.id, code, name, qualification, 2026, members)
        return changes
    finally:
        engine.dispose()


def record_db_url(settings: Settings) -> str:
    from .record import db

    return settings.section("service").get("db_url") or db.default_db_url(settings.state_dir)


def wait_for_service(settings: Settings, timeout: float = 60.0) -> None:
    """Wait until the hub-managed MësoLab service answers (it migrates its database first)."""
    import time

    import httpx

    from .hubprocess import HubStartError

    url = settings.bind_url.rstrip("/") + "/services/mesolab/api/v1/openapi.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise HubStartError(f"the MësoLab service did not answer at {url} within {timeout:.0f}s")


def provision_demo(settings: Settings, api: HubAPI, coursework: bool = True) -> list[str]:
    """The demo's record, then the hub from the record, then local accounts (idempotent)."""
    from .record import db
    from .record.sync import provision_hub

    wait_for_service(settings)
    people = demo_people(settings)
    changes = seed_record(settings, people)
    from .plans.demo_data import seed_plans

    changes += seed_plans(settings)  # every demo student's learning plan
    engine = db.make_engine(record_db_url(settings))
    try:
        with db.session_factory(engine)() as session:
            changes += provision_hub(session, api, settings)
    finally:
        engine.dispose()
    minimum = settings.section("auth").get("local", {}).get("minimum_password_length", 8)
    changes += ensure_local_accounts(settings.hub_db_url, people, minimum)
    if coursework:
        from .demo_coursework import seed_coursework

        changes += seed_coursework(settings, record_db_url(settings))
    return changes


def banner(settings: Settings) -> str:
    people = demo_people(settings)
    lines = [
        "",
        f"MësoLab demo: {settings.bind_url}",
        f"Password of every demo account: {DEMO_PASSWORD}",
        "  national admin: admin.kombetar",
    ]
    for school in settings.schools:
        mine = [p.username for p in people if p.school == school.id]
        lines.append(f"  {school.name_sq}: {', '.join(mine[:3])}, {mine[3]} … {mine[-1]}")
    lines.append("Ctrl-C stops the demo.")
    return "\n".join(lines)


def run_demo(settings_path: Path) -> int:
    settings = load_settings(settings_path)
    secrets = ensure_secrets(settings.state_dir)
    hub = HubProcess(settings)
    print(f"Starting the hub (log: {hub.log_path}) …", flush=True)
    hub.start(timeout=120)

    def _stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        with HubAPI(hub.api_url, secrets.service_token) as api:
            changes = provision_demo(settings, api)
        print(f"Provisioned: {len(changes)} changes" if changes else "Provisioning: already up to date")
        print(banner(settings), flush=True)
        return hub.wait()
    except KeyboardInterrupt:
        print("\nStopping the demo …", file=sys.stderr)
        return 0
    finally:
        hub.stop()


def _cmd(args) -> int:
    return run_demo(Path(args.settings))


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the demo hub with three demo schools on http://127.0.0.1:8000")
    p.add_argument("--settings", default=str(DEMO_SETTINGS), help="settings file (default: demo/mesolab.yaml)")
    p.set_defaults(func=_cmd)
