// Several full-text searches in one round trip: for each Lucene query (user text escaped by retrieval.lucene), the
// chunks whose text matches it, with their passages (text, position, document title). One row a chunk; `fulltext`
// lists [query position, Lucene score] for each query that found it. Each query's hits are its best $limit.
// $queries: escaped Lucene queries (none empty); $limit: hits per query.
UNWIND range(0, size($queries) - 1) AS position
CALL (position) {
  CALL db.index.fulltext.queryNodes('chunk_text', $queries[position], {limit: $limit}) YIELD node, score
  RETURN node.id AS id, score
  ORDER BY score DESC, id
  LIMIT $limit
}
WITH id, collect([position, score]) AS fulltext
MATCH (c:Chunk {id: id})
OPTIONAL MATCH (c)-[:PART_OF]->(d:Document)
RETURN c.id AS id, c.document_id AS document_id, c.index AS index, c.text AS text, c.section AS section, d.title AS title, fulltext
