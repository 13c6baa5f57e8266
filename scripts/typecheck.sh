#!/usr/bin/env bash
# mypy --strict over the four packages under the names the wheel gives them (trellis.kg, trellis.retrieval ...).
# mypy does not run the editable install's import hook, so it reads them through a tree of links kept in .mypy_cache
# (ignored by git). Its cache lives beside the venv (MYPY_CACHE_DIR, default ~/.cache/trellis/mypy), so a fresh clone
# on a machine that checked the code before rechecks only the files whose content differs. Extra arguments go to mypy.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tree="$repo/.mypy_cache/tree"
mkdir -p "$tree/trellis"
for folder in kg retrieval training api cypher; do
  ln -sfn "$repo/$folder" "$tree/trellis/$folder"
done
cd "$repo"
export MYPY_CACHE_DIR="${MYPY_CACHE_DIR:-$HOME/.cache/trellis/mypy}"
MYPYPATH="$tree" exec "${PYTHON:-python3}" -m mypy --strict -p trellis.kg -p trellis.retrieval -p trellis.training \
  -p trellis.api "$@"
