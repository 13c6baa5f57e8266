#!/usr/bin/env bash
# Runs the whole test suite against real parts: the tests start their own Neo4j server on free ports.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/scripts/install.sh" --browser
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
cd "$repo"
exec "${TRELLIS_VENV:-$HOME/.cache/trellis/venv}/bin/python" -m pytest "$@"
