"""Notebook 04's three paths for a scenario with a new code and ``paths`` (``pool.paths``)."""

from __future__ import annotations

from dataclasses import replace

from ..catalog import Catalog, as_date, load_catalog
from ..pool import NewCode, Revaluation
from ..pool.paths import PathsResult, compare_paths
from ..volumes import Volumes
from .evaluate import hypothetical_values
from .model import Scenario, ScenarioError

POOL_PRESET = "10_new_afc_code.yaml"  # the new code and paths notebook 04 and the CLI start from


def evaluate_paths(s: Scenario, year: int | None = None, new_code: NewCode | None = None,
                   revaluation: Revaluation | None = None, volumes: Volumes | None = None,
                   total_allowed: float | None = None, catalog: Catalog | None = None) -> PathsResult:
    """Notebook 04's three paths for a scenario with ``new_code`` and ``paths`` (pool.paths).

    ``new_code`` (a pool.NewCode) and ``revaluation`` (a pool.Revaluation) replace the file's;
    the new code keeps the file's payment indicators and claim lines.
    """
    cat = catalog or load_catalog()
    nc, spec = s.new_code, s.paths
    if nc is None or spec is None:
        raise ScenarioError(s.name, "paths", "the scenario needs new_code and paths")
    on = cat.date_for_year(year if year is not None else s.valuation.year or cat.default_year())
    code = new_code or NewCode(volume=nc.volume, on=on, work_rvu=nc.work_rvu, pe_rvu=nc.pe_rvu,
                               mp_rvu=nc.mp_rvu, displaces=nc.displaces,
                               setting=s.valuation.setting, label=nc.code)
    values = replace(hypothetical_values(nc, as_date(code.on), cat), work_rvu=code.work_rvu or 0.0,
                     fac_pe_rvu=code.rvu - (code.work_rvu or 0.0) - nc.mp_rvu,
                     nonfac_pe_rvu=code.rvu - (code.work_rvu or 0.0) - nc.mp_rvu)
    reval = revaluation or Revaluation(
        on=code.on, work_rvus=tuple((c, w) for c, w, _, _ in spec.revalue),
        volumes=tuple((c, v) for c, _, v, _ in spec.revalue if v is not None),
        flat_closure_share=tuple((c, x) for c, _, _, x in spec.revalue if x is not None))
    total = nc.total_allowed if total_allowed is None else total_allowed
    return compare_paths(spec.flat_closure_lines, code.on, code, values, s.lines, reval,
                         volumes, total, cat)
