// One hop of graph expansion: the relations between each given entity (and the entities of the same name, which
// the NER model typed differently, e.g. a country once as a place and once as an organisation) and other entities.
// Bounded twice: at most $per_entity relations per entity, at most $limit in all, kept in the order of $ids (the
// first ids are the most wanted: the question's own entities), most confident first within one id; a hub (more than
// $hub relationships) read type by type, $per_type of each, as in `retrieval_neighbourhood`; evidence cut to
// $evidence chunk ids (their documents are read off the ids by the caller). $ids: entity ids, best first.
UNWIND range(0, size($ids) - 1) AS rank
MATCH (seed:Entity {id: $ids[rank]})
MATCH (s:Entity {name: seed.name})
CALL (s) {
  CALL (s) {
    WITH s WHERE COUNT { (s)--() } <= $hub
    MATCH (s)-[r]-(o:Entity)
    RETURN r, o
  UNION
    WITH s WHERE COUNT { (s)--() } > $hub
    UNWIND apoc.node.relationship.types(s) AS type
    WITH s, type WHERE type <> 'MENTIONS'
    CALL (s, type) {
      CALL apoc.path.expandConfig(s, {relationshipFilter: type, minLevel: 1, maxLevel: 1, limit: $type_scan})
      YIELD path
      WITH last(relationships(path)) AS r, last(nodes(path)) AS o
      WHERE o:Entity
      RETURN r, o
      ORDER BY r.confidence DESC, o.id
      LIMIT $per_type
    }
    RETURN r, o
  }
  RETURN r
  ORDER BY r.confidence DESC, o.id
  LIMIT $per_entity
}
WITH r, min(rank) AS rank
WITH r, rank, startNode(r) AS a, endNode(r) AS b
ORDER BY rank, r.confidence DESC, a.id, b.id
LIMIT $limit
RETURN a.id AS subject_id, a.name AS subject, a.type AS subject_type, type(r) AS predicate,
       b.id AS object_id, b.name AS object, b.type AS object_type, coalesce(r.confidence, 0.0) AS confidence,
       coalesce(r.evidence, [])[..$evidence] AS evidence
