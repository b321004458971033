"""Notebook 04: the finite RVU pool. A new flat-closure code, its spending against the $20M
budget-neutrality threshold, the conversion factor before and after, what mastectomy and the
flat-closure codes are paid, the RVU x volume heatmap, and the family work-neutrality lens
(UNCONFIRMED) beside the statutory one.

Plain functions first (``PoolInputs`` -> ``pool_outcome`` -> tables and sentences); ``PoolView``
only shows them. The starting values come from the preset scenario
``data/scenarios/10_new_afc_code.yaml``, whose numbers are marked illustrative.
"""

from __future__ import annotations

import html
import math
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import figures, scenarios
from ..catalog import Catalog, load_catalog
from ..errors import FlatclosureError, InputError
from ..pool import (
    FAMILY_LABEL,
    STATUTORY_LABEL,
    FamilyResult,
    NewCode,
    PoolSweep,
    StatutoryResult,
    family_neutrality,
    pool_parameters,
    statutory,
    sweep,
)
from ..present.formatting import fmt_change, fmt_count, fmt_money, fmt_pct, fmt_rvu, fmt_text
from ..tables import FAMILY_LABELS, GAP_GROUPS
from ..volumes import Volumes, illustrative_volumes, load_volumes
from .common import (
    CODE_COLUMN,
    CONTROL_STYLE,
    DESCRIPTION_COLUMN,
    STYLE,
    ErrorPanel,
    figure_widget,
    heading,
    html_table,
    labelled,
    note,
    scrolling,
    update_figure,
)

PRESET = "10_new_afc_code.yaml"  # the hypothetical new code the view starts from
DISPLACED_CODES = ("14301", "13101", "19499", "15839")  # codes a user can set a share for
# Families whose prices the table and chart show: mastectomy first, then the flat-closure codes.
SHOWN_FAMILIES = ("mastectomy", *GAP_GROUPS["Flat closure"], "fallback")
CUSTOM_FAMILY = "custom"
RVU_GRID = np.linspace(0.0, 80.0, 81)  # the heatmap's x axis and the RVU slider's range
VOLUME_GRID = np.geomspace(100.0, 1_000_000.0, 81)  # y axis, log; the volume slider's range
BREAK_EVEN_RVUS = (10.0, 20.0, 30.0, 40.0, 60.0, 80.0)  # rows of the break-even table
BILLION = 1e9
NO_FAMILY_CODES = "list at least one catalog code, e.g. 19303 19307 14301"
FIRST_CODE = "19303"  # the simple mastectomy the advocates compare with: named first in words


# -- inputs and outcome ------------------------------------------------------------------------
@dataclass(frozen=True)
class PoolInputs:
    """What the view asks: the new code (total RVU, yearly volume, displaced shares), the year and
    setting, total PFS allowed charges (None: the data package's default) and the family."""

    rvu: float
    volume: float
    shares: tuple[tuple[str, float], ...]
    year: int
    setting: str = "facility"
    total_allowed: float | None = None
    family: str | tuple[str, ...] = "breast"
    work_share: float | None = None  # the new code's work RVU as a share of its total (preset's)

    def scenario(self, catalog: Catalog | None = None) -> NewCode:
        cat = catalog or load_catalog()
        work = None if self.work_share is None else self.rvu * self.work_share
        return NewCode(volume=self.volume, on=cat.date_for_year(self.year), total_rvu=self.rvu,
                       work_rvu=work, displaces={c: s for c, s in self.shares if s > 0},
                       setting=self.setting)


@cache
def preset() -> scenarios.Scenario:
    """The preset 'Flat closure alone under a hypothetical new code' (illustrative values)."""
    return scenarios.load(scenarios.presets_dir() / PRESET)


