"""The service's page for people: "my courses, my plan, my grades", one click from the hub.

``GET <prefix>`` (``/services/mesolab/``) renders, for the logged-in person, what the API
would answer them: their courses, their grades (staff: the latest grades of their school's
courses), and their learning plans with the goals done. Every text is in Albanian and
English; the language follows the hub's ``mesolab-lang`` cookie. A browser that is not
logged in is sent through the hub's OAuth login first. What a person sees is decided by the
same permission filters as the API (:mod:`mesolab.service.permissions`).
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from ..errors import MesoLabError
from ..plans.models import Goal, Plan
from ..record.models import Assignment, Course, Enrolment, Grade, Person, School
from .permissions import Principal, courses_visible, grades_visible, principal_from_user

ROLE = {
    "national-admin": ("Administrator kombëtar", "National administrator"),
    "school-admin": ("Administrator i shkollës", "School administrator"),
    "teacher": ("Mësues", "Teacher"),
    "trainer": ("Trajner", "Trainer"),
    "student": ("Nxënës", "Student"),
}


def t(sq: str, en: str) -> str:
    return f'<span lang="sq">{escape(sq)}</span><span lang="en">{escape(en)}</span>'


def _courses(session, p: Principal) -> list[Course]:
    if p.role in ("teacher", "trainer", "student"):
        person = select(Person.id).where(Person.username == p.username).scalar_subquery()
        taken = select(Enrolment.course_id).where(Enrolment.person_id == person)
        return list(session.scalars(select(Course).where(Course.id.in_(taken)).order_by(Course.code)))
    return list(session.scalars(select(Course).where(courses_visible(p)).order_by(Course.school_id, Course.code)))


def _grades(session, p: Principal) -> list[tuple[Grade, Assignment, Course, Person]]:
    query = (
        select(Grade, Assignment, Course, Person)
        .join(Assignment, Assignment.id == Grade.assignment_id)
        .join(Course, Course.id == Assignment.course_id)
        .join(Person, Person.id == Grade.student_id)
        .where(grades_visible(p))
        .order_by(Grade.graded_at.desc())
        .limit(50)
    )
    return list(session.execute(query).all())


def _plans(session, p: Principal) -> list[tuple[Plan, int, int]]:
    person = select(Person.id).where(Person.username == p.username).scalar_subquery()
    plans = list(session.scalars(select(Plan).where(Plan.student_id == person)))
    out = []
    for plan in plans:
        total = session.scalar(select(func.count()).select_from(Goal).where(Goal.plan_id == plan.id)) or 0
        done = session.scalar(select(func.count()).select_from(Goal).where(Goal.plan_id == plan.id, Goal.done)) or 0
        out.append((plan, done, total))
    return out


def render(session, p: Principal, hub_home: str) -> str:
    school = session.get(School, p.school) if p.school else None
    role_sq, role_en = ROLE.get(p.role or "", ("", ""))
    courses = _courses(session, p)
    grades = _grades(session, p)
    rows = (
        "".join(
            f"<tr><td>{escape(c.code)}</td><td>{escape(c.name)}</td><td>{escape(c.qualification_code)}</td>"
            f"<td>{c.year}</td></tr>"
            for c in courses
        )
        or f'<tr><td colspan="4">{t("Asnjë kurs ende.", "No courses yet.")}</td></tr>'
    )
    staff = p.role != "student"
    grade_rows = (
        "".join(
            f"<tr>{f'<td>{escape(s.username)}</td>' if staff else ''}<td>{escape(c.code)}</td><td>{escape(a.name)}</td>"
            f"<td class='num'>{g.score:g} / {g.max_score:g}</td><td>{escape(g.source)}</td>"
            f"<td>{g.graded_at:%Y-%m-%d %H:%M}</td></tr>"
            for g, a, c, s in grades
        )
        or f'<tr><td colspan="6">{t("Asnjë notë ende.", "No grades yet.")}</td></tr>'
    )
    plan_html = ""
    if p.role == "student":
        plans = _plans(session, p)
        items = (
            "".join(
                f"<li>{escape(plan.title)} — {t('objektiva të arritura', 'goals done')}: {done}/{total}</li>"
                for plan, done, total in plans
            )
            or f"<li>{t('Ende pa plan.', 'No plan yet.')}</li>"
        )
        plan_html = f"""<section id="my-plan"><h2>{t("Plani im", "My plan")}</h2><ul>{items}</ul>
