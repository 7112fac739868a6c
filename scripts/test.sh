#!/usr/bin/env bash
# Set up .venv (first run only) and run the whole test suite: the unit tests
# in tests/ and every chapter notebook in book/ under nbval (strict). The
# options live in pyproject.toml ([tool.pytest.ini_options]); extra arguments
# are passed to pytest, e.g.  bash scripts/test.sh tests/test_layers.py -x
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_env.sh"

echo "==> running the tests"
python -m pytest "$@"
