// Candidate entities of all a question's mentions in one round trip: the full-text hits of each mention over entity
// names and aliases (its Lucene query escaped by retrieval.lucene; at most $limit each, best first), then the
// entities of $ids (the entity vector index's hits), each with its name, type and aliases.
// $queries: [{mention: the mention's position, query: the escaped Lucene query}]; $limit; $ids: entity ids.
// Rows of a full-text hit carry its mention and score; rows of $ids carry null for both.
CALL () {
  UNWIND $queries AS item
  CALL db.index.fulltext.queryNodes('entity_names', item.query, {limit: $limit}) YIELD node, score
  RETURN item.mention AS mention, node AS e, score
  UNION ALL
  UNWIND $ids AS id
  MATCH (e:Entity {id: id})
  RETURN null AS mention, e, null AS score
}
RETURN mention, e.id AS id, e.name AS name, e.type AS type, coalesce(e.aliases, []) AS aliases, score
