#!/bin/bash
# Simulate the Binder build: a fresh virtual environment from binder/ only (requirements.txt,
# then postBuild, as repo2docker runs them), then every notebook executed headless. Executed
# copies go to a temp dir (never in place: widget state would make them ~10 MB each).
# Usage: bash scripts/binder_check.sh        (or: make binder-check)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
want=$(sed -n 's/^python-\([0-9.]*\).*/\1/p' binder/runtime.txt)
have=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
if [ -n "$want" ] && [ "$want" != "$have" ]; then
    echo "binder/runtime.txt asks for Python $want; $PYTHON is $have (set PYTHON=...)" >&2
    exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/flatclosure-binder.XXXXXX")
trap 'rm -rf "$work"' EXIT
stamp() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(stamp)" 'BEGIN { printf "%.1f s", b - a }'; }

t0=$(stamp)
"$PYTHON" -m venv "$work/venv"
# repo2docker puts its environment first on PATH; postBuild calls plain `pip`
export PATH="$work/venv/bin:$PATH"
pip install -q --no-cache-dir --upgrade pip
pip install -q --no-cache-dir -r binder/requirements.txt
echo "binder-check: install binder/requirements.txt: $(took "$t0")"

t1=$(stamp)
bash binder/postBuild >"$work/postBuild.log" 2>&1 || { cat "$work/postBuild.log"; exit 1; }
echo "binder-check: binder/postBuild: $(took "$t1")"

t2=$(stamp)
mkdir -p "$work/out"
for nb in notebooks/*.ipynb; do
    tn=$(stamp)
    jupyter nbconvert --to notebook --execute --ExecutePreprocessor.store_widget_state=False \
        --ExecutePreprocessor.timeout=300 --output-dir "$work/out" "$nb" >"$work/nbconvert.log" 2>&1 \
        || { cat "$work/nbconvert.log"; echo "binder-check: FAILED $nb" >&2; exit 1; }
    echo "binder-check: executed $nb: $(took "$tn")"
done
echo "binder-check: every notebook: $(took "$t2"); whole check: $(took "$t0")"
