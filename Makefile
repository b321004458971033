# Two commands do all set-up on a fresh machine: `make lab` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CMS    ?= ../shared/data/cms
PORT   ?= 8888
# the app listens on this machine only unless told otherwise (docs/deploying.md): make app HOST=0.0.0.0
HOST   ?= 127.0.0.1
LAB_DIR ?= lab-notebooks

.PHONY: lab app test fuzz lint bench data binder-check clean

# A stamp per requirement set: reinstall only when a pin or the package metadata changes.
$(VENV)/.lab-installed: binder/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r binder/requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	@# plotly's widget bundle where Lab and Voila serve it, so browsers cache it (flatclosure/plotly_bundle.py)
	$(BIN)/python -m flatclosure.plotly_bundle
	@# rfc3987-syntax costs seconds in every kernel (see binder/postBuild); removing it is the last step
	-$(BIN)/pip uninstall -q -y rfc3987-syntax
	touch $@

$(VENV)/.dev-installed: $(VENV)/.lab-installed requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	-$(BIN)/pip uninstall -q -y rfc3987-syntax
	touch $@

# as root (containers, CI machines) Jupyter refuses to start without --allow-root
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

## lab: start JupyterLab on the start notebook (token auth stays on; the URL with the token is printed).
## It serves a working copy, $(LAB_DIR)/ (gitignored), refreshed from notebooks/ at each start by
## scripts/lab.py, so saved outputs never dirty the tracked notebooks (nor break `make test`); a
## notebook you edited there is never overwritten: a newer tracked version is put beside it.
lab: $(VENV)/.lab-installed
	$(BIN)/python scripts/lab.py --workdir=$(LAB_DIR) -- --port=$(PORT) $(ROOT_FLAG)

# the partial plotly.js where Lab and Voila serve it, again whenever the bundle or its module change
# (a copy installed by an older flatclosure is another file name: figures fell back to 5 MB inline)
$(VENV)/.plotly-bundle: $(VENV)/.lab-installed flatclosure/plotly_bundle.py flatclosure/static/*.js
	$(BIN)/python -m flatclosure.plotly_bundle
	touch $@

## app: the workbook as a clean app (Voila) opening on its start page (notebooks/index.ipynb), on
## $(HOST) (127.0.0.1 by default; HOST=0.0.0.0 to serve others). Its settings are in voila.json,
## read here, by Binder's Voila and by the browser tests: one warm kernel per notebook (preheat),
## kernels of closed pages shut down after 5 idle minutes (Voila's own shutdown request is refused:
## voila issue #1458), and no jupyterlab-plotly renderer (a 4.8 MB script per page view).
app: $(VENV)/.plotly-bundle
	JUPYTER_PATH=$(CURDIR)/share/jupyter $(BIN)/voila notebooks --port=$(PORT) --Voila.ip=$(HOST)

## test: the lint step, notebook hygiene, then every test (unit, data, notebooks, browser)
test: lint
	$(BIN)/nbstripout --verify notebooks/*.ipynb
	$(BIN)/pytest

## fuzz: the Hypothesis suites (every CLI verb, the scenario loader) with the deep profile
fuzz: $(VENV)/.dev-installed
	FLATCLOSURE_FUZZ=deep $(BIN)/pytest -q tests/test_fuzz_cli.py tests/test_fuzz_scenarios.py

## lint: ruff (with complexity rules), mypy (package and tests), the layer contract
## (import-linter, [tool.importlinter] in pyproject.toml) and the module and function sizes
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check flatclosure tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo --no-cache
	$(BIN)/python scripts/check_sizes.py

## bench: print timings (engine, pool, scenarios, notebooks, Voila in chromium against a static
## floor page, each browser figure as a ratio to the floor); QUICK=1 for a short run
## (or: .venv/bin/python benchmarks/bench_workbook.py --quick for the workbook part only)
bench: $(VENV)/.dev-installed $(VENV)/.plotly-bundle
	$(BIN)/python benchmarks/run.py --cms $(CMS) $(if $(QUICK),--quick,)

## data: rebuild the CMS extracts in data/cms from the raw CMS files in $(CMS)
data: $(VENV)/.lab-installed
	$(BIN)/python -m flatclosure.cms build --source $(CMS) --out data

## binder-check: a fresh environment from binder/ only, then every notebook executed headless
binder-check:
	bash scripts/binder_check.sh

clean:
	rm -rf $(VENV) artifacts .pytest_cache .mypy_cache .ruff_cache
