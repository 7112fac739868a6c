#!/usr/bin/env bash
# Set up .venv (first run only) and build the book into _build/html.
# Every notebook is executed; any error or Sphinx warning fails the build.
# Needs Node >= 20 with npm as well (scripts/site_assets.sh copies MathJax from
# npm into the site). Open _build/html/index.html when it is done, and check it
# in a headless browser with scripts/site_test.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

# The site serves its own MathJax (no CDN): copy it from npm into book/_static.
bash "$ROOT/scripts/site_assets.sh"

# Build the compiled training loop first (or load it from numba's cache), so
# that every chapter trains compiled from its first cell, as the committed
# outputs were made (a fresh session trains in numpy while the loop compiles:
# the same numbers to rounding, see conftest.py).
python -c "from lecture_code.fast import compiled_training; compiled_training.warm_up(wait=True)"

echo "==> building the book"
jupyter-book build -W -n --keep-going "$ROOT"
echo "==> done: open $ROOT/_build/html/index.html"
