"""The workbook's views: thin ipywidgets around the engine's tables and ``flatclosure.figures``.

Each ``*_view()`` / ``*_panel()`` returns an object exposing its controls, figures and the tables
behind them, so tests set control values and assert data without a kernel; in a notebook the
object displays itself.
"""

from __future__ import annotations

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

__all__ = [
    "REPAIRS", "CLAIMS", "CatalogView", "ErrorPanel", "LocalityPicker", "Surgery",
    "SurgeryPanel", "catalog_frames", "catalog_view", "data_vintage", "footer", "footer_text",
    "html_table", "price_surgery", "result_frame", "surgery_panel", "update_figure",
    "ViewInputs", "ProtocolView", "price_protocol", "protocol_view",
    "PoolInputs", "PoolOutcome", "PoolView", "pool_outcome", "pool_view",
    "ScenarioInputs", "ScenarioView", "comparison", "scenario_view",
]
