#!/usr/bin/env bash
# Run a Python tool of this project in the repository's .venv-torch (scripts/setup.sh makes it).
# `py.sh lint|typecheck|test|run MODULE ARGS…`. Where the venv or a tool is missing, lint and
# typecheck say so and are skipped (exit 0); tests are reported as skipped with the reason.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py="$root/.venv-torch/bin/python"
caller="$PWD"
cd "$here"
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
has() { [ -x "$py" ] && "$py" -c "import $1" >/dev/null 2>&1; }
cmd="${1:-}"; shift || true
case "$cmd" in
  lint)
    if has ruff; then exec "$py" -m ruff check lfe_torch tests; fi
    echo "trainer-torch lint skipped: ruff not installed in .venv-torch (run scripts/setup.sh)"; exit 0 ;;
  typecheck)
    if has mypy; then exec "$py" -m mypy lfe_torch; fi
    echo "trainer-torch typecheck skipped: mypy not installed in .venv-torch (run scripts/setup.sh)"; exit 0 ;;
  test)
    if has pytest; then exec "$py" -m pytest "$@"; fi
    echo "trainer-torch tests skipped: pytest not installed in .venv-torch (run scripts/setup.sh)"; exit 0 ;;
  run)
    if ! has torch; then echo "trainer-torch: PyTorch is not installed in $root/.venv-torch (run scripts/setup.sh)" >&2; exit 2; fi
    mod="$1"; shift
    cd "$caller"  # paths on the command line are the caller's
    exec "$py" -m "lfe_torch.$mod" "$@" ;;
  *)
    echo "usage: py.sh lint|typecheck|test|run MODULE [ARGS…]" >&2; exit 2 ;;
esac
