#!/usr/bin/env bash
# Build one virtual environment per benchmark peer under bench/.venvs/ (git-ignored), from PyPI,
# with the dependency lines each peer declares and was released against:
#
#   pyfixest 0.60.0  (Requires-Python >=3.10; pandas>=1.1, numpy>=1.25.2, scipy>=1.6): its CI runs
#                    pandas 2.x, so pandas 2.x (<3), numpy 2.x, scipy 1.x.
#   gegravity 0.3    (Requires-Python >=3.7; numpy>=1.19.2, scipy>=1.5.2, pandas>=1.1.2, gme>=1.3),
#                    released 2021 against pandas 1.x / numpy 1.x: pandas 1.5.x, numpy 1.26.x, scipy 1.11.x.
#
# Usage: bash bench/peers.sh [PYTHON]      (default python3; 3.11 recommended)
# Then:  python bench/ppml.py   and   python bench/ge.py   find them there.
set -euo pipefail
PY=${1:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
V="$HERE/.venvs"
mkdir -p "$V"

mk() {  # name, packages...
  local name=$1; shift
  if [ ! -x "$V/$name/bin/python" ]; then
    "$PY" -m venv "$V/$name"
  fi
  "$V/$name/bin/python" -m pip install --quiet --upgrade pip
  "$V/$name/bin/python" -m pip install --quiet "$@" psutil pyarrow
  "$V/$name/bin/python" -m pip freeze > "$V/$name/requirements.lock"
  echo "$name: $("$V/$name/bin/python" --version) $(grep -iE '^(pyfixest|gegravity|pandas|numpy|scipy)==' "$V/$name/requirements.lock" | tr '\n' ' ')"
}

mk pyfixest "pyfixest==0.60.0" "pandas>=2.2,<3" "numpy>=2,<3" "scipy>=1.13,<2"
mk gegravity "gegravity==0.3" "pandas>=1.5,<2" "numpy>=1.26,<2" "scipy>=1.11,<1.12"
