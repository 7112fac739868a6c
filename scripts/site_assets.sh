#!/usr/bin/env bash
# Put the JavaScript the site needs into book/_static, so the built site loads
# nothing from a CDN and renders offline (issue 6).
#
# MathJax 3 comes from npm, pinned in tests/browser/package-lock.json (the same
# package holds the browser-test tools), and is copied to book/_static/mathjax/;
# _config.yml points Sphinx's mathjax_path at it. Nothing else is fetched: the
# kernel-free sliders are inline JavaScript in the pages, and the ipywidgets
# html-manager and require.js are not loaded at all (nb_ipywidgets_js: {}).
#
# Needs Node >= 20 and npm. `npm ci` runs only when package-lock.json changed
# since the last install. Called by scripts/build.sh; safe to run by hand.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/tests/browser"
DEST="$ROOT/book/_static/mathjax"

if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm not found. The site serves MathJax itself, copied from npm;" >&2
    echo "       install Node.js >= 20 with npm (nodejs.org, or your distribution if it is recent enough)." >&2
    exit 1
fi

if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
    echo "error: Node $(node --version) is too old; playwright-core needs Node >= 20." >&2
    exit 1
fi

lock_sum="$(sha256sum "$PKG/package-lock.json" | cut -d' ' -f1)"
stamp="$PKG/node_modules/.installed-from-lock"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    echo "==> npm ci in tests/browser (MathJax, playwright-core, axe-core)"
    (cd "$PKG" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > "$stamp"
fi

src="$PKG/node_modules/mathjax/es5"
version="$(cd "$PKG" && node -p 'require("mathjax/package.json").version')"
if [ ! -f "$DEST/.version" ] || [ "$(cat "$DEST/.version")" != "$version" ]; then
    echo "==> copying MathJax $version (tex-mml-chtml and the parts it loads) to book/_static/mathjax"
    rm -rf "$DEST"
    mkdir -p "$DEST/output"
    # The combined TeX+MathML/CHTML component Sphinx loads by default, plus what
    # it fetches at run time relative to its own URL: TeX extensions (input/),
    # the CHTML fonts (output/chtml/), and the menu's accessibility extensions
    # (a11y/, sre/, ui/). The other combined bundles and the SVG output are not
    # used and are left out (about 7 of the package's 24 MB are copied).
    cp "$src/tex-mml-chtml.js" "$DEST/"
    cp -r "$src/input" "$src/a11y" "$src/sre" "$src/ui" "$src/adaptors" "$DEST/"
    cp -r "$src/output/chtml" "$src/output/chtml.js" "$DEST/output/"
    cp "$PKG/node_modules/mathjax/LICENSE" "$DEST/LICENSE"
    echo "$version" > "$DEST/.version"
fi
