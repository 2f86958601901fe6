"""Intensive one-day workshop for trainers: teaching with notebooks, in four parts with checkpoints.

The trainers work through the same tools their students will use; each part ends with a
checkpoint (an autograded exercise), so the workshop leader sees in Formgrader who is where.
"""

from authoring import Assignment, Template, checks, code, dedent, md, notebook, solution, tests, tr, written

SCHEDULE = {
    "sq": """
        | Ora | Pjesa | Pika kontrolli |
        |---|---|---|
        | 08:30–09:00 | Hyrje, hyrja në MësoLab, skedat *Files* dhe *Assignments* | të gjithë kanë hapur këtë fletore |
        | 09:00–10:30 | **1. Jupyter dhe Python për mësuesit** | ✔ Pika 1: funksioni `mesatarja` |
        | 10:30–10:45 | Pushim | |
        | 10:45–12:15 | **2. Një mësim interaktiv me ipywidgets** | ✔ Pika 2: funksioni `cmimi_me_tvsh` + rrëshqitësi |
        | 12:15–13:00 | Drekë | |
        | 13:00–14:30 | **3. Një detyrë me vlerësim automatik** | ✔ Pika 3: një test që nuk mashtrohet |
        | 14:30–14:45 | Pushim | |
        | 14:45–16:00 | **4. Vlerësimi, feedback-u dhe rezultatet e klasës** | ✔ Pika 4: përmbledhja me pandas |
        | 16:00–16:30 | Plani personal dhe mbyllja | ✔ reflektimi i shkruar |
        """,
    "en": """
        | Time | Part | Checkpoint |
        |---|---|---|
        | 08:30–09:00 | Welcome, logging in to MësoLab, the *Files* and *Assignments* tabs | everyone has opened this notebook |
        | 09:00–10:30 | **1. Jupyter and Python for teachers** | ✔ Checkpoint 1: the `mean` function |
        | 10:30–10:45 | Break | |
        | 10:45–12:15 | **2. An interactive lesson with ipywidgets** | ✔ Checkpoint 2: the `price_with_vat` function + slider |
        | 12:15–13:00 | Lunch | |
        | 13:00–14:30 | **3. An autograded assignment** | ✔ Checkpoint 3: a test that cannot be fooled |
        | 14:30–14:45 | Break | |
        | 14:45–16:00 | **4. Grading, feedback and class results** | ✔ Checkpoint 4: the summary with pandas |
        | 16:00–16:30 | Personal plan and closing | ✔ the written reflection |
        """,
}


def day_plan(lang: str):
    t = tr(lang)
    return notebook(
        [
            md(
                t(
                    """
                    # Punëtori intensive për trajnerët: mësimdhënia me fletore Jupyter

                    **Për:** mësues dhe instruktorë të shkollave profesionale · **Kohëzgjatja:** 1 ditë (8 orë)

                    Qëllimi i ditës: çdo trajner del me një mësim interaktiv dhe një detyrë me vlerësim automatik
                    për profilin e vet, të gatshme për klasën.

                    Punëtoria ka katër pjesë, secila në fletoren e vet. Çdo pjesë mbyllet me një **pikë kontrolli**:
                    një ushtrim i vogël që vlerësohet automatikisht, që drejtuesi i punëtorisë të shohë kush ka
                    mbaruar dhe kush ka nevojë për ndihmë.
                    """,
                    """
                    # Intensive workshop for trainers: teaching with Jupyter notebooks

                    **For:** teachers and instructors of vocational schools · **Duration:** 1 day (8 hours)

                    Goal of the day: every trainer leaves with an interactive lesson and an autograded assignment
                    for their own trade, ready for the classroom.

                    The workshop has four parts, each in its own notebook. Every part ends with a **checkpoint**:
                    a small exercise graded automatically, so the workshop leader sees who is done and who needs help.
                    """,
                ),
                "intro",
            ),
            md(t("## Plani i ditës\n\n", "## The plan of the day\n\n") + dedent(SCHEDULE[lang])),
            md(
                t(
                    """
                    ## Për drejtuesin e punëtorisë

                    * Një ditë më parë: krijoni kursin nga shablloni **trajnim-intensiv** dhe publikoni (*Release*)
                      detyrën `punetoria`; kontrolloni që çdo pjesëmarrës ka llogari.
                    * Gjatë ditës: pas çdo pike kontrolli, pjesëmarrësit dorëzojnë (*Submit*); në *Formgrader*
                      shihni kush i ka kaluar testet dhe ndihmoni të tjerët gjatë pushimit.
                    * Në fund: jepni feedback për reflektimin e shkruar (pjesa 4).

                    **Materialet:** kompjuter me shfletues për çdo pjesëmarrës, projektor, lidhje me MësoLab.
                    """,
                    """
                    ## For the workshop leader

                    * The day before: create the course from the **trajnim-intensiv** template and release the
                      `workshop` assignment; check that every participant has an account.
                    * During the day: after each checkpoint the participants submit; in *Formgrader* see who passed
                      the tests and help the others during the break.
                    * At the end: give feedback on the written reflection (part 4).

                    **Materials:** a computer with a browser for every participant, a projector, access to MësoLab.
                    """,
                )
            ),
            code(
                t(
                    'import sys\n\nprint("Gati! Python", sys.version.split()[0])',
                    'import sys\n\nprint("Ready! Python", sys.version.split()[0])',
                )
            ),
        ],
        template="trajnim-intensiv",
        kind="workshop",
        lang=lang,
    )