<p class="hint">{t("Në JupyterLab:", "In JupyterLab:")} <code>from mesolab_lab import my_plan; my_plan()</code></p></section>"""
    name = f"{escape(school.name_sq)}" if school else "MësoLab"
    name_en = f"{escape(school.name_en)}" if school else "MësoLab"
    grade_head = f"<th>{t('Nxënësi', 'Student')}</th>" if staff else ""
    return f"""<!doctype html>
<html lang="sq" data-mesolab-lang="sq"><head><meta charset="utf-8"><title>MësoLab</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>(function(){{var m=document.cookie.match(/(?:^|; )mesolab-lang=(sq|en)/);
var l=m?m[1]:"{escape(school.language if school else "sq")}";document.documentElement.setAttribute("data-mesolab-lang",l);
document.documentElement.setAttribute("lang",l);}})();</script>
<style>
html[data-mesolab-lang="sq"] [lang="en"]:not(html), html[data-mesolab-lang="en"] [lang="sq"]:not(html) {{ display: none; }}
body {{ font-family: system-ui, sans-serif; margin: 0; color: #222; }}
header {{ background: #f6f7f9; padding: .8rem 1.2rem; display: flex; justify-content: space-between; align-items: center; }}
main {{ max-width: 60rem; margin: 1rem auto; padding: 0 1rem; }}
section {{ border: 1px solid #ddd; border-radius: .5rem; padding: .5rem 1rem 1rem; margin-bottom: 1rem; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; }}
.num {{ text-align: right; }} .hint {{ color: #666; }} button {{ border: 0; background: none; text-decoration: underline; cursor: pointer; }}
</style></head><body>
<header><div><strong>MësoLab</strong> · <span id="school">{t(name, name_en)}</span> · <span id="role">{t(role_sq, role_en)}</span>
 · <span id="me">{escape(p.username)}</span></div>
<div><button onclick="lang('sq')">Shqip</button>|<button onclick="lang('en')">English</button>
 · <a href="{escape(hub_home)}">{t("Faqja kryesore", "Home")}</a></div></header>
<main>
<section id="my-courses"><h2>{t("Kurset e mia", "My courses")}</h2><table>
<tr><th>{t("Kodi", "Code")}</th><th>{t("Kursi", "Course")}</th><th>{t("Kualifikimi", "Qualification")}</th><th>{t("Viti", "Year")}</th></tr>
{rows}</table></section>
<section id="my-grades"><h2>{t("Notat e mia", "My grades") if not staff else t("Notat e fundit", "Latest grades")}</h2><table>
<tr>{grade_head}<th>{t("Kursi", "Course")}</th><th>{t("Detyra", "Assignment")}</th><th>{t("Pikët", "Points")}</th>
<th>{t("Burimi", "Source")}</th><th>{t("Vlerësuar", "Graded")}</th></tr>
{grade_rows}</table></section>
{plan_html}
</main>
<script>function lang(l){{document.cookie="mesolab-lang="+l+"; path=/; max-age=31536000; SameSite=Lax";
document.documentElement.setAttribute("data-mesolab-lang",l);document.documentElement.setAttribute("lang",l);}}</script>
</body></html>"""


def pages_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    async def dashboard(request: Request):
        auth = request.app.state.authenticator
        config = request.app.state.config
        try:
            user = await auth.user(request)
        except MesoLabError as exc:
            if exc.status == 401:
                return auth.login_redirect(config.base_url)
            raise
        principal = principal_from_user(user, config.trusted_services)
        hub_home = "/hub/home"
        with request.app.state.sessions() as session:
            return HTMLResponse(render(session, principal, hub_home))

    return router
