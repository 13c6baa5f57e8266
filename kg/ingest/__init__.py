"""Ingestion: load documents, chunk, extract, resolve, write to Neo4j, embed into FAISS."""

__all__: list[str] = []