def part1(lang: str):
    t = tr(lang)
    MEAN = t("mesatarja", "mean")
    return notebook(
        [
            md(
                t(
                    """
                    # Pjesa 1 — Jupyter dhe Python për mësuesit (09:00–10:30)

                    * Qelizat: tekst (Markdown) dhe kod; **Shift + Enter** ekzekuton.
                    * Variablat, listat, funksionet: mjaftojnë për shumicën e ushtrimeve të klasës.
                    * Gabimet janë normale: lexoni rreshtin e fundit të mesazhit.
                    """,
                    """
                    # Part 1 — Jupyter and Python for teachers (09:00–10:30)

                    * Cells: text (Markdown) and code; **Shift + Enter** runs them.
                    * Variables, lists, functions: enough for most classroom exercises.
                    * Errors are normal: read the last line of the message.
                    """,
                ),
                "intro",
            ),
            code(
                t(
                    """
                    notat = [7, 9, 10, 6, 8]
                    print("Numri i notave:", len(notat))
                    print("Nota më e lartë:", max(notat))
                    """,
                    """
                    grades = [7, 9, 10, 6, 8]
                    print("Number of grades:", len(grades))
                    print("Highest grade:", max(grades))
                    """,
                )
            ),
            md(
                t(
                    f"### ✔ Pika e kontrollit 1\n\nShkruani `{MEAN}(vlerat)` që kthen mesataren e një liste numrash.",
                    f"### ✔ Checkpoint 1\n\nWrite `{MEAN}(values)` returning the mean of a list of numbers.",
                )
            ),
            solution(
                MEAN,
                t(
                    """
                    def mesatarja(vlerat):
                        ### BEGIN SOLUTION
                        return sum(vlerat) / len(vlerat)
                        ### END SOLUTION
                    """,
                    """
                    def mean(values):
                        ### BEGIN SOLUTION
                        return sum(values) / len(values)
                        ### END SOLUTION
                    """,
                ),
            ),
            tests(
                f"test_{MEAN}",
                1,
                prelude=checks(lang),
                source=f"""
                assert math.isclose(_num({MEAN}([7, 9, 10, 6, 8])), 8)
                ### BEGIN HIDDEN TESTS
                for values in ([1], [2.5, 3.5], [10, 0, 0, 0, 5]):
                    assert math.isclose(_num({MEAN}(values)), sum(values) / len(values))
                ### END HIDDEN TESTS
                """,
            ),
        ],
        template="trajnim-intensiv",
        kind="workshop",
        lang=lang,
    )


