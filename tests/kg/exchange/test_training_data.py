"""The training dataset travels in the export as the ``training_examples`` table and comes back byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from tests.kg.exchange.conftest import Exported
from trellis.kg.exchange import export_graph, import_graph, open_location
from trellis.kg.graph import GraphStore

SPLITS = {"train": 3, "dev": 1, "test": 2}


def _dataset(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for split, count in SPLITS.items():
        lines = [
            json.dumps({"id": f"{split}-{n}", "kind": "single_hop", "split": split, "predicate": "CAPITAL_OF",
                        "question": f"What is the capital of country {n}?", "answer": "Tirana", "target": "Tirana.",
                        "messages": [{"role": "user", "content": "..."}], "context": "[1] ...", "anchor": "x"})
            for n in range(count)
        ]  # fmt: skip
        (folder / f"{split}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    (folder / "stats.json").write_text('{"examples": 6}', encoding="utf-8")
    (folder / "manifest.json").write_text('{"seed": 7}', encoding="utf-8")
    return folder


def test_the_training_dataset_round_trips(exported: Exported, exchange_store: GraphStore, tmp_path: Path) -> None:
    source = _dataset(tmp_path / "dataset")
    exchange_store.execute("delete_everything")
    import_graph(exchange_store, open_location(str(exported.folder)))
    manifest = export_graph(exchange_store, open_location(str(tmp_path / "export")), training=source)
    assert manifest.tables["training_examples"].rows == sum(SPLITS.values())
    with duckdb.connect() as db:
        counts = db.execute(
            f"SELECT split, count(*) FROM read_parquet('{tmp_path}/export/training_examples/*/*.parquet') "
            "GROUP BY split ORDER BY split"
        ).fetchall()
    assert dict(counts) == SPLITS

    exchange_store.execute("delete_everything")
    target = tmp_path / "restored"
    report = import_graph(exchange_store, open_location(str(tmp_path / "export")), training=target)
    assert report.training_examples == sum(SPLITS.values())
    for name in ("train.jsonl", "dev.jsonl", "test.jsonl", "stats.json", "manifest.json"):
        assert (target / name).read_bytes() == (source / name).read_bytes(), name
