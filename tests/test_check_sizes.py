"""The size check of `make lint` (scripts/check_sizes.py) measures functions and methods right."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_sizes.py"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_sizes", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_functions_and_methods_are_measured_from_def_to_last_line() -> None:
    source = "\n".join([
        "def short():",            # 1
        "    return 1",            # 2
        "class View:",             # 3
        "    def render(self):",   # 4: 4..6 is 3 lines
        "        x = 1",           # 5
        "        return x",        # 6
        "    async def load(self):",  # 7: one line plus 61 body lines = 62
        *["        pass"] * 61,
    ])
    spans = _checker().function_spans(ast.parse(source))
    assert spans == [("short", 1, 2), ("View.render", 4, 3), ("View.load", 7, 62)]


def test_limits_are_the_house_rules() -> None:
    checker = _checker()
    assert (checker.MODULE_LINES, checker.VIEW_LINES, checker.FUNCTION_LINES) == (400, 300, 60)
    # every allowlist entry names a file of the package (a function after the colon)
    for key in checker.ALLOWED:
        assert (checker.ROOT / key.split(":")[0]).is_file(), key
