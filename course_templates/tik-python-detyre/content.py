"""ICT trade, autograded assignment: Python basics and a small sales table analysed with pandas."""

from authoring import Assignment, Template, checks, code, md, notebook, solution, task, tests, tr, written

SALES_CSV = """data,produkti,kategoria,sasia,cmimi
2026-10-01,Laptop,kompjutera,2,65000
2026-10-01,Mi,aksesore,10,900
2026-10-02,Tastierë,aksesore,4,2500
2026-10-02,Monitor,ekrane,3,18000
2026-10-03,Laptop,kompjutera,1,65000
2026-10-03,Kabllo HDMI,aksesore,12,600
2026-10-04,Mi,aksesore,6,900
2026-10-04,Monitor,ekrane,1,18000
"""

SALES_CSV_EN = """date,product,category,quantity,price
2026-10-01,Laptop,computers,2,65000
2026-10-01,Mouse,accessories,10,900
2026-10-02,Keyboard,accessories,4,2500
2026-10-02,Monitor,screens,3,18000
2026-10-03,Laptop,computers,1,65000
2026-10-03,HDMI cable,accessories,12,600
2026-10-04,Mouse,accessories,6,900
2026-10-04,Monitor,screens,1,18000
"""


def build(lang: str):
    t = tr(lang)
    AVG, PASSED, INITIALS = (
        t("nota_mesatare", "average"),
        t("numri_i_kaluesve", "count_passed"),
        t("inicialet", "initials"),
    )
    REVENUE, BEST = t("xhiro_sipas_kategorise", "revenue_by_category"), t("produkti_me_i_shitur", "best_seller")
    CSV = t("shitjet.csv", "sales.csv")
    cat, prod, qty, price = (
        t("kategoria", "category"),
        t("produkti", "product"),
        t("sasia", "quantity"),
        t("cmimi", "price"),
    )
    acc, comp, scr = t("aksesore", "accessories"), t("kompjutera", "computers"), t("ekrane", "screens")
    chk = checks(lang)
    cells = [
        md(
            t(
                """
                # Detyrë: Python bazë dhe analiza e një tabele me pandas

                **Profili:** TIK · **Pikët:** 10 automatike + 5 nga mësuesi

                Pjesa A: funksione të thjeshta me lista dhe tekste. Pjesa B: shitjet e një dyqani kompjuterash
                në skedarin `shitjet.csv`. Testet e mësuesit përdorin edhe të dhëna të tjera, prandaj
                funksionet duhet të punojnë për çdo tabelë me të njëjtat kolona.
                """,
                """
                # Assignment: Python basics and analysing a table with pandas

                **Trade:** ICT · **Points:** 10 automatic + 5 from the teacher

                Part A: small functions with lists and text. Part B: the sales of a computer shop in the file
                `sales.csv`. The teacher's tests use other data too, so the functions must work for any
                table with the same columns.
                """,
            ),
            "intro",
        ),
        md(
            t(
                f"""
                ## A1. Nota mesatare

                Shkruani `{AVG}(notat)` që kthen mesataren e një liste notash. Për një listë bosh, funksioni
                duhet të ngrejë `ValueError`.
                """,
                f"""
                ## A1. Average grade

                Write `{AVG}(grades)` returning the average of a list of grades. For an empty list the
                function must raise `ValueError`.
                """,
            )
        ),
        solution(
            AVG,
            t(
                """
                def nota_mesatare(notat):
                    ### BEGIN SOLUTION
                    if not notat:
                        raise ValueError("lista është bosh")
                    return sum(notat) / len(notat)
                    ### END SOLUTION
                """,
                """
                def average(grades):
                    ### BEGIN SOLUTION
                    if not grades:
                        raise ValueError("empty list")
                    return sum(grades) / len(grades)
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{AVG}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({AVG}([8, 9, 10])), 9)
            assert _raises(ValueError, {AVG}, [])
            ### BEGIN HIDDEN TESTS
            for grades in ([4], [5, 6], [10, 7, 7, 9, 4, 6], [4.5, 9.25]):
                assert math.isclose(_num({AVG}(grades)), sum(grades) / len(grades))
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## A2. Sa kaluan?

                Në shkollat shqiptare notat janë nga 4 deri në 10 dhe kalohet me 5. Shkruani
                `{PASSED}(notat, kufiri=5)` që kthen numrin e notave të barabarta ose më të mëdha se `kufiri`.
                """,
                f"""
                ## A2. How many passed?

                In Albanian schools grades go from 4 to 10 and 5 is a pass. Write
                `{PASSED}(grades, threshold=5)` returning how many grades are equal to or above `threshold`.
                """,
            )
        ),
        solution(
            PASSED,
            t(
                """
                def numri_i_kaluesve(notat, kufiri=5):
                    ### BEGIN SOLUTION
                    return sum(1 for n in notat if n >= kufiri)
                    ### END SOLUTION
                """,
                """
                def count_passed(grades, threshold=5):
                    ### BEGIN SOLUTION
                    return sum(1 for g in grades if g >= threshold)
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{PASSED}",
            2,
            prelude=chk,
            source=f"""
            assert _num({PASSED}([4, 5, 9, 10])) == 3
            assert type({PASSED}([4, 5, 9, 10])) is int
            ### BEGIN HIDDEN TESTS
            assert _num({PASSED}([])) == 0
            assert _num({PASSED}([4, 4, 4])) == 0
            assert _num({PASSED}([6, 7, 8, 9], {t("kufiri", "threshold")}=8)) == 2
            assert _num({PASSED}([6, 7, 8, 9], 8)) == 2
            assert _num({PASSED}(list(range(4, 11)) * 3)) == 18
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## A3. Inicialet

                Shkruani `{INITIALS}(emri)` që kthen inicialet e një emri të plotë si tekst, me pikë pas
                secilës, p.sh. `"Ardit Hoxha"` → `"A.H."`. Shkronjat shqipe (Ë, Ç) duhet të ruhen; hapësirat
                e tepërta nuk kanë rëndësi.
                """,
                f"""
                ## A3. Initials

                Write `{INITIALS}(name)` returning the initials of a full name as text, each followed by a
                full stop, e.g. `"Ardit Hoxha"` → `"A.H."`. Albanian letters (Ë, Ç) must be kept; extra spaces
                do not matter.
                """,
            )
        ),
        solution(
            INITIALS,
            t(
                """
                def inicialet(emri):
                    ### BEGIN SOLUTION
                    return "".join(pjese[0].upper() + "." for pjese in emri.split())
                    ### END SOLUTION
                """,
                """
                def initials(name):
                    ### BEGIN SOLUTION
                    return "".join(part[0].upper() + "." for part in name.split())
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{INITIALS}",
            1,
            f"""
            r = {INITIALS}("Ardit Hoxha")
            assert type(r) is str and r == "A.H.", repr(r)
            ### BEGIN HIDDEN TESTS
            for name, expected in [("ëndrit  çela", "Ë.Ç."), ("Drita", "D."), (" Besa Gjoka Leka ", "B.G.L.")]:
                r = {INITIALS}(name)
                assert type(r) is str and r == expected
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## B. Shitjet e dyqanit

                Skedari `{CSV}` ka kolonat `data, produkti, kategoria, sasia, cmimi` (çmimi i njësisë në lekë).
                Ekzekutoni qelizën që e lexon me pandas:
                """,
                f"""
                ## B. The shop's sales

                The file `{CSV}` has the columns `date, product, category, quantity, price` (unit price in lek).
                Run the cell that reads it with pandas:
                """,
            )
        ),
        code(
            f"""
            import pandas as pd

            df = pd.read_csv("{CSV}")
            df
            """
        ),
        md(
            t(
                f"""
                ### B1. Xhiroja sipas kategorisë

                Shkruani `{REVENUE}(df)` që kthen një **fjalor** (`dict`) `{{kategoria: xhiroja}}`, ku xhiroja
                është shuma e `sasia × cmimi` për çdo kategori. Këshillë: `groupby`.
                """,
                f"""
                ### B1. Revenue by category

                Write `{REVENUE}(df)` returning a **dictionary** (`dict`) `{{category: revenue}}`, where the
                revenue is the sum of `quantity × price` for each category. Hint: `groupby`.
                """,
            )
        ),
        solution(
            REVENUE,
            f"""
            def {REVENUE}(df):
                ### BEGIN SOLUTION
                revenue = (df["{qty}"] * df["{price}"]).groupby(df["{cat}"]).sum()
                return {{k: float(v) for k, v in revenue.items()}}
                ### END SOLUTION
            """,
        ),
        tests(
            f"test_{REVENUE}",
            3,
            prelude=chk,
            source=f"""
            import pandas as pd

            r = {REVENUE}(pd.read_csv("{CSV}"))
            assert type(r) is dict, type(r).__name__
            assert sorted(r) == sorted(["{acc}", "{scr}", "{comp}"]), sorted(r)
            assert math.isclose(_num(r["{comp}"]), 195000)
            ### BEGIN HIDDEN TESTS
            assert math.isclose(_num(r["{acc}"]), 31600) and math.isclose(_num(r["{scr}"]), 72000)
            other = pd.DataFrame(
                {{
                    "{t("data", "date")}": ["2026-11-01"] * 4,
                    "{prod}": ["Printer", "Toner", "Toner", "USB"],
                    "{cat}": ["printera", "konsumabile", "konsumabile", "aksesore"],
                    "{qty}": [1, 3, 2, 7],
                    "{price}": [21000, 4500, 4700, 800],
                }}
            )
            r = {REVENUE}(other)
            assert type(r) is dict and sorted(r) == ["aksesore", "konsumabile", "printera"]
            expected = {{"printera": 21000, "konsumabile": 3 * 4500 + 2 * 4700, "aksesore": 5600}}
            for k, v in expected.items():
                assert math.isclose(_num(r[k]), v)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ### B2. Produkti më i shitur

                Shkruani `{BEST}(df)` që kthen emrin (`str`) e produktit me sasinë totale më të madhe të shitur.
                """,
                f"""
                ### B2. The best seller

                Write `{BEST}(df)` returning the name (`str`) of the product with the largest total quantity sold.
                """,
            )
        ),
        solution(
            BEST,
            f"""
            def {BEST}(df):
                ### BEGIN SOLUTION
                return str(df.groupby("{prod}")["{qty}"].sum().idxmax())
                ### END SOLUTION
            """,
        ),
        tests(
            f"test_{BEST}",
            2,
            f"""
            import pandas as pd

            r = {BEST}(pd.read_csv("{CSV}"))
            assert type(r) is str, type(r).__name__
            assert r == "{t("Mi", "Mouse")}"
            ### BEGIN HIDDEN TESTS
            other = pd.DataFrame({{"{prod}": ["A", "B", "C", "B", "A"], "{qty}": [5, 4, 9, 4, 1], "{price}": [1] * 5}})
            r = {BEST}(other)
            assert type(r) is str and r == "C"
            other = pd.DataFrame({{"{prod}": ["Toner", "USB", "USB"], "{qty}": [7, 3, 5], "{price}": [1, 1, 1]}})
            r = {BEST}(other)
            assert type(r) is str and r == "USB"
            ### END HIDDEN TESTS
            """,
        ),
        task(
            t("grafiku", "chart"),
            3,
            t(
                """
                ## C. Detyrë: grafiku i xhiros (3 pikë, e vlerëson mësuesi)

                Vizatoni me pandas ose matplotlib një grafik me shtylla të xhiros sipas kategorisë, me titull
                dhe emërtime boshtesh. Shkruani kodin në qelizën poshtë.
                """,
                """
                ## C. Task: the revenue chart (3 points, graded by the teacher)

                Draw, with pandas or matplotlib, a bar chart of the revenue by category, with a title and
                axis labels. Write the code in the cell below.
                """,
            ),
            t(
                """
                * 1 pikë: grafik me shtylla, një shtyllë për kategori
                * 1 pikë: vlerat vijnë nga funksioni B1 (jo të shkruara me dorë)
                * 1 pikë: titull dhe boshte me emër (lekë)
                """,
                """
                * 1 point: a bar chart, one bar per category
                * 1 point: the values come from function B1 (not typed by hand)
                * 1 point: a title and labelled axes (lek)
                """,
            ),
        ),
        solution(
            t("kodi_grafikut", "chart_code"),
            f"""
            %matplotlib inline
            import matplotlib.pyplot as plt

            ### BEGIN SOLUTION
            revenue = {REVENUE}(df)
            plt.bar(list(revenue), list(revenue.values()))
            plt.title("{t("Xhiroja sipas kategorisë", "Revenue by category")}")
            plt.xlabel("{t("Kategoria", "Category")}")
            plt.ylabel("{t("Xhiroja (lekë)", "Revenue (lek)")}")
            plt.show()
            ### END SOLUTION
            """,
        ),
        md(
            t(
                """
                ## D. Pyetje (2 pikë, e vlerëson mësuesi)

                Pse është më mirë ta llogaritni xhiron me një funksion që merr tabelën si argument, sesa ta
                llogaritni një herë me dorë në Excel? Jepni dy arsye.
                """,
                """
                ## D. Question (2 points, graded by the teacher)

                Why is it better to compute the revenue with a function taking the table as an argument than
                to compute it once by hand in a spreadsheet? Give two reasons.
                """,
            )
        ),
        written(
            t("pergjigje", "answer"),
            2,
            t(
                """
                1. Funksioni punon për çdo muaj/tabelë të re pa e ribërë punën. 2. Llogaritja është e
                kontrollueshme dhe e testueshme (si në këtë detyrë), ndërsa veprimet me dorë fshehin gabimet.
                """,
                """
                1. The function works for every new month/table without redoing the work. 2. The computation
                can be checked and tested (as in this assignment), while manual steps hide mistakes.
                """,
            ),
        ),
    ]
    return notebook(cells, template="tik-python-detyre", kind="assignment", lang=lang)


TEMPLATE = Template(
    id="tik-python-detyre",
    kind="assignment",
    trade="ict",
    title={"sq": "Detyrë: Python bazë dhe pandas", "en": "Assignment: Python basics and pandas"},
    summary={
        "sq": "Funksione me lista e tekste; xhiroja sipas kategorisë dhe produkti më i shitur me pandas.",
        "en": "Functions with lists and text; revenue by category and the best seller with pandas.",
    },
    qualification_code="TIK-3.1",
    course_code="TIK-10",
    assignments=[
        Assignment(
            name={"sq": "detyra-1-python", "en": "assignment-1-python"},
            files={
                "sq": {"python-dhe-pandas.ipynb": build("sq"), "shitjet.csv": SALES_CSV},
                "en": {"python-and-pandas.ipynb": build("en"), "sales.csv": SALES_CSV_EN},
            },
        )
    ],
)
