"""Electrical trade, interactive lesson: Ohm's law and power, with sliders, a plot and self-check questions."""

from authoring import Assignment, Template, code, md, notebook, tr

QUIZ_HELPER = {
    "sq": """
        # Ndihmës për pyetjet e vetëkontrollit (nuk ka nevojë ta lexoni)
        import ipywidgets as widgets
        from IPython.display import display


        def pyetje(teksti, opsionet, e_sakta, shpjegimi):
            zgjedhja = widgets.RadioButtons(options=opsionet, value=None, layout={"width": "max-content"})
            butoni = widgets.Button(description="Kontrollo", button_style="primary")
            pergjigja = widgets.HTML()

            def kontrollo(_):
                if zgjedhja.value is None:
                    pergjigja.value = "Zgjidhni një përgjigje."
                elif zgjedhja.value == opsionet[e_sakta]:
                    pergjigja.value = f"<b style='color:#1a7f37'>✔ Saktë.</b> {shpjegimi}"
                else:
                    pergjigja.value = "<b style='color:#b42318'>✘ Jo ende.</b> Lexoni edhe një herë dhe provoni përsëri."

            butoni.on_click(kontrollo)
            display(widgets.VBox([widgets.HTML(f"<b>{teksti}</b>"), zgjedhja, butoni, pergjigja]))
        """,
    "en": """
        # Helper for the self-check questions (no need to read it)
        import ipywidgets as widgets
        from IPython.display import display


        def question(text, options, correct, explanation):
            choice = widgets.RadioButtons(options=options, value=None, layout={"width": "max-content"})
            button = widgets.Button(description="Check", button_style="primary")
            answer = widgets.HTML()

            def check(_):
                if choice.value is None:
                    answer.value = "Choose an answer."
                elif choice.value == options[correct]:
                    answer.value = f"<b style='color:#1a7f37'>✔ Right.</b> {explanation}"
                else:
                    answer.value = "<b style='color:#b42318'>✘ Not yet.</b> Read once more and try again."

            button.on_click(check)
            display(widgets.VBox([widgets.HTML(f"<b>{text}</b>"), choice, button, answer]))
        """,
}


