"""Electrical trade, autograded assignment: Ohm's law, power, resistors in series and parallel."""

from authoring import Assignment, Template, checks, code, md, notebook, solution, task, tests, tr, written


def build(lang: str):
    t = tr(lang)
    U, I, P = t("tension", "voltage"), t("rryma", "current"), t("fuqia", "power")
    SERIES, PARALLEL = t("rezistenca_seri", "series_resistance"), t("rezistenca_paralel", "parallel_resistance")
    chk = checks(lang)
    cells = [
        md(
            t(
                """
                # Detyrë: ligji i Ohmit dhe fuqia elektrike

                **Profili:** Elektroteknikë · **Pikët:** 10 automatike + 5 nga mësuesi

                Plotësoni funksionet në qelizat me `# SHKRUANI KODIN TUAJ KËTU`, pastaj ekzekutoni qelizën e
                testeve poshtë tyre. Testet e dukshme ju ndihmojnë; mësuesi ka edhe teste të tjera me vlera
                të ndryshme, prandaj **llogaritni** rezultatin — mos e shkruani përmendësh.

                | Madhësia | Simboli | Njësia |
                |---|---|---|
                | Tensioni | U | volt (V) |
                | Rryma | I | amper (A) |
                | Rezistenca | R | om (Ω) |
                | Fuqia | P | vat (W) |
                """,
                """
                # Assignment: Ohm's law and electric power

                **Trade:** Electrical · **Points:** 10 automatic + 5 from the teacher

                Complete the functions in the cells marked `# YOUR CODE HERE`, then run the test cell below
                each one. The visible tests help you; the teacher has more tests with other values, so
                **compute** the result — do not write it down from memory.

                | Quantity | Symbol | Unit |
                |---|---|---|
                | Voltage | U | volt (V) |
                | Current | I | ampere (A) |
                | Resistance | R | ohm (Ω) |
                | Power | P | watt (W) |
                """,
            ),
            "intro",
        ),
        md(
            t(
                f"""
                ## 1. Tensioni

                Sipas ligjit të Ohmit **U = I · R**. Shkruani funksionin `{U}(I, R)` që kthen tensionin në volt.
                """,
                f"""
                ## 1. Voltage

                By Ohm's law **U = I · R**. Write the function `{U}(I, R)` returning the voltage in volts.
                """,
            )
        ),
        solution(
            U,
            f"""
            def {U}(I, R):
                ### BEGIN SOLUTION
                return I * R
                ### END SOLUTION
            """,
        ),
        tests(
            f"test_{U}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({U}(2, 5)), 10)
            assert math.isclose(_num({U}(0.5, 220)), 110)
            ### BEGIN HIDDEN TESTS
            for i, r in [(3.3, 47), (0.02, 1000), (7, 0.25), (0, 330)]:
                assert math.isclose(_num({U}(i, r)), i * r, abs_tol=1e-9)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 2. Rryma

                Nga ligji i Ohmit **I = U / R**. Shkruani `{I}(U, R)`. Nëse R nuk është pozitive, funksioni
                duhet të ngrejë `ValueError` (një rezistencë zero do të ishte qark i shkurtër).
                """,
                f"""
                ## 2. Current

                From Ohm's law **I = U / R**. Write `{I}(U, R)`. If R is not positive the function must
                raise `ValueError` (a zero resistance would be a short circuit).
                """,
            )
        ),
        solution(
            I,
            f"""
            def {I}(U, R):
                ### BEGIN SOLUTION
                if R <= 0:
                    raise ValueError("R > 0")
                return U / R
                ### END SOLUTION
            """,
        ),
        tests(
            f"test_{I}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({I}(230, 115)), 2)
            assert _raises(ValueError, {I}, 12, 0), "{I}(12, 0): ValueError"
            ### BEGIN HIDDEN TESTS
            for u, r in [(12, 4.7), (5, 220), (400, 16), (1.5, 0.3)]:
                assert math.isclose(_num({I}(u, r)), u / r)
            assert _raises(ValueError, {I}, 9, -3), "{I}(9, -3): ValueError"
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 3. Fuqia

                Fuqia elektrike është **P = U · I**. Shkruani `{P}(U, I)` që kthen fuqinë në vat.
                """,
                f"""
                ## 3. Power

                Electric power is **P = U · I**. Write `{P}(U, I)` returning the power in watts.
                """,
            )
        ),
        solution(
            P,
            f"""
            def {P}(U, I):
                ### BEGIN SOLUTION
                return U * I
                ### END SOLUTION
            """,
        ),
        tests(
            f"test_{P}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({P}(230, 2)), 460)
            ### BEGIN HIDDEN TESTS
            for u, i in [(12, 0.5), (400, 16), (3.7, 0.21)]:
                assert math.isclose(_num({P}(u, i)), u * i)
            # consistent with the student's own voltage(): P = I² · R
            assert math.isclose(_num({P}({U}(1.5, 8), 1.5)), 1.5**2 * 8)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 4. Rezistencat në seri dhe në paralel

                Për një listë rezistencash (në Ω):

                * në **seri**: R = R₁ + R₂ + … → funksioni `{SERIES}(rezistencat)`
                * në **paralel**: 1/R = 1/R₁ + 1/R₂ + … → funksioni `{PARALLEL}(rezistencat)`
                """,
                f"""
                ## 4. Resistors in series and in parallel

                For a list of resistances (in Ω):

                * in **series**: R = R₁ + R₂ + … → the function `{SERIES}(resistors)`
                * in **parallel**: 1/R = 1/R₁ + 1/R₂ + … → the function `{PARALLEL}(resistors)`
                """,
            )
        ),
        solution(
            t("rezistencat", "resistors"),
            f"""
            def {SERIES}({t("rezistencat", "resistors")}):
                ### BEGIN SOLUTION
                return sum({t("rezistencat", "resistors")})
                ### END SOLUTION


            def {PARALLEL}({t("rezistencat", "resistors")}):
                ### BEGIN SOLUTION
                return 1 / sum(1 / r for r in {t("rezistencat", "resistors")})
                ### END SOLUTION
            """,
        ),
        tests(
            f"test_{t('rezistencat', 'resistors')}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({SERIES}([100, 220])), 320)
            assert math.isclose(_num({PARALLEL}([100, 100])), 50)
            ### BEGIN HIDDEN TESTS
            for group in ([47], [10, 20, 30], [4.7, 3.3, 1000, 68]):
                assert math.isclose(_num({SERIES}(group)), sum(group))
                assert math.isclose(_num({PARALLEL}(group)), 1 / sum(1 / r for r in group))
            assert math.isclose(_num({PARALLEL}([330, 330, 330])), 110)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 5. Energjia dhe kostoja

                Shkruani `{t("kosto_energjie", "energy_cost")}(fuqia_w, oret, cmimi_kwh)` që kthen koston
                në lekë të një pajisjeje me fuqi `fuqia_w` (W) që punon `oret` orë, kur 1 kWh kushton
                `cmimi_kwh` lekë. (1 kWh = 1000 W · 1 h.)
                """,
                f"""
                ## 5. Energy and cost

                Write `{t("kosto_energjie", "energy_cost")}(power_w, hours, price_kwh)` returning the cost
                in lek of a device of `power_w` (W) running `hours` hours, when 1 kWh costs `price_kwh`
                lek. (1 kWh = 1000 W · 1 h.)
                """,
            )
        ),
        solution(
            t("kosto_energjie", "energy_cost"),
            t(
                """
                def kosto_energjie(fuqia_w, oret, cmimi_kwh):
                    ### BEGIN SOLUTION
                    return fuqia_w * oret / 1000 * cmimi_kwh
                    ### END SOLUTION
                """,
                """
                def energy_cost(power_w, hours, price_kwh):
                    ### BEGIN SOLUTION
                    return power_w * hours / 1000 * price_kwh
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{t('kosto_energjie', 'energy_cost')}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({t("kosto_energjie", "energy_cost")}(2000, 3, 14)), 84)
            ### BEGIN HIDDEN TESTS
            for w, h, c in [(60, 10, 14), (1500, 0.5, 9.5), (0, 24, 14), (3500, 8, 17.2)]:
                assert math.isclose(_num({t("kosto_energjie", "energy_cost")}(w, h, c)), w * h / 1000 * c, abs_tol=1e-9)
            ### END HIDDEN TESTS
            """,
        ),
        task(
            t("grafiku", "plot"),
            3,
            t(
                """
                ## 6. Detyrë: grafiku i fuqisë (3 pikë, e vlerëson mësuesi)

                Me `matplotlib`, vizatoni fuqinë **P = I² · R** për rrymat nga 0 deri në 5 A, për dy
                rezistenca: 10 Ω dhe 20 Ω, në të njëjtin grafik. Emërtoni boshtet (me njësitë) dhe
                shtoni një legjendë. Shkruani kodin në qelizën poshtë.
                """,
                """
                ## 6. Task: the power plot (3 points, graded by the teacher)

                With `matplotlib`, plot the power **P = I² · R** for currents from 0 to 5 A, for two
                resistances, 10 Ω and 20 Ω, on the same chart. Label the axes (with units) and add a
                legend. Write the code in the cell below.
                """,
            ),
            t(
                """
                * 1 pikë: dy kurbat (parabola) për 10 Ω dhe 20 Ω, I nga 0 në 5 A
                * 1 pikë: boshtet me emër dhe njësi (A, W)
                * 1 pikë: legjenda; kurba e 20 Ω është dyfishi i asaj të 10 Ω
                """,
                """
                * 1 point: both curves (parabolas) for 10 Ω and 20 Ω, I from 0 to 5 A
                * 1 point: axes labelled with units (A, W)
                * 1 point: a legend; the 20 Ω curve is twice the 10 Ω one
                """,
            ),
        ),
        solution(
            t("kodi_grafikut", "plot_code"),
            t(
                """
                %matplotlib inline
                import matplotlib.pyplot as plt

                ### BEGIN SOLUTION
                rrymat = [i / 10 for i in range(51)]
                for R in (10, 20):
                    plt.plot(rrymat, [i**2 * R for i in rrymat], label=f"R = {R} Ω")
                plt.xlabel("Rryma I (A)")
                plt.ylabel("Fuqia P (W)")
                plt.legend()
                plt.show()
                ### END SOLUTION
                """,
                """
                %matplotlib inline
                import matplotlib.pyplot as plt

                ### BEGIN SOLUTION
                currents = [i / 10 for i in range(51)]
                for R in (10, 20):
                    plt.plot(currents, [i**2 * R for i in currents], label=f"R = {R} Ω")
                plt.xlabel("Current I (A)")
                plt.ylabel("Power P (W)")
                plt.legend()
                plt.show()
                ### END SOLUTION
                """,
            ),
        ),
        md(
            t(
                """
                ## 7. Pyetje (2 pikë, e vlerëson mësuesi)

                Dy llamba, 40 W dhe 100 W, janë lidhur në rrjetin 230 V. Cila ka rezistencë më të madhe?
                Shpjegoni me fjalët tuaja dhe me formulat e mësipërme.
                """,
                """
                ## 7. Question (2 points, graded by the teacher)

                Two lamps, 40 W and 100 W, are connected to the 230 V mains. Which one has the larger
                resistance? Explain in your own words, using the formulas above.
                """,
            )
        ),
        written(
            t("shpjegim", "explanation"),
            2,
            t(
                """
                Llamba 40 W. Në të njëjtin tension P = U²/R, pra fuqia më e vogël do të thotë rezistencë më e
                madhe: R = 230²/40 ≈ 1323 Ω kundrejt 230²/100 = 529 Ω.
                """,
                """
                The 40 W lamp. At the same voltage P = U²/R, so a smaller power means a larger resistance:
                R = 230²/40 ≈ 1323 Ω against 230²/100 = 529 Ω.
                """,
            ),
        ),
        code(
            t(
                "# Hapësirë për provat tuaja (nuk vlerësohet).",
                "# Space for your own experiments (not graded).",
            )
        ),
    ]
    return notebook(cells, template="elektro-ohm-detyre", kind="assignment", lang=lang)


TEMPLATE = Template(
    id="elektro-ohm-detyre",
    kind="assignment",
    trade="electrical",
    title={"sq": "Detyrë: ligji i Ohmit dhe fuqia", "en": "Assignment: Ohm's law and power"},
    summary={
        "sq": "Tension, rrymë, fuqi, rezistenca në seri e paralel, kosto e energjisë; grafik me matplotlib.",
        "en": "Voltage, current, power, series and parallel resistors, energy cost; a matplotlib plot.",
    },
    qualification_code="ELE-2.4",
    course_code="ELE-10",
    assignments=[
        Assignment(
            name={"sq": "detyra-1-ohm", "en": "assignment-1-ohm"},
            files={"sq": {"ligji-ohmit.ipynb": build("sq")}, "en": {"ohms-law.ipynb": build("en")}},
        )
    ],
)
