"""Every CLI verb under hostile arguments, in-process: exit 0 or 2, never a traceback; on 2 one
line on stderr, bounded; no NaN or infinite amount in any output, and --json output is valid
JSON. The fixed cases are the probe of issue 11 (items 5, 7 and 9)."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flatclosure.cli import ERROR_CHARS, main
from tests.fuzzing import FUZZ

NON_FINITE = re.compile(r"\$-?(inf|nan)|Infinity|\bNaN\b", re.I)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's own refusals
            code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def check(argv: list[str]) -> tuple[int, str, str]:
    code, out, err = run(argv)
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in out + err
    assert not NON_FINITE.search(out), (argv, out[:300])
    if code == 2:
        assert err.count("\n") == 1 and len(err) < ERROR_CHARS + 80, (argv, err)
        assert out == "" or "wrote" not in out
    if code == 0 and "--json" in argv and out.strip().startswith(("[", "{")):
        json.loads(out, parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    return code, out, err


def refused(argv: list[str], words: str) -> str:
    code, out, err = check(argv)
    assert code == 2 and words in err, (argv, err)
    return err


def test_the_probes_cli_cases_exit_2_with_one_line(tmp_path: Path) -> None:
    refused(["scenario", "run", "01_mastectomy_reference", "--years", "²"], "--years")
    refused(["scenario", "run", "01_mastectomy_reference", "--years", "2025-2019"], "runs backwards")
    refused(["scenario", "run", "01_mastectomy_reference", "--years", "2019-99999999"], "--years")
    refused(["scenario", "run", "01_mastectomy_reference", "--localities", "99999:99"],
            "99999:99 is not a Medicare locality")
    refused(["localities", "--year", "0"], "--year")
    refused(["claim", "14301x999999"], "1 to 99 units per claim line")
    refused(["claim", "14301-RT-59-XS"], "59 and XS on one line")
    refused(["claim", "19499", "--user-price", "19499=inf"], "not a finite number")
    refused(["claim", "19499", "--user-price", "19499=1e308"], "outside the limit")
    refused(["claim", "19303-50", "--user-price", "19499=500"], "19499 is not on the claim")
    refused(["claim", "19499", "--user-price", "19499=500", "--comparator", "19499=19380"],
            "user price and a comparator")
    refused(["claim", "19303", "--payer-multiplier", "nan"], "not a finite number")
    refused(["card", "--out", str(tmp_path / "missing" / "c.pdf")], "does not exist")
    assert not (tmp_path / "missing").exists()
    refused(["scenario", "run", "x" * 5000 + ".yaml"], "FILE")
    refused(["scenario", "run", "a\0b.yaml"], "NUL")
    refused(["scenario", "run", "01_mastectomy_reference", "--csv", str(tmp_path / "no" / "t.csv")],
            "does not exist")


def test_json_never_prints_infinity() -> None:
    code, out, _ = check(["claim", "19303-50", "--json"])
    assert code == 0 and json.loads(out)["total"] == 1410.47  # 19303-50 in 2025: 940.31 x 150%


numbers = st.sampled_from(["inf", "-inf", "nan", "1e308", "1e999", "-1", "0", "²", "1_0", "0x10",
                           "1.5", "99", "100000000"]) | st.floats().map(repr) | st.integers().map(str)
years = st.sampled_from(["²", "0", "2019", "2025", "2026", "2019-2026", "2025-2019",
                         "2019-99999999", "99999", "٢٠٢٥", "2020,2025", ""]) | st.text(max_size=12)
codes = st.sampled_from(["19303", "14301", "19499", "15839", "AFC01", "99999", "1930", "x"])
mods = st.lists(st.sampled_from(["50", "RT", "LT", "59", "XS", "22", "62", "80", "ZZ"]), max_size=3)
lines = st.builds(lambda c, m, u: "-".join([c, *m]) + (f"x{u}" if u is not None else ""),
                  codes, mods, st.none() | st.integers(-1, 10**7)) | st.text(max_size=15)
places = st.sampled_from(["national", "01182:18", "99999:99", "1:2", "", "01182:18,national"]) | \
    st.text(max_size=12)
junk = st.text(max_size=30)


def opt(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(values.map(lambda v: [name, v]), max_size=1).map(lambda x: x[0] if x else [])


def argv_of(*parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    return st.tuples(*parts).map(lambda ps: [a for p in ps for a in p])


VERBS = {
    "price": argv_of(st.just(["price"]), st.lists(codes | junk, min_size=1, max_size=3),
                     opt("--year", years), opt("--locality", places), opt("--json", st.just(""))
                     .map(lambda x: x[:1])),
    "claim": argv_of(st.just(["claim"]), st.lists(lines, min_size=1, max_size=4),
                     opt("--payer-multiplier", numbers), opt("--modifier-22-percent", numbers),
                     opt("--ladder", st.lists(numbers, max_size=3).map(",".join)),
                     opt("--user-price", st.builds("{}={}".format, codes, numbers)),
                     opt("--comparator", st.builds("{}={}".format, codes, codes)),
                     opt("--date", st.sampled_from(["2025-02-30", "2025-06-01", "0000-00-00"]) | junk),
                     st.sampled_from([[], ["--json"]])),
    "localities": argv_of(st.just(["localities"]), opt("--year", years), opt("--search", junk),
                          st.sampled_from([[], ["--json"]])),
    "scenario": argv_of(st.just(["scenario", "run"]),
                        st.lists(st.sampled_from(["01_mastectomy_reference", "06_unlisted_19499",
                                                  "10_new_afc_code", "missing"]) | junk,
                                 min_size=1, max_size=2),
                        opt("--years", years), opt("--localities", places),
                        opt("--baseline", st.sampled_from(["01_mastectomy_reference"]) | junk),
                        st.sampled_from([[], ["--json"]])),
    "scenario list": st.just(["scenario", "list"]),
    "protocol": argv_of(st.just(["protocol"]), opt("--area-cm2", numbers), opt("--fat-cc", numbers),
                        opt("--length-cm", numbers), opt("--days-since-surgery", numbers),
                        opt("--payer-multiplier", numbers), opt("--ladder", numbers)),
    "pool": argv_of(st.just(["pool"]), st.builds(lambda r, v: ["--rvu", r, "--volume", v],
                                                 numbers, numbers),
                    opt("--displace", st.builds("{}={}".format, codes, numbers))),
    "card": argv_of(st.just(["card"]), opt("--year", years),
                    st.sampled_from([["--out", "/missing/dir/c.html"], ["--out", "a\0b.html"],
                                     ["--out", "x" * 5000 + ".html"], ["--out", "/"]])),
}


@pytest.mark.parametrize("verb", list(VERBS))
def test_every_verb_exits_0_or_2_without_a_traceback(verb: str) -> None:
    @FUZZ
    @given(VERBS[verb])
    def fuzz(argv: list[str]) -> None:
        check(argv)

    fuzz()