def default_inputs() -> PoolInputs:
    """The preset's new code: its total RVU, volume, shares, year and setting."""
    s = preset()
    nc = s.new_code
    if nc is None:  # a broken preset is a data error, not a reason to guess
        raise InputError("preset", f"{PRESET} has no new_code")
    shares = dict(nc.displaces)
    return PoolInputs(
        rvu=round(nc.total_rvu, 2), volume=nc.volume,
        shares=tuple((c, float(shares.get(c, 0.0))) for c in DISPLACED_CODES),
        year=int(s.valuation.year or load_catalog().default_year()), setting=s.valuation.setting,
        total_allowed=nc.total_allowed, work_share=nc.work_rvu / nc.total_rvu)


@dataclass(frozen=True)
class PoolOutcome:
    """Both lenses for one set of inputs, and the sweep behind the heatmap."""

    inputs: PoolInputs
    statutory: StatutoryResult
    sweep: PoolSweep
    family: FamilyResult | None
    family_error: str  # why the family lens cannot be shown ('' when it can)
    prices: pd.DataFrame  # mastectomy and flat-closure codes, both lenses


def pool_sweep(inputs: PoolInputs, catalog: Catalog | None = None) -> PoolSweep:
    """The statutory adjustment over ``RVU_GRID`` x ``VOLUME_GRID`` for the inputs' date,
    setting, shares and total (the RVU and volume of the inputs play no part)."""
    return sweep(inputs.scenario(catalog), RVU_GRID, VOLUME_GRID, inputs.total_allowed,
                 catalog=catalog)


def pool_outcome(inputs: PoolInputs, volumes: Volumes | None = None,
                 catalog: Catalog | None = None, grid: PoolSweep | None = None) -> PoolOutcome:
    """Compute both lenses. A statutory error raises; a family-lens error (e.g. a new code bigger
    than the family) is kept in ``family_error`` so the statutory lens still shows."""
    cat = catalog or load_catalog()
    sc = inputs.scenario(cat)
    stat = statutory(sc, inputs.total_allowed, catalog=cat)
    fam: FamilyResult | None = None
    why = ""
    if not inputs.family:
        why = f"family codes: {NO_FAMILY_CODES}"
    else:
        try:
            fam = family_neutrality(sc, inputs.family, volumes, catalog=cat)
        except FlatclosureError as exc:
            why = str(exc)
    return PoolOutcome(inputs, stat, grid if grid is not None else pool_sweep(inputs, cat), fam,
                       why, price_frame(stat, fam, cat))


def price_frame(stat: StatutoryResult, fam: FamilyResult | None,
                catalog: Catalog | None = None) -> pd.DataFrame:
    """Mastectomy, then the flat-closure codes paid by RVUs: price today and after each lens
    (``family_after`` NaN for codes outside the family or when the family lens failed)."""
    cat = catalog or load_catalog()
    codes = stat.codes
    keep = codes["family"].isin(SHOWN_FAMILIES) & codes["price_before"].notna()
    out = codes.loc[keep, ["code", "family", "role", "description", "price_before",
                           "price_after", "change", "change_pct"]].reset_index(drop=True)
    out["group"] = [FAMILY_LABELS[f] for f in out["family"]]
    out["label"] = [f"{c} ({_short(f)})" for c, f in zip(out["code"], out["family"], strict=True)]
    out["description"] = [cat.info(c).description for c in out["code"]]
    fam_cols = ["price_after", "change", "change_pct"]
    if fam is not None:
        m = fam.members.set_index("code")[fam_cols]
        m.columns = ["family_after", "family_change", "family_change_pct"]
        out = out.join(m, on="code")
    else:
        for c in ("family_after", "family_change", "family_change_pct"):
            out[c] = np.nan
    return out


def _short(family: str) -> str:
    return {"tissue_rearrangement": "tissue rearr.", "complex_repair": "complex repair",
            "fat_grafting": "fat grafting", "fallback": "fallback"}.get(family, family)


# -- words ---------------------------------------------------------------------------------------
def _dollars(v: float) -> str:
    return f"${v:,.0f}" if abs(v) >= 1000 else f"${v:,.2f}"


