"""The workbook's views: thin ipywidgets around the engine's tables and ``flatclosure.figures``.

Each ``*_view()`` / ``*_panel()`` returns an object exposing its controls, figures and the tables
behind them, so tests set control values and assert data without a kernel; in a notebook the
object displays itself.

The names below are imported on first use (PEP 562), so a notebook's kernel imports only its own
view: importing every view cost each notebook ~0.9 s (plotly's widget, pandas, the figures;
``python -X importtime``, issue 15). Three views share their module's name (``pool_view``,
``protocol_view``, ``scenario_view``): importing such a module makes Python bind the module to
the package's attribute of that name, which would hide the function; ``_Package.__setattr__``
binds the function instead, as the eager imports used to.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .code_catalog import CatalogView, catalog_frames, catalog_view
    from .common import (
        ErrorPanel,
        LocalityPicker,
        data_vintage,
        footer,
        footer_text,
        html_table,
        update_figure,
    )
    from .pool_view import PoolInputs, PoolOutcome, PoolView, pool_outcome, pool_view
    from .protocol_view import ProtocolView, ViewInputs, price_protocol, protocol_view
    from .scenario_view import ScenarioInputs, ScenarioView, comparison, scenario_view
    from .surgery import (
        CLAIMS,
        REPAIRS,
        Surgery,
        SurgeryPanel,
        price_surgery,
        result_frame,
        surgery_panel,
    )

# each public name -> the module of this package that defines it
_MODULES = {
    "code_catalog": ("CatalogView", "catalog_frames", "catalog_view"),
    "common": ("ErrorPanel", "LocalityPicker", "data_vintage", "footer", "footer_text",
               "html_table", "update_figure"),
    "pool_view": ("PoolInputs", "PoolOutcome", "PoolView", "pool_outcome", "pool_view"),
    "protocol_view": ("ProtocolView", "ViewInputs", "price_protocol", "protocol_view"),
    "scenario_view": ("ScenarioInputs", "ScenarioView", "comparison", "scenario_view"),
    "surgery": ("CLAIMS", "REPAIRS", "Surgery", "SurgeryPanel", "price_surgery", "result_frame",
                "surgery_panel"),
}
_WHERE = {name: module for module, names in _MODULES.items() for name in names}

__all__ = [
    "REPAIRS", "CLAIMS", "CatalogView", "ErrorPanel", "LocalityPicker", "Surgery",
    "SurgeryPanel", "catalog_frames", "catalog_view", "data_vintage", "footer", "footer_text",
    "html_table", "price_surgery", "result_frame", "surgery_panel", "update_figure",
    "ViewInputs", "ProtocolView", "price_protocol", "protocol_view",
    "PoolInputs", "PoolOutcome", "PoolView", "pool_outcome", "pool_view",
    "ScenarioInputs", "ScenarioView", "comparison", "scenario_view",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # importing the module binds the name (``_Package.__setattr__``) when it is the module's own
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """This package's module type: a view module bound under its own name binds its view."""

    def __setattr__(self, name: str, value: Any) -> None:
        if (isinstance(value, types.ModuleType) and _WHERE.get(name) == name
                and value.__name__ == f"{__name__}.{name}"):
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
