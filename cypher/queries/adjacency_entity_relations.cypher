// The entities $ids and every entity of the same name (the NER model typed one country once as a place, once as an
// organisation), each with its relationship count (which tells a hub) and its relations to other entities, for a
// question's neighbourhood read live (retrieval/neighbourhood.py). A hub (more than $hub relationships) is read
// type by type and direction by direction, the first $type_scan relationships of each in storage order, so a
// country's one LOCATED_IN to its continent is not crowded out by its towns' LOCATED_IN. Evidence is cut to $evidence
// chunk ids. One row per entity: id, name, type, degree, relations [{subject_id, ..., evidence}].
UNWIND $ids AS id
MATCH (seed:Entity {id: id})
MATCH (s:Entity {name: seed.name})
WITH DISTINCT s
WITH s, COUNT { (s)--() } AS degree
CALL (s, degree) {
  CALL (s, degree) {
    WITH s WHERE degree <= $hub
    MATCH (s)-[r]-(o:Entity)
    RETURN DISTINCT r
  UNION
    WITH s WHERE degree > $hub
    UNWIND apoc.node.relationship.types(s) AS type
    WITH s, type WHERE type <> 'MENTIONS'
    UNWIND [type + '>', '<' + type] AS filter
    CALL apoc.path.expandConfig(s, {relationshipFilter: filter, minLevel: 1, maxLevel: 1, limit: $type_scan})
    YIELD path
    WITH last(relationships(path)) AS r, last(nodes(path)) AS o
    WHERE o:Entity
    RETURN DISTINCT r
  }
  WITH startNode(r) AS a, r, endNode(r) AS b
  RETURN collect({
    subject_id: a.id, subject: a.name, subject_type: a.type, predicate: type(r),
    object_id: b.id, object: b.name, object_type: b.type,
    confidence: coalesce(r.confidence, 0.0), evidence: coalesce(r.evidence, [])[..$evidence],
    phrase: coalesce(r.phrase, '')
  }) AS relations
}
RETURN s.id AS id, s.name AS name, s.type AS type, degree, relations