def volume_words(volume: float, preset_volume: float) -> str:
    """The new code's yearly volume with where it comes from, for every sentence that uses it."""
    tag = "the preset's illustrative guess" if volume == preset_volume else "your assumption"
    return f"{volume:,.0f} services a year ({tag})"


def statutory_lines(stat: StatutoryResult, preset_volume: float) -> list[str]:
    """The statutory lens in sentences: spending, threshold, factor, break-even."""
    sc = stat.scenario
    vol = volume_words(sc.volume, preset_volume)
    lines = [
        f"Added spending: {_dollars(stat.added_spending)} a year = ({stat.new_code_rvu:.2f} RVU of "
        f"the new code − {stat.displaced_rvu:.2f} RVU of the services it replaces) × {vol} × "
        f"${stat.conversion_factor_before:.4f} per RVU.",
    ]
    if stat.threshold_exceeded:
        lines.append(
            f"That is more than the {_dollars(stat.threshold)} threshold, so the law requires an "
            f"offset: every code's conversion factor is multiplied by "
            f"{stat.budget_neutrality_factor:.6f} ({fmt_pct(stat.change_pct)}), and total PFS "
            f"spending stays {_dollars(stat.total_allowed)}.")
    else:
        lines.append(
            f"That is within the {_dollars(stat.threshold)} threshold, so no budget-neutrality "
            "offset applies: the conversion factor and every other code's payment stay as they "
            "are.")
    lines.append(break_even_words(stat, preset_volume))
    lines += [f"Note: {n}." for n in stat.notes]  # e.g. a carrier-priced code frees no RVUs
    return lines


def break_even_words(stat: StatutoryResult, preset_volume: float) -> str:
    """The volume at which this code crosses the threshold, in words."""
    sc = stat.scenario
    if stat.break_even_volume is None:
        return (f"Break-even: at {stat.new_code_rvu:.2f} RVU the new code costs what the services "
                "it replaces cost, so no volume crosses the threshold.")
    be = stat.break_even_volume
    ratio = be / sc.volume if sc.volume > 0 else math.inf
    how = (f"{ratio:,.1f} times the {sc.volume:,.0f} assumed" if ratio >= 1
           else f"the {sc.volume:,.0f} assumed are beyond it")
    direction = "adds" if stat.net_rvu_per_service > 0 else "saves"
    return (f"Break-even: each service {direction} {abs(stat.net_rvu_per_service):.2f} RVU, so at "
            f"{stat.new_code_rvu:.2f} RVU the threshold is crossed above {be:,.0f} services a "
            f"year ({how}).")


def cf_line(stat: StatutoryResult) -> str:
    return (f"Conversion factor: ${stat.conversion_factor_before:.4f} → "
            f"${stat.conversion_factor_after:.4f} per RVU ({fmt_pct(stat.change_pct)})")


def family_lines(fam: FamilyResult) -> list[str]:
    """The family lens in sentences: the scale on work RVUs and what the first member loses."""
    members = fam.members.set_index("code")
    first = FIRST_CODE if FIRST_CODE in members.index else members.index[0]
    row = members.loc[first]
    volumes = ("ILLUSTRATIVE volumes (reasoned guesses, not counts: see below)"
               if fam.volumes_illustrative else f"volumes: {fam.volumes_source}")
    basis = " (from illustrative volumes)" if fam.volumes_illustrative else ""
    return [
        f"Family: {fam.family} ({len(fam.codes)} codes), {volumes}.",
        f"New code's work: {fam.new_code_work_rvu:.2f} RVU ({fam.work_rvu_basis}).",
        f"To hold the family's work RVUs × volume at {fam.work_pool_before:,.0f}{basis}, every "
        f"member's work RVU is multiplied by {fam.work_scale_factor:.4f} "
        f"({(fam.work_scale_factor - 1) * 100:+.2f}%); the conversion factor is unchanged.",
        f"{first} would be paid {fmt_money(row['price_after'])} instead of "
        f"{fmt_money(row['price_before'])} ({fmt_change(row['change'])}, "
        f"{fmt_pct(row['change_pct'])}).",
        *(f"Note: {n}." for n in fam.notes),
    ]


