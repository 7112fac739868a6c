#!/usr/bin/env bash
# The book where its readers run it, beyond the pinned environment of one
# machine. Three checks (default: all three, in this order):
#
#   blas   strict nbval of every chapter with another BLAS kernel
#          (OPENBLAS_CORETYPE=Prescott): the outputs must equal the committed
#          ones, so no printed digit depends on the CPU.
#   colab  every chapter executed in a Colab-like environment: Python 3.11 with
#          what Colab ships instead of the pins (scripts/colab-constraints.txt),
#          lecture_code installed by each chapter's own setup cell, taking its
#          Colab branch (non-editable, --no-deps, from a git+file:// URL of this
#          clone). Output drift is allowed there; any cell error fails.
#          With Colab's numba, so the compiled training loop runs there.
#   py312  the same under Python 3.12 (Colab's Python), if an interpreter is
#          found: $PYTHON312, python3.12, or pyenv's 3.12.x; without one the
#          check says it skipped and why. Chapters that import torch (9) are
#          skipped there, saying so: this machine has torch 2.13.0 for Python
#          3.11 only, and any other torch is a download of several GB. Without
#          numba, so the chapters run the fused numpy training there.
#
#   bash scripts/check_environments.sh [blas] [colab] [py312]
#
# The colab and py312 checks install the committed HEAD of this clone:
# uncommitted changes are not in what they test. Their environments are made
# in a temporary folder and removed afterwards. .ci/run runs all three.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

checks=("$@")
[ ${#checks[@]} -gt 0 ] || checks=(blas colab py312)
for check in "${checks[@]}"; do
    case "$check" in blas|colab|py312) ;; *)
        echo "error: unknown check '$check'; expected blas, colab or py312" >&2; exit 2 ;;
    esac
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
commit="$(git rev-parse HEAD)"
PACKAGE="git+file://$ROOT@$commit"
CHAPTERS=(book/[0-9][0-9]_*.ipynb)

# A Colab-like environment in $2 for interpreter $1; more packages may follow.
colab_env() {
    local python="$1" env="$2"; shift 2
    "$python" -m venv "$env"
    "$env/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c scripts/colab-constraints.txt \
        ipywidgets ipykernel numpy matplotlib nbclient nbformat pyyaml "$@" \
        2> >(grep -v "^WARNING: Location 'file:.*' is ignored" >&2)   # a local index that is absent
    "$env/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
    "$env/bin/python" - <<'PY'
import ipywidgets, matplotlib, numpy, sys
try:
    import numba
    fast = f"numba {numba.__version__}"
except ImportError:
    fast = "no numba"
print(f"    Python {sys.version.split()[0]}, ipywidgets {ipywidgets.__version__}, "
      f"numpy {numpy.__version__}, matplotlib {matplotlib.__version__}, {fast}")
PY
}

find_python312() {
    if [ -n "${PYTHON312:-}" ]; then echo "$PYTHON312"; return; fi
    if python3.12 -c 'pass' 2>/dev/null; then command -v python3.12; return; fi
    if command -v pyenv >/dev/null 2>&1; then
        local candidate
        for candidate in "$(pyenv root)"/versions/3.12*/bin/python3.12; do
            if [ -x "$candidate" ]; then echo "$candidate"; return; fi
        done
    fi
}

run_check() {
    local start=$SECONDS
    case "$1" in
    blas)
        echo "==> blas: strict nbval of every chapter with OPENBLAS_CORETYPE=Prescott"
        OPENBLAS_CORETYPE=Prescott bash scripts/test.sh book -q -p no:cacheprovider
        ;;
    colab)
        echo "==> colab: every chapter in a Colab-like environment (Python 3.11)"
        colab_env python3.11 "$WORK/colab" torch numba
        "$WORK/colab/bin/python" scripts/run_like_colab.py --package "$PACKAGE" "${CHAPTERS[@]}"
        ;;
    py312)
        local python
        python="$(find_python312)"
        if [ -z "$python" ]; then
            echo "==> py312: SKIPPED, no Python 3.12 interpreter on this machine" \
                 "(set PYTHON312, or install python3.12)"
            return
        fi
        echo "==> py312: the chapters without torch in a Colab-like environment ($python)"
        colab_env "$python" "$WORK/py312"
        "$WORK/py312/bin/python" scripts/run_like_colab.py --package "$PACKAGE" "${CHAPTERS[@]}"
        ;;
    esac
    echo "==> $1: done in $((SECONDS - start)) s"
}

if [ -n "$(git status --porcelain -- lecture_code pyproject.toml)" ]; then
    echo "note: lecture_code has uncommitted changes; the colab and py312 checks install commit $commit"
fi
for check in "${checks[@]}"; do
    run_check "$check"
done
