// Chunks whose text matches a Lucene query (user text escaped by retrieval.lucene), best first.
// $query: the escaped Lucene query; $limit: how many to return.
CALL db.index.fulltext.queryNodes('chunk_text', $query, {limit: $limit}) YIELD node, score
RETURN node.id AS id, node.document_id AS document_id, score
ORDER BY score DESC, id
LIMIT $limit