def break_even_frame(stat: StatutoryResult, grid: PoolSweep) -> pd.DataFrame:
    """The heatmap's threshold line as a table: break-even volume at a few RVU values."""
    rows = []
    for r in BREAK_EVEN_RVUS:
        net = r - stat.displaced_rvu
        be = abs(net) * grid.conversion_factor
        vol = grid.threshold / be if be > 0 else math.inf
        effect = ("none at any volume" if math.isinf(vol) else
                  "the CF is cut" if net > 0 else "the CF is raised (the code saves money)")
        rows.append({"rvu": r, "net": net,
                     "break_even": "never" if math.isinf(vol) else f"above {vol:,.0f}",
                     "effect": effect})
    return pd.DataFrame(rows)


PRICE_COLUMNS = [
    CODE_COLUMN,
    ("group", "Group", fmt_text),
    DESCRIPTION_COLUMN,
    ("price_before", "Today (US$)", fmt_money),
    ("price_after", "Statutory lens (US$)", fmt_money),
    ("change_pct", "Change", fmt_pct),
    ("family_after", "Family lens, UNCONFIRMED (US$)", fmt_money),
    ("family_change", "Change (US$)", fmt_change),
    ("family_change_pct", "Change", fmt_pct),
]
BREAK_EVEN_COLUMNS = [
    ("rvu", "New code's total RVU", fmt_rvu),
    ("net", "Net RVU per service (after what it replaces)", fmt_rvu),
    ("break_even", "Threshold crossed at (services a year)", fmt_text),
    ("effect", "Beyond it", fmt_text),
]


def family_table(fam: FamilyResult) -> str:
    """The family members: volume (labelled illustrative cell by cell), work RVU and price."""
    frame = fam.members.copy()
    tag = " (illustrative)" if fam.volumes_illustrative else ""
    frame["volume_shown"] = [fmt_count(v) + tag for v in frame["volume"]]
    frame["group"] = [FAMILY_LABELS.get(f, f) for f in frame["family"]]
    cols = [
        CODE_COLUMN, ("group", "Family", fmt_text),
        ("volume_shown", "Services a year", fmt_text),
        ("work_rvu_before", "Work RVU today", fmt_rvu),
        ("work_rvu_after", "Work RVU after", fmt_rvu),
        ("price_before", "Today (US$)", fmt_money), ("price_after", "After (US$)", fmt_money),
        ("change", "Change (US$)", fmt_change), ("change_pct", "Change", fmt_pct),
    ]
    return html_table(frame, cols, caption=f"Family work neutrality (UNCONFIRMED): {fam.family}, "
                      f"{fam.volumes_source}")


def reasoning_html(volumes: Volumes, codes: Sequence[str]) -> str:
    """How each illustrative volume was reasoned, folded away under a summary line."""
    if not volumes.illustrative:
        return ""
    items = "".join(
        f"<li><b>{html.escape(c)}</b>: {fmt_count(volumes.get(c))} (illustrative). "
        f"{html.escape(volumes.reasoning.get(c, 'no reasoning recorded'))}</li>" for c in codes)
    return (f'{STYLE}<details class="fc-note"><summary>How these illustrative volumes were '
            f"reasoned</summary><ul>{items}</ul></details>")


# -- volumes from a user's file ------------------------------------------------------------------
# the path box is read by the kernel, which on Binder or in the Voila app is not the user's computer
PATH_NOTE = ("The path is read on the machine running the workbook, not on your own computer: "
             "on Binder or in the app, use Upload.")


