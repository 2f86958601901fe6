"""Hospitality and tourism, autograded assignment: costing a menu with VAT (20% in Albania)."""

from authoring import Assignment, Template, checks, code, md, notebook, solution, task, tests, tr, written


def build(lang: str):
    t = tr(lang)
    WITH_VAT = t("cmimi_me_tvsh", "price_with_vat")
    VAT_IN = t("tvsh_e_perfshire", "vat_included")
    RECIPE = t("kosto_e_recetes", "recipe_cost")
    MENU = t("cmimi_ne_menu", "menu_price")
    chk = checks(lang)
    cells = [
        md(
            t(
                """
                # Detyrë: kostoja e menusë dhe TVSH-ja

                **Profili:** Hoteleri-turizëm · **Pikët:** 10 automatike + 5 nga mësuesi

                Në Shqipëri norma standarde e TVSH-së është **20%**. Çmimi në menu përfshin TVSH-në.
                Plotësoni funksionet dhe ekzekutoni testet poshtë secilit. Mësuesi i kontrollon edhe me
                receta dhe çmime të tjera, prandaj funksionet duhet të **llogarisin**, jo të kthejnë numra
                të shkruar përmendësh.
                """,
                """
                # Assignment: menu costing and VAT

                **Trade:** Hospitality and tourism · **Points:** 10 automatic + 5 from the teacher

                In Albania the standard VAT rate is **20%**. The price on the menu includes VAT. Complete
                the functions and run the tests below each of them. The teacher also checks them with other
                recipes and prices, so the functions must **compute**, not return numbers written from memory.
                """,
            ),
            "intro",
        ),
        code(
            t(
                """
                TVSH = 0.20  # norma standarde e TVSH-së në Shqipëri
                """,
                """
                VAT = 0.20  # the standard VAT rate in Albania
                """,
            ),
            "setup",
        ),
        md(
            t(
                f"""
                ## 1. Çmimi me TVSH

                Shkruani `{WITH_VAT}(cmimi_pa_tvsh, norma=0.20)` që kthen çmimin me TVSH.
                Shembull: 1000 lekë pa TVSH → 1200 lekë me TVSH.
                """,
                f"""
                ## 1. Price with VAT

                Write `{WITH_VAT}(net_price, rate=0.20)` returning the price including VAT.
                Example: 1000 lek before VAT → 1200 lek with VAT.
                """,
            )
        ),
        solution(
            WITH_VAT,
            t(
                """
                def cmimi_me_tvsh(cmimi_pa_tvsh, norma=0.20):
                    ### BEGIN SOLUTION
                    return cmimi_pa_tvsh * (1 + norma)
                    ### END SOLUTION
                """,
                """
                def price_with_vat(net_price, rate=0.20):
                    ### BEGIN SOLUTION
                    return net_price * (1 + rate)
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{WITH_VAT}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({WITH_VAT}(1000)), 1200)
            assert math.isclose(_num({WITH_VAT}(450)), 540)
            ### BEGIN HIDDEN TESTS
            for p in (1, 87.5, 2350, 0):
                assert math.isclose(_num({WITH_VAT}(p)), p * 1.2, abs_tol=1e-9)
            assert math.isclose(_num({WITH_VAT}(500, 0.06)), 530)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 2. TVSH-ja brenda një çmimi

                Në një faturë prej 1200 lekësh (me TVSH 20%) TVSH-ja është **200 lekë**, jo 240.
                Shkruani `{VAT_IN}(cmimi_me_tvsh, norma=0.20)` që kthen sa TVSH përmban një çmim.
                """,
                f"""
                ## 2. The VAT inside a price

                On a bill of 1200 lek (with 20% VAT) the VAT is **200 lek**, not 240.
                Write `{VAT_IN}(gross_price, rate=0.20)` returning how much VAT a price contains.
                """,
            )
        ),
        solution(
            VAT_IN,
            t(
                """
                def tvsh_e_perfshire(cmimi_me_tvsh, norma=0.20):
                    ### BEGIN SOLUTION
                    return cmimi_me_tvsh * norma / (1 + norma)
                    ### END SOLUTION
                """,
                """
                def vat_included(gross_price, rate=0.20):
                    ### BEGIN SOLUTION
                    return gross_price * rate / (1 + rate)
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{VAT_IN}",
            2,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({VAT_IN}(1200)), 200)
            ### BEGIN HIDDEN TESTS
            for gross in (60, 999, 15400):
                assert math.isclose(_num({VAT_IN}(gross)), gross / 6)
            assert math.isclose(_num({VAT_IN}(1060, 0.06)), 60)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 3. Kostoja e një recete

                Një recetë është një listë përbërësish `(sasia, cmimi_per_njesi)`, p.sh. 0.2 kg djathë
                me 900 lekë/kg. Shkruani `{RECIPE}(perberesit)` që kthen koston e lëndës së parë për
                një racion, në lekë (pa TVSH).
                """,
                f"""
                ## 3. The cost of a recipe

                A recipe is a list of ingredients `(quantity, price_per_unit)`, e.g. 0.2 kg of cheese
                at 900 lek/kg. Write `{RECIPE}(ingredients)` returning the cost of the ingredients for
                one portion, in lek (before VAT).
                """,
            )
        ),
        code(
            t(
                """
                # Tavë kosi (1 racion): mish qengji, kos, vezë, miell, gjalpë
                tave_kosi = [(0.25, 1200), (0.2, 250), (1, 20), (0.02, 100), (0.015, 1000)]
                """,
                """
                # Tavë kosi (1 portion): lamb, yoghurt, egg, flour, butter
                tave_kosi = [(0.25, 1200), (0.2, 250), (1, 20), (0.02, 100), (0.015, 1000)]
                """,
            )
        ),
        solution(
            RECIPE,
            t(
                """
                def kosto_e_recetes(perberesit):
                    ### BEGIN SOLUTION
                    return sum(sasia * cmimi for sasia, cmimi in perberesit)
                    ### END SOLUTION
                """,
                """
                def recipe_cost(ingredients):
                    ### BEGIN SOLUTION
                    return sum(quantity * price for quantity, price in ingredients)
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{RECIPE}",
            3,
            prelude=chk,
            source=f"""
            assert math.isclose(_num({RECIPE}([(0.25, 1200), (0.2, 250), (1, 20), (0.02, 100), (0.015, 1000)])), 387)
            assert math.isclose(_num({RECIPE}([(2, 100)])), 200)
            ### BEGIN HIDDEN TESTS
            fergese = [(0.3, 180), (0.15, 700), (0.05, 350), (0.1, 120)]
            assert math.isclose(_num({RECIPE}(fergese)), sum(q * p for q, p in fergese))
            assert math.isclose(_num({RECIPE}([])), 0)
            assert math.isclose(_num({RECIPE}([(3, 12.5), (0.5, 0.4)])), 37.7)
            ### END HIDDEN TESTS
            """,
        ),
        md(
            t(
                f"""
                ## 4. Çmimi në menu

                Restoranti synon që lënda e parë të jetë **30%** e çmimit pa TVSH (*food cost*).
                Shkruani `{MENU}(kosto, perqindja_kostos=0.30, norma=0.20)` që:

                1. llogarit çmimin pa TVSH: `kosto / perqindja_kostos`;
                2. shton TVSH-në;
                3. e rrumbullakos **lart** në 10 lekët e plota (p.sh. 1548 → 1550) dhe e kthen si numër të plotë (`int`).
                """,
                f"""
                ## 4. The menu price

                The restaurant aims for ingredients to be **30%** of the price before VAT (*food cost*).
                Write `{MENU}(cost, food_cost_share=0.30, rate=0.20)` that:

                1. computes the price before VAT: `cost / food_cost_share`;
                2. adds VAT;
                3. rounds **up** to whole tens of lek (e.g. 1548 → 1550) and returns it as a whole number (`int`).
                """,
            )
        ),
        solution(
            MENU,
            t(
                """
                import math


                def cmimi_ne_menu(kosto, perqindja_kostos=0.30, norma=0.20):
                    ### BEGIN SOLUTION
                    cmimi = kosto / perqindja_kostos * (1 + norma)
                    return int(math.ceil(round(cmimi, 6) / 10) * 10)
                    ### END SOLUTION
                """,
                """
                import math


                def menu_price(cost, food_cost_share=0.30, rate=0.20):
                    ### BEGIN SOLUTION
                    price = cost / food_cost_share * (1 + rate)
                    return int(math.ceil(round(price, 6) / 10) * 10)
                    ### END SOLUTION
                """,
            ),
        ),
        tests(
            f"test_{MENU}",
            3,
            prelude=chk,
            source=f"""
            assert _num({MENU}(387)) == 1550
            assert type({MENU}(387)) is int
            ### BEGIN HIDDEN TESTS
            assert _num({MENU}(250)) == 1000
            assert _num({MENU}(101)) == 410
            assert _num({MENU}(600, 0.25)) == 2880
            assert _num({MENU}(100, 0.30, 0.06)) == 360
            for cost in (12, 333, 1000):
                expected = math.ceil(round(cost / 0.3 * 1.2, 6) / 10) * 10
                assert _num({MENU}(cost)) == expected
            ### END HIDDEN TESTS
            """,
        ),
        task(
            t("menuja", "menu"),
            3,
            t(
                """
                ## 5. Detyrë: menuja e ditës (3 pikë, e vlerëson mësuesi)

                Zgjidhni tri pjata të kuzhinës shqiptare. Për secilën shkruani recetën për një racion (si
                `tave_kosi` më lart), pastaj printoni një tabelë të rregullt me: emrin e pjatës, koston,
                çmimin në menu dhe TVSH-në që përmban ai çmim. Përdorni funksionet tuaja.
                """,
                """
                ## 5. Task: the menu of the day (3 points, graded by the teacher)

                Choose three dishes of Albanian cuisine. For each, write the recipe for one portion (like
                `tave_kosi` above), then print a tidy table with: the dish, its cost, its menu price and the
                VAT that price contains. Use your functions.
                """,
            ),
            t(
                """
                * 1 pikë: tri receta të arsyeshme (sasi dhe çmime reale)
                * 1 pikë: tabela përdor funksionet (jo numra të shkruar me dorë)
                * 1 pikë: tabela është e lexueshme (kolona, njësi, lekë)
                """,
                """
                * 1 point: three sensible recipes (real quantities and prices)
                * 1 point: the table uses the functions (no numbers typed by hand)
                * 1 point: the table is readable (columns, units, lek)
                """,
            ),
        ),
        solution(
            t("tabela_menuse", "menu_table"),
            t(
                """
                ### BEGIN SOLUTION
                menuja = {
                    "Tavë kosi": tave_kosi,
                    "Fërgesë": [(0.3, 180), (0.15, 700), (0.05, 350), (0.1, 120)],
                    "Byrek me spinaq": [(0.1, 120), (0.15, 200), (0.05, 900), (0.03, 400)],
                }
                print(f"{'Pjata':<18}{'Kosto':>8}{'Çmimi':>8}{'TVSH':>8}")
                for emri, receta in menuja.items():
                    kosto = kosto_e_recetes(receta)
                    cmimi = cmimi_ne_menu(kosto)
                    print(f"{emri:<18}{kosto:>8.0f}{cmimi:>8}{tvsh_e_perfshire(cmimi):>8.0f}")
                ### END SOLUTION
                """,
                """
                ### BEGIN SOLUTION
                menu = {
                    "Tavë kosi": tave_kosi,
                    "Fërgesë": [(0.3, 180), (0.15, 700), (0.05, 350), (0.1, 120)],
                    "Spinach byrek": [(0.1, 120), (0.15, 200), (0.05, 900), (0.03, 400)],
                }
                print(f"{'Dish':<18}{'Cost':>8}{'Price':>8}{'VAT':>8}")
                for name, recipe in menu.items():
                    cost = recipe_cost(recipe)
                    price = menu_price(cost)
                    print(f"{name:<18}{cost:>8.0f}{price:>8}{vat_included(price):>8.0f}")
                ### END SOLUTION
                """,
            ),
        ),
        md(
            t(
                """
                ## 6. Pyetje (2 pikë, e vlerëson mësuesi)

                Furnitori rrit çmimin e mishit të qengjit me 25%. Çfarë ndodh me koston e tavës së kosit dhe
                me çmimin në menu? Pse një restorant duhet ta rillogarisë rregullisht koston e recetave?
                """,
                """
                ## 6. Question (2 points, graded by the teacher)

                The supplier raises the price of lamb by 25%. What happens to the cost of tavë kosi and to
                its menu price? Why should a restaurant recompute the cost of its recipes regularly?
                """,
            )
        ),
        written(
            t("pergjigje", "answer"),
            2,
            t(
                """
                Mishi kushton 0.25 · 1200 = 300 lekë; +25% → 375 lekë, pra kostoja rritet me 75 lekë (387 → 462)
                dhe çmimi në menu nga 1550 në 1850 lekë. Pa rillogaritje, pjesa e lëndës së parë kalon 30% dhe
                fitimi bie pa u vënë re.
                """,
                """
                The lamb costs 0.25 · 1200 = 300 lek; +25% → 375 lek, so the cost rises by 75 lek (387 → 462)
                and the menu price from 1550 to 1850 lek. Without recomputing, the food cost share goes above
                30% and the profit falls unnoticed.
                """,
            ),
        ),
    ]
    return notebook(cells, template="hoteleri-menu-detyre", kind="assignment", lang=lang)


TEMPLATE = Template(
    id="hoteleri-menu-detyre",
    kind="assignment",
    trade="hospitality",
    title={"sq": "Detyrë: kostoja e menusë me TVSH", "en": "Assignment: menu costing with VAT"},
    summary={
        "sq": "TVSH 20%, TVSH brenda çmimit, kostoja e recetës, çmimi në menu me food cost 30%.",
        "en": "20% VAT, the VAT inside a price, recipe cost, menu price at a 30% food cost.",
    },
    qualification_code="HOT-1.2",
    course_code="HOT-10",
    assignments=[
        Assignment(
            name={"sq": "detyra-1-menuja", "en": "assignment-1-menu"},
            files={"sq": {"kostoja-e-menuse.ipynb": build("sq")}, "en": {"menu-costing.ipynb": build("en")}},
        )
    ],
)
