"""Graph quality: how the canonical relation schema types relations, on labelled relations and on a graph.

    python benchmarks/graph_quality.py [--labelled PATH] [--current-graph] [--errors]

On the labelled relations (tests/data/relations_labelled.jsonl: extracted relations of data/wikipedia, each with
its correct canonical type), each relation's phrase is mapped as ingestion maps it (rules, then meaning with the
packaged embedder) and compared with its label: coverage (share mapped to a type other than RELATED_TO) and
precision (share of those with the right type), both over the relations whose extraction is right and over all
of them (a wrongly extracted relation counts as wrong). With ``--current-graph`` it also reads the graph the
settings point at: relationship types between entities, the share of typed relations (not CO_OCCURS_WITH) with a
specific type, and names split over several entity nodes.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from trellis.kg.ingest.extraction.relations import CO_OCCURS_WITH
from trellis.kg.ingest.extraction.schema import RELATED_TO, load_schema
from trellis.kg.settings import get_settings

_HERE = Path(__file__).resolve().parent

LABELLED = _HERE.parent / "tests" / "data" / "relations_labelled.jsonl"
_WRONG = "WRONG"
_GENERIC = frozenset({"HAPPENED_ON", "HAS_QUANTITY"})


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "-"


def labelled_scores(path: Path, console: Console, *, errors: bool) -> None:
    from trellis.kg.vectors import Embedder

    schema = load_schema()
    embed = Embedder(get_settings()).embed
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = Table(title=f"canonical types on {len(rows)} labelled relations ({path.name})")
    for column in ("subset", "relations", "mapped (not RELATED_TO)", "precision of mapped", "generic of mapped"):
        table.add_column(column)
    for name, chosen in (("extracted right", [r for r in rows if r["label"] != _WRONG]), ("all", rows)):
        mapped = right = generic = 0
        for row in chosen:
            typed = schema.type_of(row["phrase"], row["subject_type"], row["object_type"], embed=embed)
            if typed.type == RELATED_TO:
                continue
            mapped += 1
            generic += typed.type in _GENERIC
            correct = typed.type == row["label"] and typed.inverse == row["inverse"]
            right += correct
            if errors and not correct and name == "extracted right":
                console.print(
                    f"{row['id']}: {row['phrase']!r} -> {typed.type} (label {row['label']}) {row['sentence'][:90]!r}"
                )
        table.add_row(
            name, str(len(chosen)), _share(mapped, len(chosen)), _share(right, mapped), _share(generic, mapped)
        )
    console.print(table)


def graph_scores(console: Console) -> None:
    from trellis.kg.graph import GraphStore

    with GraphStore(get_settings()) as store:
        types = {row["type"]: row["relations"] for row in store.query("quality_relation_types")}
        split = store.query("quality_split_names")[0]
    typed = {name: count for name, count in types.items() if name != CO_OCCURS_WITH}
    total = sum(typed.values())
    table = Table(title="the current graph")
    table.add_column("measure")
    table.add_column("value")
    table.add_row("relationship types between entities", str(len(types)))
    table.add_row("typed relations (not CO_OCCURS_WITH)", str(total))
    table.add_row("with a specific type (not RELATED_TO)", _share(total - typed.get(RELATED_TO, 0), total))
    table.add_row("of which generic (HAPPENED_ON, HAS_QUANTITY)", _share(sum(typed.get(g, 0) for g in _GENERIC), total))
    table.add_row("entity nodes whose name another node shares", _share(split["split"], split["entities"]))
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--current-graph", action="store_true", help="also measure the graph the settings name")
    parser.add_argument("--errors", action="store_true", help="list the labelled relations typed wrongly")
    args = parser.parse_args()
    console = Console()
    console.print(f"canonical schema: {len(load_schema().names)} types")
    labelled_scores(args.labelled, console, errors=args.errors)
    if args.current_graph:
        graph_scores(console)


if __name__ == "__main__":
    main()
