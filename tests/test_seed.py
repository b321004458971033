"""The advocates' table, reproduced from data, and the years it holds for."""

from __future__ import annotations

from flatclosure.seed import advocates_figures, seed_comparison, years_seed_holds


def test_the_advocates_figures_are_kept_as_published() -> None:
    f = advocates_figures().set_index("label")["quoted_work_rvu"]
    assert (f["1430X"], f["1310X"], f["1577X"], f["15839"]) == (6.37, 3.50, 6.73, 10.50)
    assert (f["1930X low"], f["1930X high"]) == (15.00, 18.23)


def test_they_hold_for_2020_only_in_full() -> None:
    # 2019: all match, but 15771 (1577X) did not exist before CY2020, so 2019 is incomplete;
    # 2021: 19307 fell to 17.99; 2026: the -2.5% efficiency adjustment moved every code.
    assert years_seed_holds() == [2020]
    cmp = seed_comparison()
    cmp = cmp[cmp["quoted_work_rvu"].notna()]  # 19499 is quoted as 'variable'
    y2019 = cmp[cmp["year"] == 2019]
    assert y2019["matches"].all() and "1577X" not in set(y2019["label"])
    high = cmp[(cmp["label"] == "1930X high")].set_index("release_id")["work_rvu"]
    assert (high["RVU20D"], high["RVU21A"], high["RVU26C"]) == (18.23, 17.99, 17.54)
    y2025 = cmp[cmp["release_id"] == "RVU25D"].set_index("label")["matches"]
    assert y2025.drop("1930X high").all() and not y2025["1930X high"]
