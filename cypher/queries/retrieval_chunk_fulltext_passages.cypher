// Hybrid search in one round trip: the chunks whose text matches a Lucene query (user text escaped by
// retrieval.lucene), and the passages (text, position, document title) of those chunks and of the chunks $ids.
// One row a chunk; `fulltext` is its Lucene score, null for a chunk found only through $ids. The full-text hits
// are the same as retrieval_chunk_fulltext's (best first: score DESC, id).
// $query: the escaped Lucene query (not empty); $limit: how many full-text hits; $ids: more chunk ids (dense hits).
CALL db.index.fulltext.queryNodes('chunk_text', $query, {limit: $limit}) YIELD node, score
WITH node, score
ORDER BY score DESC, node.id
LIMIT $limit
WITH collect({id: node.id, score: score}) AS hits
UNWIND [hit IN hits | hit.id] + $ids AS id
WITH DISTINCT hits, id
MATCH (c:Chunk {id: id})
OPTIONAL MATCH (c)-[:PART_OF]->(d:Document)
RETURN c.id AS id, c.document_id AS document_id, c.index AS index, c.text AS text, c.section AS section, d.title AS title,
       [hit IN hits WHERE hit.id = c.id | hit.score][0] AS fulltext