def part2(lang: str):
    t = tr(lang)
    VAT = t("cmimi_me_tvsh", "price_with_vat")
    return notebook(
        [
            md(
                t(
                    """
                    # Pjesa 2 — Një mësim interaktiv me ipywidgets (10:45–12:15)

                    Një formulë bëhet e prekshme kur nxënësi lëviz një rrëshqitës dhe sheh rezultatin. `interact`
                    krijon rrëshqitësit nga argumentet e një funksioni.
                    """,
                    """
                    # Part 2 — An interactive lesson with ipywidgets (10:45–12:15)

                    A formula becomes tangible when the student moves a slider and sees the result. `interact`
                    makes the sliders from the arguments of a function.
                    """,
                ),
                "intro",
            ),
            md(
                t(
                    f"### ✔ Pika e kontrollit 2\n\nShkruani `{VAT}(cmimi, norma=0.20)` (TVSH 20% në Shqipëri).",
                    f"### ✔ Checkpoint 2\n\nWrite `{VAT}(price, rate=0.20)` (VAT is 20% in Albania).",
                )
            ),
            solution(
                VAT,
                t(
                    """
                    def cmimi_me_tvsh(cmimi, norma=0.20):
                        ### BEGIN SOLUTION
                        return cmimi * (1 + norma)
                        ### END SOLUTION
                    """,
                    """
                    def price_with_vat(price, rate=0.20):
                        ### BEGIN SOLUTION
                        return price * (1 + rate)
                        ### END SOLUTION
                    """,
                ),
            ),
            tests(
                f"test_{VAT}",
                1,
                prelude=checks(lang),
                source=f"""
                assert math.isclose(_num({VAT}(1000)), 1200)
                ### BEGIN HIDDEN TESTS
                for p, r in [(250, 0.2), (80, 0.06), (0, 0.2), (1234.5, 0.2)]:
                    assert math.isclose(_num({VAT}(p, r)), p * (1 + r), abs_tol=1e-9)
                ### END HIDDEN TESTS
                """,
            ),
            md(
                t(
                    "Tani lidheni funksionin me rrëshqitës. Ndryshoni kufijtë dhe hapat për klasën tuaj.",
                    "Now connect the function to sliders. Change the limits and steps for your class.",
                )
            ),
            code(
                t(
                    """
                    from ipywidgets import FloatSlider, interact


                    @interact(cmimi=FloatSlider(min=0, max=5000, step=50, value=1000), norma=[0.20, 0.06, 0.0])
                    def shfaq(cmimi, norma):
                        print(f"{cmimi:.0f} lekë + TVSH {norma:.0%} = {cmimi_me_tvsh(cmimi, norma):.0f} lekë")
                    """,
                    """
                    from ipywidgets import FloatSlider, interact


                    @interact(price=FloatSlider(min=0, max=5000, step=50, value=1000), rate=[0.20, 0.06, 0.0])
                    def show(price, rate):
                        print(f"{price:.0f} lek + VAT {rate:.0%} = {price_with_vat(price, rate):.0f} lek")
                    """,
                )
            ),
        ],
        template="trajnim-intensiv",
        kind="workshop",
        lang=lang,
    )


