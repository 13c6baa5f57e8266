// Give each entity of $ids the type most of its mentions carry (ties: the first label in sort order), as its
// `type` and as its one type label, so the type follows the evidence as documents arrive and leave. An entity
// whose mentions carry no label keeps its type. $ids: entity ids.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
CALL (e) {
  MATCH (:Chunk)-[m:MENTIONS]->(e)
  WHERE m.label IS NOT NULL
  WITH m.label AS label, count(*) AS weight
  ORDER BY weight DESC, label
  LIMIT 1
  RETURN label
}
WITH e, label
WHERE label <> e.type
REMOVE e:$(e.type)
SET e:$(label), e.type = label