def volumes_from_path(text: str) -> Volumes:
    """CMS 'by Geography and Service' volumes from a path typed by the user."""
    path = str(text).strip().strip("'\"")
    if not path:
        raise InputError("CMS file path", "type the path of the CSV file you downloaded")
    return load_volumes(Path(path).expanduser())


def volumes_from_upload(name: str, content: bytes) -> Volumes:
    """CMS 'by Geography and Service' volumes from an uploaded file's bytes (kept under its own
    name in a temporary folder, so messages and the source name the user's file)."""
    safe = Path(str(name)).name or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="flatclosure-volumes-") as tmp:
        path = Path(tmp) / safe
        path.write_bytes(bytes(content))
        return load_volumes(path)


# -- the view ------------------------------------------------------------------------------------
def family_options() -> list[tuple[str, str]]:
    return ([("Breast surgery (mastectomy + reconstruction)", "breast")]
            + [(label, fam) for fam, label in FAMILY_LABELS.items()]
            + [("Codes I list below", CUSTOM_FAMILY)])


def _card(children: list[widgets.Widget]) -> widgets.VBox:
    return widgets.VBox(children, layout=widgets.Layout(
        flex="1 1 420px", min_width="340px", border="1px solid #ccc", padding="4px 12px 8px",
        margin="4px 8px 4px 0"))