def part3(lang: str):
    t = tr(lang)
    GOOD = t("teston_tvsh", "checks_vat")
    return notebook(
        [
            md(
                t(
                    """
                    # Pjesa 3 — Një detyrë me vlerësim automatik (13:00–14:30)

                    Në nbgrader, një detyrë ka **qeliza përgjigjeje** (kodi i mësuesit midis <code>### BEGIN&nbsp;SOLUTION</code> dhe
                    <code>### END&nbsp;SOLUTION</code> zëvendësohet për nxënësit) dhe **qeliza testesh** me pikë. Testet midis
                    <code>### BEGIN&nbsp;HIDDEN TESTS</code> dhe <code>### END&nbsp;HIDDEN TESTS</code> nuk i shohin nxënësit.

                    Një test i mirë nuk mashtrohet:

                    * thërret funksionin e nxënësit me **vlera të reja** (edhe të fshehura), që të mos mjaftojë
                      të printohet ose të shkruhet përmendësh përgjigja e shembullit;
                    * kontrollon **llojin** e rezultatit (`type(x) is float`…), sepse një objekt mund të pretendojë
                      se është i barabartë me çdo gjë (`__eq__` që kthen gjithmonë `True`).
                    """,
                    """
                    # Part 3 — An autograded assignment (13:00–14:30)

                    In nbgrader, an assignment has **answer cells** (the teacher's code between
                    <code>### BEGIN&nbsp;SOLUTION</code> and <code>### END&nbsp;SOLUTION</code> is replaced for students) and **test cells** with
                    points. Tests between <code>### BEGIN&nbsp;HIDDEN TESTS</code> and <code>### END&nbsp;HIDDEN TESTS</code> are not shown to students.

                    A good test cannot be fooled:

                    * it calls the student's function with **new values** (hidden ones too), so printing or
                      memorising the example's answer is not enough;
                    * it checks the **type** of the result (`type(x) is float`…), because an object can pretend to
                      be equal to anything (an `__eq__` that always returns `True`).
                    """,
                ),
                "intro",
            ),
            code(
                t(
                    """
                    # Tri "përgjigje nxënësish" për cmimi_me_tvsh(cmimi): njëra e saktë, dy mashtrime
                    def e_sakta(cmimi):
                        return cmimi * 1.2


                    class GjithmoneIBarabarte(float):
                        def __eq__(self, other):
                            return True


                    def mashtrim_objekt(cmimi):
                        return GjithmoneIBarabarte(0)


                    def mashtrim_print(cmimi):
                        print(1200)


                    print(mashtrim_objekt(1000) == 1200)  # True! Një test naiv do të jepte pikë
                    """,
                    """
                    # Three "student answers" for price_with_vat(price): one right, two tricks
                    def right(price):
                        return price * 1.2


                    class AlwaysEqual(float):
                        def __eq__(self, other):
                            return True


                    def trick_object(price):
                        return AlwaysEqual(0)


                    def trick_print(price):
                        print(1200)


                    print(trick_object(1000) == 1200)  # True! A naive test would give points
                    """,
                ),
                t("shembujt", "examples"),
            ),
            md(
                t(
                    f"""
                    ### ✔ Pika e kontrollit 3

                    Shkruani `{GOOD}(f)` që kthen `True` vetëm nëse `f(cmimi)` kthen një `float` ose `int` të
                    barabartë me `cmimi × 1.2` për **disa** çmime (p.sh. 1000, 37.5, 0). Për mashtrimet duhet
                    të kthejë `False` (dhe të mos ngrejë gabim).
                    """,
                    f"""
                    ### ✔ Checkpoint 3

                    Write `{GOOD}(f)` returning `True` only if `f(price)` returns a `float` or `int` equal to
                    `price × 1.2` for **several** prices (e.g. 1000, 37.5, 0). For the tricks it must return
                    `False` (without raising an error).
                    """,
                )
            ),
            solution(
                GOOD,
                f"""
                def {GOOD}(f):
                    ### BEGIN SOLUTION
                    import math

                    for p in (1000, 37.5, 0, 4.99):
                        r = f(p)
                        if type(r) is not float and type(r) is not int:
                            return False
                        if not math.isclose(r, p * 1.2, abs_tol=1e-9):
                            return False
                    return True
                    ### END SOLUTION
                """,
            ),
            tests(
                f"test_{GOOD}",
                2,
                t(
                    f"""
                    r = {GOOD}(e_sakta)
                    assert type(r) is bool and r is True
                    assert {GOOD}(mashtrim_objekt) is False
                    assert {GOOD}(mashtrim_print) is False
                    ### BEGIN HIDDEN TESTS
                    assert {GOOD}(lambda c: round(c * 1.2, 9)) is True
                    assert {GOOD}(lambda c: 1200) is False
                    assert {GOOD}(lambda c: 1200.0 if c == 1000 else c * 1.2 + 1) is False
                    assert {GOOD}(lambda c: str(c * 1.2)) is False
                    assert {GOOD}(lambda c: c * 1.02) is False
                    ### END HIDDEN TESTS
                    """,
                    f"""
                    r = {GOOD}(right)
                    assert type(r) is bool and r is True
                    assert {GOOD}(trick_object) is False
                    assert {GOOD}(trick_print) is False
                    ### BEGIN HIDDEN TESTS
                    assert {GOOD}(lambda c: round(c * 1.2, 9)) is True
                    assert {GOOD}(lambda c: 1200) is False
                    assert {GOOD}(lambda c: 1200.0 if c == 1000 else c * 1.2 + 1) is False
                    assert {GOOD}(lambda c: str(c * 1.2)) is False
                    assert {GOOD}(lambda c: c * 1.02) is False
                    ### END HIDDEN TESTS
                    """,
                ),
            ),
        ],
        template="trajnim-intensiv",
        kind="workshop",
        lang=lang,
    )


