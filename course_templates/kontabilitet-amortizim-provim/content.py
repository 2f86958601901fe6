"""Accounting trade, time-limited exam (autograded only): straight-line and declining-balance depreciation."""

from authoring import Assignment, Template, checks, md, notebook, solution, tests, tr

TIME_LIMIT = 45


def build(lang: str):
    t = tr(lang)
    SL, SL_TABLE = t("amortizimi_linear", "straight_line"), t("vlerat_lineare", "straight_line_values")
    DB, BOOK = t("amortizimi_zbrites", "declining_balance"), t("vlera_kontabel", "book_value")
    chk = checks(lang)
    cells = [
        md(
            t(
                f"""
                # Provim: amortizimi i aktiveve

                **Profili:** Kontabilitet · **Koha:** {TIME_LIMIT} minuta · **Pikët:** 10, të gjitha me vlerësim automatik

                * Plotësoni katër funksionet. Pas çdo funksioni ka një test të dukshëm; vlerësimi përdor edhe
                  teste të tjera me aktive dhe norma të ndryshme.
                * Mos ndryshoni emrat e funksioneve dhe mos fshini qeliza.
                * Provimi dorëzohet me butonin **Submit** në skedën *Assignments* para se të mbarojë koha;
                  pas afatit, dorëzimi nuk pranohet.
                """,
                f"""
                # Exam: depreciation of assets

                **Trade:** Accounting · **Time:** {TIME_LIMIT} minutes · **Points:** 10, all graded automatically

                * Complete the four functions. After each function there is a visible test; grading also uses
                  other tests with different assets and rates.
                * Do not rename the functions and do not delete cells.
                * Hand in with the **Submit** button in the *Assignments* tab before the time is up; after
                  the deadline the submission is not accepted.
                """,
            ),
            "intro",
        ),
        md(
            t(
                f"""
                ## 1. Amortizimi linear (2 pikë)

                Një aktiv me kosto `kosto`, vlerë të mbetur `vlera_mbetur` dhe jetëgjatësi `vite` vjet amortizohet
                çdo vit me **(kosto − vlera_mbetur) / vite**. Shkruani `{SL}(kosto, vlera_mbetur, vite)`.
                Nëse `vite` nuk është pozitiv, ngrini `ValueError`.
                """,
                f"""
                ## 1. Straight-line depreciation (2 points)

                An asset with cost `cost`, salvage value `salvage` and a useful life of `years` years depreciates
                every year by **(cost − salvage) / years**. Write `{SL}(cost, salvage, years)`. If `years`
                is not positive, raise `ValueError`.
                """,
            )
        ),
        solution(
            SL,
            t(
                """
                def amortizimi_linear(kosto, vlera_mbetur, vite):
                    ### BEGIN SOLUTION
                    if vite <= 0:
                        raise ValueError("vite > 0")
                    return (kosto - vlera_mbetur) / vite
                    ### END SOLUTION
                """,
                """
                def straight_line(cost, salvage, years):
                    ### BEGIN SOLUTION
                    if years <= 0:
                        raise ValueError("years > 0")
                    return (cost - salvage) / years
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{SL}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({SL}(1_200_000, 200_000, 5)), 200_000)
            ### BEGIN HIDDEN TESTS
            for c, s, n in [(850_000, 50_000, 4), (99_999, 0, 3), (60_000, 60_000, 2), (1_000, 100, 1)]:
                assert math.isclose(_num({SL}(c, s, n)), (c - s) / n)
            assert _raises(ValueError, {SL}, 10_000, 0, 0)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 2. Vlerat kontabël me metodën lineare (3 pikë)

                Shkruani `{SL_TABLE}(kosto, vlera_mbetur, vite)` që kthen një **listë** me vlerën kontabël
                në fund të çdo viti (gjatësia e listës = `vite`; vlera e fundit = vlera e mbetur).
                """,
                f"""
                ## 2. Book values with the straight-line method (3 points)

                Write `{SL_TABLE}(cost, salvage, years)` returning a **list** of the book value at the end of
                each year (the list has `years` items; the last one is the salvage value).
                """,
            )
        ),
        solution(
            SL_TABLE,
            t(
                """
                def vlerat_lineare(kosto, vlera_mbetur, vite):
                    ### BEGIN SOLUTION
                    d = amortizimi_linear(kosto, vlera_mbetur, vite)
                    return [kosto - d * viti for viti in range(1, vite + 1)]
                    ### END SOLUTION
                """,
                """
                def straight_line_values(cost, salvage, years):
                    ### BEGIN SOLUTION
                    d = straight_line(cost, salvage, years)
                    return [cost - d * year for year in range(1, years + 1)]
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{SL_TABLE}",
            3,
            prelude=chk,
            source=f"""
            r = {SL_TABLE}(1_200_000, 200_000, 5)
            assert type(r) is list, type(r).__name__
            assert [_num(v) for v in r] == [1_000_000, 800_000, 600_000, 400_000, 200_000]
            ### BEGIN HIDDEN TESTS
            for c, s, n in [(850_000, 50_000, 4), (30_000, 1_500, 7), (5_000, 0, 1)]:
                r = {SL_TABLE}(c, s, n)
                assert type(r) is list and len(r) == n
                for year, v in enumerate(r, start=1):
                    assert math.isclose(_num(v), c - (c - s) / n * year, abs_tol=1e-6)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 3. Amortizimi me vlerë të mbetur zbritëse (3 pikë)

                Me metodën zbritëse, amortizimi i çdo viti është `norma × vlera kontabël në fillim të vitit`.
                Shkruani `{DB}(kosto, norma, vite)` që kthen **listën** e amortizimeve vjetore.
                Shembull: kosto 1 000 000, norma 0.4 → 400 000, 240 000, 144 000, …
                """,
                f"""
                ## 3. Declining-balance depreciation (3 points)

                With the declining-balance method, each year's depreciation is `rate × book value at the start
                of the year`. Write `{DB}(cost, rate, years)` returning the **list** of yearly depreciation
                amounts. Example: cost 1 000 000, rate 0.4 → 400 000, 240 000, 144 000, …
                """,
            )
        ),
        solution(
            DB,
            t(
                """
                def amortizimi_zbrites(kosto, norma, vite):
                    ### BEGIN SOLUTION
                    vlera, amortizimet = kosto, []
                    for _ in range(vite):
                        amortizimet.append(vlera * norma)
                        vlera -= vlera * norma
                    return amortizimet
                    ### END SOLUTION
                """,
                """
                def declining_balance(cost, rate, years):
                    ### BEGIN SOLUTION
                    value, amounts = cost, []
                    for _ in range(years):
                        amounts.append(value * rate)
                        value -= value * rate
                    return amounts
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{DB}",
            3,
            prelude=chk,
            source=f"""
            r = {DB}(1_000_000, 0.4, 3)
            assert type(r) is list, type(r).__name__
            assert all(math.isclose(_num(a), b) for a, b in zip(r, [400_000, 240_000, 144_000], strict=True))
            ### BEGIN HIDDEN TESTS
            for c, rate, n in [(750_000, 0.25, 5), (48_000, 0.5, 4), (10_000, 0.2, 1)]:
                r = {DB}(c, rate, n)
                assert type(r) is list and len(r) == n
                assert math.isclose(_num(r[0]), c * rate)
                for year, amount in enumerate(r):
                    assert math.isclose(_num(amount), c * (1 - rate) ** year * rate)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 4. Vlera kontabël pas disa vitesh (2 pikë)

                Shkruani `{BOOK}(kosto, norma, viti)` që kthen vlerën kontabël me metodën zbritëse në fund të
                vitit `viti` (për `viti` = 0 është vetë kostoja).
                """,
                f"""
                ## 4. Book value after some years (2 points)

                Write `{BOOK}(cost, rate, year)` returning the declining-balance book value at the end of year
                `year` (for `year` = 0 it is the cost itself).
                """,
            )
        ),
        solution(
            BOOK,
            t(
                """
                def vlera_kontabel(kosto, norma, viti):
                    ### BEGIN SOLUTION
                    return kosto * (1 - norma) ** viti
                    ### END SOLUTION
                """,
                """
                def book_value(cost, rate, year):
                    ### BEGIN SOLUTION
                    return cost * (1 - rate) ** year
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{BOOK}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({BOOK}(1_000_000, 0.4, 2)), 360_000)
            ### BEGIN HIDDEN TESTS
            assert math.isclose(_num({BOOK}(500_000, 0.3, 0)), 500_000)
            for c, rate, n in [(750_000, 0.25, 5), (48_000, 0.5, 4), (12_345, 0.15, 9)]:
                assert math.isclose(_num({BOOK}(c, rate, n)), c * (1 - rate) ** n)
                # the same as the cost less the declining-balance depreciation of those years
                assert math.isclose(_num({BOOK}(c, rate, n)), c - sum(c * (1 - rate) ** y * rate for y in range(n)))
            ### END HIDDEN TESTS
            """,
        ),
    ]
    return notebook(
        cells, template="kontabilitet-amortizim-provim", kind="exam", lang=lang, time_limit_minutes=TIME_LIMIT
    )


TEMPLATE = Template(
    id="kontabilitet-amortizim-provim",
    kind="exam",
    trade="accounting",
    title={"sq": "Provim: amortizimi i aktiveve", "en": "Exam: depreciation of assets"},
    summary={
        "sq": f"Amortizimi linear dhe zbritës; {TIME_LIMIT} minuta, vetëm vlerësim automatik.",
        "en": f"Straight-line and declining-balance depreciation; {TIME_LIMIT} minutes, autograded only.",
    },
    qualification_code="KON-2.3",
    course_code="KON-11",
    time_limit_minutes=TIME_LIMIT,
    assignments=[
        Assignment(
            name={"sq": "provimi-amortizimi", "en": "exam-depreciation"},
            files={"sq": {"provimi.ipynb": build("sq")}, "en": {"exam.ipynb": build("en")}},
        )
    ],
)
