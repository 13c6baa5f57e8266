// Entities whose name or aliases match a Lucene query (user text escaped by retrieval.lucene), best first.
// $query: the escaped Lucene query; $limit: how many to return.
CALL db.index.fulltext.queryNodes('entity_names', $query, {limit: $limit}) YIELD node, score
RETURN node.id AS id, node.name AS name, node.type AS type, coalesce(node.aliases, []) AS aliases, score
ORDER BY score DESC, id
LIMIT $limit
