#!/usr/bin/env bash
# Refreshes requirements.lock, the exact package set scripts/install.sh installs (as pip constraints): a throwaway
# virtual environment gets Trellis with the extras the set-up uses, resolved afresh from the package index, and
# its `pip freeze` becomes the lock. Run it when pyproject.toml's dependencies change or to take newer releases,
# then run the tests and commit the lock with the change.
#   bash scripts/lock.sh            # writes requirements.lock
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

"$python" -m venv "$scratch/venv"
"$scratch/venv/bin/python" -m pip install -q --upgrade pip setuptools wheel
"$scratch/venv/bin/python" -m pip install -q "$repo[all]"
{
  echo "# The package set scripts/install.sh installs, as pip constraints. Refresh: bash scripts/lock.sh"
  "$scratch/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^trellis[= @]'
} > "$repo/requirements.lock"
echo "wrote $repo/requirements.lock ($(grep -c '==' "$repo/requirements.lock") packages)"