RESULTS_CSV = {
    "sq": "nxenesi,detyra,piket,maks\nArdit,detyra-1,8,10\nBesa,detyra-1,10,10\nDrita,detyra-1,4,10\n"
    "Ilir,detyra-1,6,10\nArdit,detyra-2,7,10\nBesa,detyra-2,9,10\nDrita,detyra-2,3,10\nIlir,detyra-2,5,10\n",
    "en": "student,assignment,score,max\nArdit,assignment-1,8,10\nBesa,assignment-1,10,10\nDrita,assignment-1,4,10\n"
    "Ilir,assignment-1,6,10\nArdit,assignment-2,7,10\nBesa,assignment-2,9,10\nDrita,assignment-2,3,10\nIlir,assignment-2,5,10\n",
}


def part4(lang: str):
    t = tr(lang)
    SUMMARY = t("permbledhje", "summary")
    student, assignment, score, mx = (
        t("nxenesi", "student"),
        t("detyra", "assignment"),
        t("piket", "score"),
        "maks" if lang == "sq" else "max",
    )
    csv = t("rezultatet.csv", "results.csv")
    return notebook(
        [
            md(
                t(
                    """
                    # Pjesa 4 — Vlerësimi, feedback-u dhe rezultatet e klasës (14:45–16:00)

                    1. **Collect / Autograde**: në *Formgrader*, dorëzimet mblidhen dhe vlerësohen automatikisht.
                    2. **Manual grading**: përgjigjet e shkruara dhe detyrat i vlerëson mësuesi, me komente.
                    3. **Generate / Release feedback**: nxënësi sheh pikët, komentet dhe testet e dukshme — kurrë
                       testet e fshehura.
                    4. Notat shkojnë në regjistrin qendror të MësoLab.

                    Më poshtë: një përmbledhje e rezultateve të klasës me pandas.
                    """,
                    """
                    # Part 4 — Grading, feedback and class results (14:45–16:00)

                    1. **Collect / Autograde**: in *Formgrader*, submissions are collected and graded automatically.
                    2. **Manual grading**: the teacher grades written answers and tasks, with comments.
                    3. **Generate / Release feedback**: the student sees the points, the comments and the visible
                       tests — never the hidden tests.
                    4. The grades go to MësoLab's central record.

                    Below: a summary of the class results with pandas.
                    """,
                ),
                "intro",
            ),
            code(
                f'import pandas as pd\n\n{t("rezultatet", "results")} = pd.read_csv("{csv}")\n{t("rezultatet", "results")}'
            ),
            md(
                t(
                    f"""
                    ### ✔ Pika e kontrollit 4

                    Shkruani `{SUMMARY}(df)` që kthen një `dict` me:

                    * `"mesatarja"`: mesatarja e përqindjes `piket / maks × 100` për të gjitha rreshtat;
                    * `"kaluan"`: sa nxënës të ndryshëm kanë të paktën 50% në **çdo** detyrë.
                    """,
                    f"""
                    ### ✔ Checkpoint 4

                    Write `{SUMMARY}(df)` returning a `dict` with:

                    * `"mean"`: the mean of the percentage `score / max × 100` over all rows;
                    * `"passed"`: how many different students have at least 50% in **every** assignment.
                    """,
                )
            ),
            solution(
                SUMMARY,
                f"""
                def {SUMMARY}(df):
                    ### BEGIN SOLUTION
                    pct = df["{score}"] / df["{mx}"] * 100
                    passed = (pct >= 50).groupby(df["{student}"]).all()
                    return {{"{t("mesatarja", "mean")}": float(pct.mean()), "{t("kaluan", "passed")}": int(passed.sum())}}
                    ### END SOLUTION
                """,
            ),
            tests(
                f"test_{SUMMARY}",
                2,
                prelude=checks(lang),
                source=f"""
                import pandas as pd

                r = {SUMMARY}(pd.read_csv("{csv}"))
                assert type(r) is dict, type(r).__name__
                assert math.isclose(_num(r["{t("mesatarja", "mean")}"]), 65)
                assert _num(r["{t("kaluan", "passed")}"]) == 3
                ### BEGIN HIDDEN TESTS
                other = pd.DataFrame(
                    {{
                        "{student}": ["A", "A", "B", "B", "C"],
                        "{assignment}": ["x", "y", "x", "y", "x"],
                        "{score}": [5, 20, 4, 19, 12],
                        "{mx}": [10, 20, 10, 20, 12],
                    }}
                )
                r = {SUMMARY}(other)
                assert type(r) is dict
                assert math.isclose(_num(r["{t("mesatarja", "mean")}"]), (50 + 100 + 40 + 95 + 100) / 5)
                assert _num(r["{t("kaluan", "passed")}"]) == 2
                ### END HIDDEN TESTS
                """,
            ),
            md(
                t(
                    """
                    ## Reflektim (e vlerëson drejtuesi i punëtorisë)

                    Përshkruani në 5–8 rreshta mësimin e parë që do të përgatisni me fletore për klasën tuaj: tema,
                    cila formulë ose tabelë do të eksplorohet, cilat teste do të shkruani dhe si do t'i mbroni nga
                    mashtrimet.
                    """,
                    """
                    ## Reflection (graded by the workshop leader)

                    Describe in 5–8 lines the first lesson you will prepare with notebooks for your class: the
                    topic, which formula or table the students will explore, which tests you will write and how you
                    will protect them from tricks.
                    """,
                )
            ),
            written(
                t("reflektimi", "reflection"),
                3,
                t(
                    """
                    (Shembull) Mësim për kostimin e menusë në klasën e 11-të të hotelerisë: rrëshqitës për çmimin dhe
                    TVSH-në, pastaj detyrë me funksionin e çmimit në menu; testet thërrasin funksionin me receta të
                    fshehura dhe kontrollojnë që rezultati është numër i plotë.
                    """,
                    """
                    (Example) A menu-costing lesson for the 11th-grade hospitality class: sliders for the price and the
                    VAT, then an assignment with the menu-price function; the tests call the function with hidden
                    recipes and check that the result is a whole number.
                    """,
                ),
            ),
        ],
        template="trajnim-intensiv",
        kind="workshop",
        lang=lang,
    )


