"""Shared test fixtures: the repository's data package and, when present, the raw CMS files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flatclosure.catalog import Catalog

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SHARED_CMS = ROOT.parent / "shared" / "data" / "cms"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/ to damage or edit in a test."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def catalog_with(root: Path) -> Catalog:
    return Catalog(root)
