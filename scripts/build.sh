#!/usr/bin/env bash
# Set up .venv (first run only) and build the book into _build/html.
# Every notebook is executed; any error or Sphinx warning fails the build.
# Open _build/html/index.html when it is done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

echo "==> building the book"
jupyter-book build -W -n --keep-going "$ROOT"
echo "==> done: open $ROOT/_build/html/index.html"