def files(lang: str) -> dict:
    t = tr(lang)
    names = t(
        [
            "0-plani-i-dites",
            "1-jupyter-dhe-python",
            "2-mesim-interaktiv",
            "3-detyre-me-vleresim",
            "4-vleresimi-dhe-feedback",
        ],
        [
            "0-day-plan",
            "1-jupyter-and-python",
            "2-interactive-lesson",
            "3-autograded-assignment",
            "4-grading-and-feedback",
        ],
    )
    builders = [day_plan, part1, part2, part3, part4]
    out = {f"{name}.ipynb": build(lang) for name, build in zip(names, builders, strict=True)}
    out[t("rezultatet.csv", "results.csv")] = RESULTS_CSV[lang]
    return out


TEMPLATE = Template(
    id="trajnim-intensiv",
    kind="workshop",
    trade="trainers",
    title={"sq": "Punëtori intensive për trajnerët", "en": "Intensive workshop for trainers"},
    summary={
        "sq": "Një ditë në katër pjesë: Jupyter, mësim interaktiv, detyrë me vlerësim automatik, feedback; pika kontrolli.",
        "en": "One day in four parts: Jupyter, an interactive lesson, an autograded assignment, feedback; checkpoints.",
    },
    qualification_code="TRAJ-1",
    course_code="TRAJ-1",
    assignments=[
        Assignment(name={"sq": "punetoria", "en": "workshop"}, files={"sq": files("sq"), "en": files("en")}),
    ],
)