@dataclass
class PoolView:
    """Notebook 04's controls, outputs and the last computed ``outcome``."""

    rvu: widgets.FloatSlider
    volume: widgets.FloatLogSlider
    shares: dict[str, widgets.FloatSlider]
    year: widgets.Dropdown
    setting: widgets.ToggleButtons
    total_allowed: widgets.BoundedFloatText  # US$ billions
    family: widgets.Dropdown
    family_codes: widgets.Text
    volumes_path: widgets.Text
    load_path: widgets.Button
    upload: widgets.FileUpload
    reset_volumes: widgets.Button
    volumes_note: widgets.HTML
    shares_note: widgets.HTML
    statutory_text: widgets.HTML
    cf: widgets.HTML
    family_text: widgets.HTML
    prices_figure: go.FigureWidget
    prices_table: widgets.HTML
    heatmap: go.FigureWidget
    break_even_table: widgets.HTML
    family_table: widgets.HTML
    reasoning: widgets.HTML
    errors: ErrorPanel
    family_errors: ErrorPanel
    widget: widgets.VBox
    catalog: Catalog
    volumes: Volumes
    preset_volume: float
    work_share: float | None = None  # kept from the starting inputs: no control changes it
    outcome: PoolOutcome | None = None
    _grids: dict[tuple[Any, ...], PoolSweep] = field(default_factory=dict)
    resources: tuple[str, ...] = ("cms-rvus", "cms-conversion-factors", "catalog-codes",
                                  "payment-parameters", "pool-volumes-illustrative")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def inputs(self) -> PoolInputs:
        """The control values as engine inputs."""
        default = pool_parameters().total_allowed_usd
        total = float(self.total_allowed.value) * BILLION
        fam = str(self.family.value)
        if fam == CUSTOM_FAMILY:  # checked by the family lens, which shows what is wrong
            fam = str(self.family_codes.value).strip()
        return PoolInputs(
            rvu=float(self.rvu.value), volume=float(self.volume.value),
            shares=tuple((c, float(w.value)) for c, w in self.shares.items()),
            year=int(self.year.value), setting=str(self.setting.value),
            total_allowed=None if math.isclose(total, default) else total, family=fam,
            work_share=self.work_share)

    @staticmethod
    def _key(inputs: PoolInputs) -> tuple[Any, ...]:
        return (inputs.year, inputs.setting, inputs.shares, inputs.total_allowed)

    def _grid(self, inputs: PoolInputs) -> PoolSweep:
        key = self._key(inputs)
        if key not in self._grids:
            self._grids.clear()
            self._grids[key] = pool_sweep(inputs, self.catalog)
        return self._grids[key]

    def refresh(self, *_: Any) -> None:
        """Recompute on any control change; an impossible value shows a message, not a trace."""
        self.family_codes.disabled = self.family.value != CUSTOM_FAMILY
        with self.errors.catching():
            inputs = self.inputs()
            out = pool_outcome(inputs, self.volumes, self.catalog, self._grid(inputs))
            self._show(out)

    def _show(self, out: PoolOutcome) -> None:
        stat, inputs = out.statutory, out.inputs
        self.outcome = out
        self.statutory_text.value = STYLE + "".join(
            note(t) for t in statutory_lines(stat, self.preset_volume))
        self.cf.value = STYLE + note(cf_line(stat), "fc-total")
        self.shares_note.value = shares_html(stat, self.catalog)
        if out.family is None:
            self.family_errors.show(out.family_error)
            self.family_text.value = ""
            self.family_table.value = ""
            self.reasoning.value = ""
        else:
            self.family_errors.clear()
            fam = out.family
            self.family_text.value = STYLE + "".join(note(t) for t in family_lines(fam))
            self.family_table.value = family_table(fam)
            self.reasoning.value = reasoning_html(self.volumes, fam.codes)
        update_figure(self.prices_figure, _prices_spec(out))
        where = _where(inputs)
        self.prices_table.value = html_table(
            out.prices, PRICE_COLUMNS,
            caption=f"Mastectomy and the flat-closure codes, national payment ({where}); "
                    "a dash under the family lens: not a member of the family")
        update_figure(self.heatmap, _heatmap_spec(out))
        g = out.sweep
        self.break_even_table.value = html_table(
            break_even_frame(stat, g), BREAK_EVEN_COLUMNS,
            caption="The dashed line of the heatmap as numbers")
        self.volumes_note.value = STYLE + note(
            ("Family lens volumes: " + self.volumes.label()) if self.volumes.illustrative
            else f"Family lens volumes: {self.volumes.source} (measured counts).")

    def use_volumes(self, volumes: Volumes) -> None:
        """Replace the family lens's volumes and recompute."""
        self.volumes = volumes
        self.refresh()

    def _load_from_path(self, *_: Any) -> None:
        with self.errors.catching():
            self.volumes = volumes_from_path(self.volumes_path.value)
        if not self.errors.showing:
            self.refresh()

    def _load_from_upload(self, change: Mapping[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        with self.errors.catching():
            self.volumes = volumes_from_upload(str(f["name"]), bytes(f["content"]))
        self.upload.value = ()  # so that the same file can be uploaded again after a fix
        if not self.errors.showing:
            self.refresh()

    def _reset(self, *_: Any) -> None:
        self.use_volumes(illustrative_volumes())


def shares_html(stat: StatutoryResult, catalog: Catalog | None = None) -> str:
    """What each code a share can be set for is, and is worth in the chosen year and setting."""
    cat = catalog or load_catalog()
    by = stat.codes.set_index("code")
    items = []
    for c in DISPLACED_CODES:
        r = by.loc[c] if c in by.index else None
        worth = ("not in this year's release" if r is None else
                 "no RVUs: priced by each payer" if r["status"] != "A" else
                 f"{r['total_rvu']:.2f} RVU")
        items.append(f"<li><b>{c}</b> {html.escape(cat.info(c).description)} ({worth})</li>")
    return (f'{STYLE}<div class="fc-note">A share of 0.6 means each new service replaces 0.6 of '
            f'one service billed today as:<ul style="margin:2px 0">{"".join(items)}</ul>'
            f"In all, each new service replaces {stat.displaced_rvu:.2f} RVU.</div>")


def pool_view(inputs: PoolInputs | None = None, volumes: Volumes | None = None,
              catalog: Catalog | None = None) -> PoolView:
    """Build notebook 04's view, starting from ``inputs`` (default: the preset new code)."""
    cat = catalog or load_catalog()
    start = default_inputs()
    inputs = inputs or start
    vols = volumes or illustrative_volumes()
    params = pool_parameters()
    wide = widgets.Layout(width="520px")
    rvu = widgets.FloatSlider(
        value=inputs.rvu, min=float(RVU_GRID[0]), max=float(RVU_GRID[-1]), step=0.25,
        description="New code's total RVU", continuous_update=False, readout_format=".2f",
        style=CONTROL_STYLE, layout=wide)
    volume = widgets.FloatLogSlider(
        value=inputs.volume, base=10, min=math.log10(VOLUME_GRID[0]),
        max=math.log10(VOLUME_GRID[-1]), step=0.01, description="Services a year",
        continuous_update=False, readout_format=",.0f", style=CONTROL_STYLE, layout=wide)
    given = dict(inputs.shares)
    shares = {c: widgets.FloatSlider(
        value=given.get(c, 0.0), min=0.0, max=2.0, step=0.05, description=f"Share of a {c}",
        continuous_update=False, readout_format=".2f", style=CONTROL_STYLE, layout=wide)
        for c in DISPLACED_CODES}
    years = cat.years()
    year = widgets.Dropdown(options=years, value=inputs.year, description="Year",
                            style=CONTROL_STYLE, layout=widgets.Layout(width="300px"))
    setting = widgets.ToggleButtons(options=[("facility", "facility"), ("office", "office")],
                                    value=inputs.setting, style={"button_width": "90px"})
    total = (params.total_allowed_usd if inputs.total_allowed is None else inputs.total_allowed)
    total_allowed = widgets.BoundedFloatText(
        value=total / BILLION, min=1.0, max=1000.0, step=1.0,
        description="Total PFS allowed, $bn", style=CONTROL_STYLE,
        layout=widgets.Layout(width="320px"))
    fam_value = inputs.family if isinstance(inputs.family, str) else CUSTOM_FAMILY
    family = widgets.Dropdown(options=family_options(), value=fam_value, description="Family",
                              style=CONTROL_STYLE, layout=wide)
    family_codes = widgets.Text(
        value="" if isinstance(inputs.family, str) else " ".join(inputs.family),
        placeholder="e.g. 19303 19307 14301", description="Family codes",
        continuous_update=False, style=CONTROL_STYLE, layout=wide)
    volumes_path = widgets.Text(placeholder="a path on the machine running the workbook",
                                description="CMS file path", continuous_update=False,
                                style=CONTROL_STYLE, layout=widgets.Layout(width="420px"))
    first = pool_outcome(inputs, vols, cat)  # the figures start from real data
    view = PoolView(
        work_share=inputs.work_share, rvu=rvu, volume=volume, shares=shares, year=year, setting=setting,
        total_allowed=total_allowed, family=family, family_codes=family_codes,
        volumes_path=volumes_path,
        load_path=widgets.Button(description="Load file", layout=widgets.Layout(width="110px")),
        upload=widgets.FileUpload(accept=".csv", multiple=False, description="Upload CMS CSV",
                                  layout=widgets.Layout(width="190px")),
        reset_volumes=widgets.Button(description="Use illustrative volumes",
                                     layout=widgets.Layout(width="220px")),
        volumes_note=widgets.HTML(), shares_note=widgets.HTML(), statutory_text=widgets.HTML(),
        cf=widgets.HTML(), family_text=widgets.HTML(),
        prices_figure=figure_widget(_prices_spec(first)), prices_table=widgets.HTML(),
        heatmap=figure_widget(_heatmap_spec(first)), break_even_table=widgets.HTML(),
        family_table=widgets.HTML(), reasoning=widgets.HTML(), errors=ErrorPanel(),
        family_errors=ErrorPanel(), widget=widgets.VBox(), catalog=cat, volumes=vols,
        preset_volume=start.volume,
    )
    view._grids[view._key(inputs)] = first.sweep
    total_note = widgets.HTML(STYLE + note(
        f"Default ${params.total_allowed_usd / BILLION:,.0f} billion: "
        f"{params.total_allowed_source}. Threshold ${params.threshold_usd:,.0f}: "
        f"{params.threshold_source}."))
    illustrative = "; ".join(preset().illustrative)
    controls = widgets.HBox([
        _card([heading("The new code", 4), rvu, volume,
               widgets.HTML(note(f"Starting values: the preset '{preset().title}' "
                                 f"(illustrative: {illustrative}).")),
               heading("What it replaces", 4), *shares.values(), view.shares_note]),
        _card([heading("The fee schedule", 4), year, labelled("Setting", setting),
               total_allowed, total_note,
               heading("The family (second lens)", 4), family, family_codes,
               heading("Volumes of the family's codes", 4), view.volumes_note,
               widgets.HTML(note("Replace the illustrative volumes with CMS's 'Medicare Physician "
                                 "& Other Practitioners - by Geography and Service' CSV "
                                 "(national rows are used).")),
               widgets.HBox([volumes_path, view.load_path]),
               widgets.HTML(note(PATH_NOTE)),
               widgets.HBox([view.upload, view.reset_volumes])]),
    ], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
    lenses = widgets.HBox([
        _card([heading("Lens 1: statutory budget neutrality (PFS-wide)", 4),
               widgets.HTML(note(STATUTORY_LABEL)), view.cf, view.statutory_text]),
        _card([heading("Lens 2: family work neutrality (UNCONFIRMED)", 4),
               widgets.HTML(note(FAMILY_LABEL)), view.family_errors.widget, view.family_text]),
    ], layout=widgets.Layout(flex_flow="row wrap", width="100%"))
    view.widget.children = [
        controls, view.errors.widget,
        heading("What the numbers say"), lenses,
        heading("What mastectomy and the flat-closure codes are paid"),
        widgets.HTML(note("Add-on codes are in the table, not the chart. Under the statutory lens "
                          "every code in the fee schedule changes by the same percentage; under "
                          "the family lens only the family's members change.")),
        view.prices_figure, scrolling(view.prices_table),
        heading("Where the $20 million threshold bites"),
        widgets.HTML(note("Each cell is the change of the conversion factor for a new code of that "
                          "total RVU and yearly volume, with the shares above. White: no offset "
                          "(within the threshold). The dashed line is the break-even volume; the "
                          "cross is your scenario.")),
        view.heatmap, view.break_even_table,
        heading("The family lens, code by code (UNCONFIRMED)"),
        scrolling(view.family_table), view.reasoning,
    ]
    view._show(first)
    for w in (rvu, volume, *shares.values(), year, setting, total_allowed, family, family_codes):
        w.observe(view.refresh, names="value")
    view.load_path.on_click(view._load_from_path)
    volumes_path.observe(lambda _: view._load_from_path(), names="value")
    view.upload.observe(view._load_from_upload, names="value")
    view.reset_volumes.on_click(view._reset)
    return view


def _where(inputs: PoolInputs) -> str:
    return f"{inputs.year}, {inputs.setting}, national"


def _prices_spec(out: PoolOutcome) -> figures.FigureSpec:
    """The chart of prices: primary codes only (add-on codes are in the table)."""
    return figures.pool_prices_spec(
        out.prices[out.prices["role"] != "protocol_add_on"],
        f"What each code is paid today and after the new code ({_where(out.inputs)})")


def _heatmap_spec(out: PoolOutcome) -> figures.FigureSpec:
    g = out.sweep
    return figures.pool_heatmap_spec(
        g.rvus, g.volumes, g.change_pct, g.break_even_volume, out.inputs.rvu, out.inputs.volume,
        "Change of the conversion factor by the new code's RVU and volume"
        f"<br>({_where(out.inputs)})")  # one line is wider than the chart in JupyterLab
