// Give each entity of $ids the type its mentions carry, as its `type` and as its one type label, so the type follows
// the evidence as documents arrive and leave. The mentions that write the entity's whole name decide ("Abraham
// Lincoln", not the bare "Lincoln" that the NER model often calls an organisation); only when none does, all of
// them. Then the label most of them carry (ties: the first in sort order). An entity whose mentions carry no label
// keeps its type. $ids: entity ids.
UNWIND $ids AS id
MATCH (e:Entity {id: id})
CALL (e) {
  MATCH (:Chunk)-[m:MENTIONS]->(e)
  WHERE m.label IS NOT NULL
  WITH m.label AS label, toLower(m.surface) CONTAINS toLower(e.name) AS whole, count(*) AS weight
  ORDER BY whole DESC, weight DESC, label
  LIMIT 1
  RETURN label
}
WITH e, label
WHERE label <> e.type
REMOVE e:$(e.type)
SET e:$(label), e.type = label
