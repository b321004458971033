"""Notebook 04's controls, grouped as the view shows them: the paths (year, new code, code to
revalue), the folded extra inputs (displaced shares, setting, PFS total, volumes upload) and the
family lens. Ranges come from the engine's grids and ``data/pool/limits.csv``.

The CMS volumes file is read only by upload (size-limited in ``volumes.read_geo_service_upload``):
the app never takes, reads or shows a path on the machine that runs it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ipywidgets as widgets

from ..catalog import Catalog
from ..present.pool_text import BILLION, CMS_VOLUMES_FILE
from ..volumes import Volumes
from .common import CONTROL_STYLE, heading, labelled, note
from .pool_inputs import (
    DISPLACED_CODES,
    REVALUE_CODES,
    RVU_GRID,
    VOLUME_GRID,
    PoolInputs,
    family_options,
)
from .urlstate import Codec, UrlValueError

WIDE = "520px"


def _wide() -> widgets.Layout:
    """A slider as wide as its card up to WIDE: at 1024 px a fixed 520 px cut its readout."""
    return widgets.Layout(width="100%", max_width=WIDE)


@dataclass
class Controls:
    """Every control of the view and the boxes that hold them."""

    rvu: widgets.FloatSlider
    volume: widgets.FloatLogSlider
    year: widgets.Dropdown
    revalue_code: widgets.Dropdown
    revalue_work: widgets.BoundedFloatText
    revalue_volume: widgets.BoundedFloatText
    same_closures: widgets.Checkbox
    fc_share: widgets.BoundedFloatText
    shares: dict[str, widgets.FloatSlider]
    setting: widgets.ToggleButtons
    total_allowed: widgets.BoundedFloatText  # US$ billions
    family: widgets.Dropdown
    family_codes: widgets.Text
    upload: widgets.FileUpload
    reset_volumes: widgets.Button
    paths_box: widgets.Box
    more_box: widgets.Box
    volumes_box: widgets.Box
    family_box: widgets.Box


def _card(children: list[widgets.Widget]) -> widgets.VBox:
    return widgets.VBox(children, layout=widgets.Layout(
        flex="1 1 420px", min_width="340px", border="1px solid #ccc", padding="4px 12px 8px",
        margin="4px 8px 4px 0"))


def _row(children: list[widgets.Widget]) -> widgets.HBox:
    return widgets.HBox(children, layout=widgets.Layout(flex_flow="row wrap", width="100%"))


def _number(value: float, low: float, high: float, step: float, text: str) -> widgets.BoundedFloatText:
    return widgets.BoundedFloatText(value=value, min=low, max=high, step=step, description=text,
                                    style=CONTROL_STYLE, layout=widgets.Layout(width="340px"))


def _new_code(inputs: PoolInputs) -> tuple[widgets.FloatSlider, widgets.FloatLogSlider]:
    rvu = widgets.FloatSlider(
        value=inputs.rvu, min=float(RVU_GRID[0]), max=float(RVU_GRID[-1]), step=0.25,
        description="New code's total RVU", continuous_update=False, readout_format=".2f",
        style=CONTROL_STYLE, layout=_wide())
    volume = widgets.FloatLogSlider(
        value=inputs.volume, base=10, min=math.log10(VOLUME_GRID[0]),
        max=math.log10(VOLUME_GRID[-1]), step=0.01, description="Flat closures a year",
        continuous_update=False, readout_format=",.0f", style=CONTROL_STYLE, layout=_wide())
    return rvu, volume


def build_controls(inputs: PoolInputs, cat: Catalog, volumes: Volumes, share: float,
                   work_max: float, volume_max: float) -> Controls:
    """The controls at ``inputs``; ``share`` is the flat-closure share the paths start from."""
    rvu, volume = _new_code(inputs)
    year = widgets.Dropdown(options=cat.years(), value=inputs.year, description="Year",
                            style=CONTROL_STYLE, layout=widgets.Layout(width="300px"))
    on = cat.date_for_year(inputs.year)
    work = (cat.values(inputs.revalue_code, on).work_rvu if inputs.revalue_work_rvu is None
            else inputs.revalue_work_rvu)
    vol = (volumes.get(inputs.revalue_code) if inputs.revalue_volume is None
           else inputs.revalue_volume)
    c = Controls(
        rvu=rvu, volume=volume, year=year,
        revalue_code=widgets.Dropdown(options=list(REVALUE_CODES), value=inputs.revalue_code,
                                      description="Code to revalue", style=CONTROL_STYLE,
                                      layout=widgets.Layout(width="300px")),
        revalue_work=_number(work, 0.0, work_max, 0.05, "Its new work RVU"),
        revalue_volume=_number(vol, 0.0, volume_max, 100.0, "All its services a year"),
        same_closures=widgets.Checkbox(
            value=inputs.flat_closure_share is None, indent=False,
            description="Same flat closures a year as the new code"),
        fc_share=_number(share if inputs.flat_closure_share is None
                         else inputs.flat_closure_share, 0.0, 1.0, 0.01, "Share that are flat closures"),
        shares={c: widgets.FloatSlider(
            value=dict(inputs.shares).get(c, 0.0), min=0.0, max=1.0, step=0.05,
            description=f"Share of a {c}", continuous_update=False, readout_format=".2f",
            style=CONTROL_STYLE, layout=_wide()) for c in DISPLACED_CODES},
        setting=widgets.ToggleButtons(options=[("facility", "facility"), ("office", "office")],
                                      value=inputs.setting, style={"button_width": "90px"}),
        total_allowed=widgets.BoundedFloatText(
            value=(inputs.total_allowed or _default_total()) / BILLION, min=1.0, max=1000.0,
            step=1.0, description="Total PFS allowed, $bn", style=CONTROL_STYLE,
            layout=widgets.Layout(width="320px")),
        family=widgets.Dropdown(options=family_options(),
                                value=inputs.family if isinstance(inputs.family, str) else "custom",
                                description="Family", style=CONTROL_STYLE,
                                layout=widgets.Layout(width=WIDE)),
        family_codes=widgets.Text(
            value="" if isinstance(inputs.family, str) else " ".join(inputs.family),
            placeholder="e.g. 19303 19307 14301", description="Family codes",
            continuous_update=False, style=CONTROL_STYLE, layout=widgets.Layout(width=WIDE)),
        upload=widgets.FileUpload(accept=".csv", multiple=False, description="Upload CMS CSV",
                                  layout=widgets.Layout(width="190px")),
        reset_volumes=widgets.Button(description="Use illustrative volumes",
                                     layout=widgets.Layout(width="220px")),
        paths_box=widgets.Box(), more_box=widgets.Box(), volumes_box=widgets.Box(),
        family_box=widgets.Box())
    _boxes(c)
    return c


def _default_total() -> float:
    from ..pool import pool_parameters

    return pool_parameters().total_allowed_usd


def _boxes(c: Controls) -> None:
    c.paths_box = _row([
        _card([heading("(b) A new flat-closure code", 4), c.year, c.rvu, c.volume]),
        _card([heading("(c) Revalue an existing code instead", 4), c.revalue_code,
               c.revalue_work, c.revalue_volume, c.same_closures, c.fc_share]),
    ])
    c.more_box = _row([
        _card([heading("What the new code replaces", 4), *c.shares.values()]),
        _card([heading("The fee schedule", 4), labelled("Setting", c.setting), c.total_allowed]),
    ])
    c.volumes_box = widgets.VBox([
        widgets.HTML(note(f"Replace the illustrative volumes with {CMS_VOLUMES_FILE}, uploaded "
                          "from your computer (national rows are used; keep only those if the "
                          "file is large).")),
        widgets.HBox([c.upload, c.reset_volumes]),
    ])
    c.family_box = widgets.VBox([c.family, c.family_codes])


def url_controls(c: Controls) -> dict[str, widgets.Widget]:
    """The controls a link carries, by the names it writes (the code to revalue before its
    work RVU and volume, so that a link's values are set after the code's own)."""
    return {"year": c.year, "rvu": c.rvu, "volume": c.volume, "revalue_code": c.revalue_code,
            "revalue_work": c.revalue_work, "revalue_volume": c.revalue_volume,
            "same_closures": c.same_closures, "fc_share": c.fc_share,
            **{f"share_{k}": w for k, w in c.shares.items()}, "setting": c.setting,
            "total_allowed": c.total_allowed, "family": c.family, "family_codes": c.family_codes}


def url_codecs(c: Controls) -> dict[str, Codec]:
    """Codecs the defaults cannot give: a yes/no box, and the volume slider's log scale."""
    def read_bool(text: str) -> bool:
        if text.lower() not in ("yes", "no"):
            raise UrlValueError(f"same_closures={text!r} is not yes or no")
        return text.lower() == "yes"

    def read_volume(text: str) -> float:
        low, high = 10.0 ** c.volume.min, 10.0 ** c.volume.max
        try:
            value = float(text)
        except ValueError:
            raise UrlValueError(f"volume={text!r} is not a number (“Flat closures a year”)") from None
        if not low <= value <= high:
            raise UrlValueError(f"volume={text} is outside “Flat closures a year”: {low:,.0f} to "
                                f"{high:,.0f}")
        return value

    return {"same_closures": Codec(lambda: "yes" if c.same_closures.value else "no", read_bool),
            "volume": Codec(lambda: f"{c.volume.value:g}", read_volume)}
