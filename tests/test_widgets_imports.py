"""What each page's kernel imports: the view it shows, not the others (issue 15), with every name
of ``flatclosure.widgets`` still the same object however it is imported."""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

import flatclosure.widgets as package


def _run(code: str) -> str:
    """Run ``code`` in a fresh interpreter (a kernel's first imports) and return what it prints."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    return done.stdout.strip()


@pytest.mark.parametrize("name", ["pool_view", "protocol_view", "scenario_view"])
def test_a_view_named_like_its_module_is_the_function_whichever_import_comes_first(
        name: str) -> None:
    # module first, then the name (the bug of the first lazy package: the module hid the function)
    module_first = _run(
        f"import importlib; m = importlib.import_module('flatclosure.widgets.{name}'); "
        f"from flatclosure.widgets import {name}; "
        f"import flatclosure.widgets as w; "
        f"print({name} is m.{name} is w.{name}, type({name}).__name__, type(m).__name__)")
    assert module_first == "True function module"
    name_first = _run(
        f"from flatclosure.widgets import {name}; import sys; "
        f"m = sys.modules['flatclosure.widgets.{name}']; "
        f"from flatclosure.widgets.{name} import {name} as again; "
        f"print({name} is again, type({name}).__name__, type(m).__name__)")
    assert name_first == "True function module"


def test_every_public_name_is_its_modules_object() -> None:
    for name in package.__all__:
        value = getattr(package, name)
        assert not isinstance(value, types.ModuleType), name
        module = sys.modules[f"flatclosure.widgets.{package._WHERE[name]}"]
        assert value is getattr(module, name), name
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'no_such_view'"):
        package.no_such_view  # noqa: B018


def test_the_start_page_and_the_footer_import_no_view_and_no_plotly() -> None:
    loaded = _run(
        "import sys; from flatclosure.widgets import footer; "
        "from flatclosure.widgets.landing import landing; "
        "print(sorted(m for m in sys.modules if m.startswith(('plotly', 'flatclosure.widgets.', "
        "'flatclosure.figures')) and not m.startswith('plotly.io._')))")
    assert loaded == str(sorted([
        "flatclosure.widgets.common", "flatclosure.widgets.glossary",
        "flatclosure.widgets.landing", "flatclosure.widgets.pool_inputs",
        "flatclosure.widgets.surgery_model"]))


def test_a_view_imports_only_its_own_modules() -> None:
    loaded = _run("import sys; from flatclosure.widgets import surgery_panel; "
                  "print(sorted(m for m in sys.modules if m.startswith('flatclosure.widgets.')))")
    assert "flatclosure.widgets.pool_view" not in loaded
    assert "flatclosure.widgets.code_catalog" not in loaded
    assert "flatclosure.widgets.protocol_view" not in loaded
    assert "flatclosure.widgets.surgery" in loaded


def test_a_chart_page_imports_neither_nbformat_nor_the_scenarios_it_does_not_show() -> None:
    # plotly's renderers hold nbformat (and jsonschema, 0.2 s) for fig.show() only; notebook 01
    # draws no scenario (0.2 s for the scenarios package): python -X importtime, issue 15
    loaded = _run(
        "import sys; from flatclosure.widgets import catalog_view; catalog_view(); "
        "print(sorted(m for m in sys.modules if m.startswith(('nbformat', 'jsonschema', "
        "'flatclosure.scenarios'))))")
    assert loaded == "[]"


def test_plotlys_renderers_get_nbformat_when_they_first_read_it() -> None:
    found = _run(
        "import sys; import flatclosure.plotly_bundle; import plotly.io._renderers as r; "
        "before = 'nbformat' in sys.modules; import nbformat; "
        "print(before, bool(r.nbformat), r.nbformat.__version__ == nbformat.__version__)")
    assert found == "False True True"
