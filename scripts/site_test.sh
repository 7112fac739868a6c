#!/usr/bin/env bash
# Check the built site (_build/html) in headless Chromium: every page loads
# without JavaScript errors and without touching the internet, its math is
# typeset, its figures have alt text, its links resolve, axe-core finds no
# critical or serious accessibility violation; on chapter pages the
# kernel-free sliders move the figure, the Colab/Binder links and the
# "download .ipynb" button are right; search finds the perceptron chapter.
# The checks are in tests/browser/site.test.mjs; chapter 8's browser
# playground has its own, in tests/browser/playground.test.mjs (labelled
# controls, play, every control by keyboard, state in the URL, axe, its
# exported runs replayed by lecture_code.playground.replay, training in a Web
# Worker, no snapshot of an earlier run shown, and the same page without a
# worker). Both always run.
# Run scripts/build.sh first.
#
# Needs Node >= 20 with npm (playwright-core and axe-core are installed from
# tests/browser/package-lock.json) and a Chromium or Chrome: $CHROME_PATH, or
# /usr/bin/chromium (Debian: apt-get install -y chromium). The browser is never
# downloaded. Arguments are ignored; exit status 1 if any check fails.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

SITE_DIR="${SITE_DIR:-$ROOT/_build/html}"
if [ ! -f "$SITE_DIR/index.html" ]; then
    echo "error: no built site in $SITE_DIR; run scripts/build.sh first" >&2
    exit 1
fi

if [ -z "${CHROME_PATH:-}" ]; then
    for candidate in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
        if [ -x "$candidate" ]; then CHROME_PATH="$candidate"; break; fi
    done
fi
if [ -z "${CHROME_PATH:-}" ] || [ ! -x "$CHROME_PATH" ]; then
    echo "error: no Chromium found; install it (apt-get install -y chromium) or set CHROME_PATH" >&2
    exit 1
fi
export CHROME_PATH

# playwright-core and axe-core (and MathJax) from the committed lock file.
bash "$ROOT/scripts/site_assets.sh"

# What the launch links must be, from _config.yml (the one place a fork edits).
SITE_EXPECT="$(python - "$ROOT" <<'PY'
import json, sys
from pathlib import Path
import yaml
root = Path(sys.argv[1])
config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
repo, launch = config["repository"], config.get("launch_buttons", {})
org, name = repo["url"].rstrip("/").removesuffix(".git").split("github.com/")[1].split("/")[:2]
print(json.dumps({
    "root": str(root), "org": org, "repo": name, "branch": repo["branch"],
    "path_to_book": repo.get("path_to_book", "").strip("/"),
    "colab_url": launch["colab_url"].rstrip("/"), "binderhub_url": launch["binderhub_url"].rstrip("/"),
    "ui_prefix": {"classic": "tree", "jupyterlab": "lab/tree"}[launch.get("notebook_interface", "classic")],
}))
PY
)"
export SITE_EXPECT
export SITE_DIR

echo "==> checking the site in $CHROME_PATH"
cd "$ROOT/tests/browser"
status=0
node site.test.mjs || status=1
echo "==> checking the browser playground (chapter 8)"
node playground.test.mjs || status=1
exit $status
