#!/usr/bin/env bash
# The main job on a fresh machine: install, start Neo4j, apply the schema, ingest the sample corpus
# (Wikipedia articles shipped in data/sample), answer a sample question with citations and a picture of its
# subgraph, and show where to explore the graph.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$repo/scripts/install.sh"
trellis="${TRELLIS_VENV:-$HOME/.cache/trellis/venv}/bin/trellis"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

"$trellis" neo4j start
"$trellis" init
"$trellis" ingest "$repo/data/sample"
"$trellis" index check
"$trellis" ask "What is the capital of Albania?" --png "$repo/artifacts/answer.png"
# Two hops over two documents: the capital from one, the river through it from another; both are cited.
"$trellis" ask "Which river flows through the capital of Serbia?"
"$trellis" neo4j status
echo
echo "Neo4j Browser: $("$trellis" neo4j status | awk '/^Browser/ {print $2}')  (user neo4j; password: NEO4J_PASSWORD," \
  "or ${TRELLIS_DATA_DIR:-$HOME/.local/share/trellis}/neo4j/password)"
echo "Stop the server with: $trellis neo4j stop"
echo
# The API in the background (a second run finds it running and changes nothing): GraphiQL, a query to paste, the
# Browser URL. With no TRELLIS_API_KEYS a local write key is generated once into the data folder (mode 0600).
"$trellis" serve --detach
