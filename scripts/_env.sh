# Shared setup for scripts/build.sh and scripts/test.sh; source it, don't run it.
#
# Creates the virtual environment $VENV (default: .venv in the repository) with
# python3.11 if it does not exist, installs requirements.txt and the package
# (pip install -e .), registers the environment's Python as the "python3"
# Jupyter kernel, and puts the environment first on PATH. The installation is
# skipped when requirements.txt and pyproject.toml have not changed since the
# last successful one, so the second run starts at once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3.11}"

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV with $PYTHON"
    "$PYTHON" -m venv "$VENV"
fi

stamp="$VENV/.lecture_code-installed"
want="$(cat requirements.txt pyproject.toml | "$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> installing requirements.txt and lecture_code into $VENV"
    "$VENV/bin/python" -m pip install -r requirements.txt
    "$VENV/bin/python" -m pip install -e .
    # Notebooks name the kernel "python3"; make that name mean this
    # environment's Python even if the user has a python3 kernel of their own.
    "$VENV/bin/python" -m ipykernel install --sys-prefix --name python3 \
        --display-name "Python 3 (lecture_code)"
    echo "$want" > "$stamp"
fi

export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
export JUPYTER_PREFER_ENV_PATH=1