def build(lang: str):
    t = tr(lang)
    Q = t("pyetje", "question")
    cells = [
        md(
            t(
                """
                # Mësim: ligji i Ohmit dhe fuqia elektrike

                **Profili:** Elektroteknikë · **Kohëzgjatja:** 2 orë mësimore

                Në fund të mësimit do të dini:

                1. të llogaritni tensionin, rrymën dhe rezistencën me ligjin e Ohmit;
                2. të llogaritni fuqinë elektrike të një pajisjeje;
                3. të lexoni një grafik rrymë–tension.

                Ekzekutoni qelizat me radhë me **Shift + Enter**. Ndryshoni numrat në shembuj: nuk prishni asgjë.
                """,
                """
                # Lesson: Ohm's law and electric power

                **Trade:** Electrical · **Duration:** 2 lessons

                By the end of the lesson you will be able to:

                1. compute voltage, current and resistance with Ohm's law;
                2. compute the electric power of a device;
                3. read a current–voltage graph.

                Run the cells in order with **Shift + Enter**. Change the numbers in the examples: you cannot break anything.
                """,
            )
        ),
        code(QUIZ_HELPER[lang], hidden_source=True),
        md(
            t(
                """
                ## 1. Ligji i Ohmit

                Rryma **I** që kalon në një përcjellës është në përpjesëtim të drejtë me tensionin **U** dhe
                në përpjesëtim të zhdrejtë me rezistencën **R**:

                $$I = \\frac{U}{R} \\qquad U = I \\cdot R \\qquad R = \\frac{U}{I}$$

                **Shembull.** Një ngrohës me rezistencë 46 Ω lidhet në 230 V. Sa rrymë kalon?
                """,
                """
                ## 1. Ohm's law

                The current **I** through a conductor is proportional to the voltage **U** and inversely
                proportional to the resistance **R**:

                $$I = \\frac{U}{R} \\qquad U = I \\cdot R \\qquad R = \\frac{U}{I}$$

                **Example.** A heater with a resistance of 46 Ω is connected to 230 V. What current flows?
                """,
            )
        ),
        code(
            t(
                """
                U = 230  # volt
                R = 46  # om
                I = U / R
                print(f"I = {U} V / {R} Ω = {I:.1f} A")
                """,
                """
                U = 230  # volts
                R = 46  # ohms
                I = U / R
                print(f"I = {U} V / {R} Ω = {I:.1f} A")
                """,
            )
        ),
        md(
            t(
                """
                ## 2. Eksploroni me rrëshqitës

                Lëvizni rrëshqitësit. Çfarë ndodh me rrymën kur dyfishoni tensionin? Po kur dyfishoni rezistencën?
                """,
                """
                ## 2. Explore with sliders

                Move the sliders. What happens to the current when you double the voltage? And when you double
                the resistance?
                """,
            )
        ),
        code(
            t(
                """
                from ipywidgets import FloatSlider, interact


                @interact(
                    U=FloatSlider(min=0, max=24, step=0.5, value=12, description="U (V)"),
                    R=FloatSlider(min=1, max=100, step=1, value=10, description="R (Ω)"),
                )
                def ligji_i_ohmit(U, R):
                    I = U / R
                    print(f"Rryma:  I = U / R = {U:g} / {R:g} = {I:.3f} A")
                    print(f"Fuqia:  P = U · I = {U * I:.2f} W")
                """,
                """
                from ipywidgets import FloatSlider, interact


                @interact(
                    U=FloatSlider(min=0, max=24, step=0.5, value=12, description="U (V)"),
                    R=FloatSlider(min=1, max=100, step=1, value=10, description="R (Ω)"),
                )
                def ohms_law(U, R):
                    I = U / R
                    print(f"Current: I = U / R = {U:g} / {R:g} = {I:.3f} A")
                    print(f"Power:   P = U · I = {U * I:.2f} W")
                """,
            )
        ),
        md(
            t(
                """
                ## 3. Grafiku rrymë–tension

                Për një rezistencë të caktuar, grafiku I(U) është një vijë e drejtë. Sa më e madhe rezistenca,
                aq më e butë është pjerrësia.
                """,
                """
                ## 3. The current–voltage graph

                For a given resistance, the graph of I(U) is a straight line. The larger the resistance, the
                gentler the slope.
                """,
            )
        ),
        code(
            t(
                """
                %matplotlib inline
                import matplotlib.pyplot as plt

                tensionet = list(range(0, 25))
                for R in (10, 22, 47, 100):
                    plt.plot(tensionet, [U / R for U in tensionet], label=f"R = {R} Ω")
                plt.xlabel("Tensioni U (V)")
                plt.ylabel("Rryma I (A)")
                plt.title("Ligji i Ohmit")
                plt.grid(True, alpha=0.3)
                plt.legend()
                plt.show()
                """,
                """
                %matplotlib inline
                import matplotlib.pyplot as plt

                voltages = list(range(0, 25))
                for R in (10, 22, 47, 100):
                    plt.plot(voltages, [U / R for U in voltages], label=f"R = {R} Ω")
                plt.xlabel("Voltage U (V)")
                plt.ylabel("Current I (A)")
                plt.title("Ohm's law")
                plt.grid(True, alpha=0.3)
                plt.legend()
                plt.show()
                """,
            )
        ),
        md(
            t(
                """
                ## 4. Fuqia elektrike

                Fuqia tregon sa energji harxhon një pajisje në sekondë:

                $$P = U \\cdot I = I^2 \\cdot R = \\frac{U^2}{R}$$

                **Shembull.** Një çajnik elektrik 2000 W në 230 V: sa rrymë merr dhe sa është rezistenca e tij?
                """,
                """
                ## 4. Electric power

                Power tells how much energy a device uses per second:

                $$P = U \\cdot I = I^2 \\cdot R = \\frac{U^2}{R}$$

                **Example.** A 2000 W electric kettle on 230 V: what current does it draw, and what is its resistance?
                """,
            )
        ),
        code(
            t(
                """
                P, U = 2000, 230
                I = P / U
                R = U / I
                print(f"I = P / U = {I:.2f} A,  R = U / I = {R:.1f} Ω")
                """,
                """
                P, U = 2000, 230
                I = P / U
                R = U / I
                print(f"I = P / U = {I:.2f} A,  R = U / I = {R:.1f} Ω")
                """,
            )
        ),
        md(
            t(
                """
                ### Provoni vetë

                Llogaritni rrymën dhe rezistencën e një llambe 60 W në 230 V. Shkruani kodin poshtë.
                """,
                """
                ### Try it yourself

                Compute the current and the resistance of a 60 W lamp on 230 V. Write the code below.
                """,
            )
        ),
        code(t("# Kodi juaj këtu", "# Your code here")),
        md(
            t(
                "## 5. Vetëkontroll\n\nEkzekutoni qelizat, zgjidhni një përgjigje dhe shtypni **Kontrollo**.",
                "## 5. Self-check\n\nRun the cells, choose an answer and press **Check**.",
            )
        ),
        code(
            t(
                f"""
                {Q}(
                    "1. Tensioni mbetet 12 V dhe rezistenca dyfishohet. Rryma…",
                    ["dyfishohet", "përgjysmohet", "nuk ndryshon"],
                    1,
                    "I = U / R: kur R dyfishohet, I bëhet gjysma.",
                )
                """,
                f"""
                {Q}(
                    "1. The voltage stays at 12 V and the resistance doubles. The current…",
                    ["doubles", "halves", "does not change"],
                    1,
                    "I = U / R: when R doubles, I halves.",
                )
                """,
            )
        ),
        code(
            t(
                f"""
                {Q}(
                    "2. Një furrë 230 V merr 10 A. Sa është fuqia e saj?",
                    ["23 W", "2300 W", "240 W"],
                    1,
                    "P = U · I = 230 · 10 = 2300 W.",
                )
                """,
                f"""
                {Q}(
                    "2. An oven on 230 V draws 10 A. What is its power?",
                    ["23 W", "2300 W", "240 W"],
                    1,
                    "P = U · I = 230 · 10 = 2300 W.",
                )
                """,
            )
        ),
        code(
            t(
                f"""
                {Q}(
                    "3. Në grafikun rrymë–tension, cila vijë ka rezistencën më të madhe?",
                    ["ajo me pjerrësinë më të madhe", "ajo me pjerrësinë më të vogël", "të gjitha njësoj"],
                    1,
                    "Pjerrësia është 1/R: rezistencë e madhe → vijë e butë.",
                )
                """,
                f"""
                {Q}(
                    "3. On the current–voltage graph, which line has the largest resistance?",
                    ["the steepest one", "the least steep one", "they are all the same"],
                    1,
                    "The slope is 1/R: a large resistance gives a gentle line.",
                )
                """,
            )
        ),
        md(
            t(
                """
                ## Përmbledhje

                * **U = I · R** — ligji i Ohmit
                * **P = U · I** — fuqia elektrike, në vat
                * Kujdes me njësitë: mA → A (÷ 1000), kΩ → Ω (× 1000)
                """,
                """
                ## Summary

                * **U = I · R** — Ohm's law
                * **P = U · I** — electric power, in watts
                * Mind the units: mA → A (÷ 1000), kΩ → Ω (× 1000)
                """,
            )
        ),
    ]
    return notebook(cells, template="elektro-ohm-mesim", kind="lesson", lang=lang)


TEMPLATE = Template(
    id="elektro-ohm-mesim",
    kind="lesson",
    trade="electrical",
    title={"sq": "Mësim: ligji i Ohmit dhe fuqia", "en": "Lesson: Ohm's law and power"},
    summary={
        "sq": "Shpjegime, shembuj që ekzekutohen, rrëshqitës për U dhe R, grafik I(U), pyetje vetëkontrolli.",
        "en": "Explanations, runnable examples, sliders for U and R, an I(U) graph, self-check questions.",
    },
    qualification_code="ELE-2.4",
    course_code="ELE-10",
    assignments=[
        Assignment(
            name={"sq": "mesimi-ligji-ohmit", "en": "lesson-ohms-law"},
            files={"sq": {"ligji-ohmit.ipynb": build("sq")}, "en": {"ohms-law.ipynb": build("en")}},
        )
    ],
)
