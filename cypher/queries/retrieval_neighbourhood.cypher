// Graph expansion in one round trip: the seeds' neighbourhood, two hops of relations, and the chunks that mention
// the question's entities and their neighbours. The same bounds as hop-by-hop `retrieval_expansion` calls:
//   seeds:    $linked (the question's entities, best first), then the entities that the chunks $chunks mention
//             (at most $per_chunk per chunk, literal values such as dates left out), each once;
//   hop 1:    the relations of each seed and of the entities of the same name (the NER model typed one country
//             once as a place, once as an organisation), at most $per_entity per entity, at most $limit in all, in
//             the order of the seeds, most confident first within one seed;
//   hop 2:    the same from the first $frontier entities hop 1 reached (in the order it reached them), relations
//             of hop 1 left out after the limit (as a second call would have returned and the caller dropped them);
//   mentions: chunks mentioning $linked and the entities one relation away from them (at most $mentioned
//             entities), at most $per_mention chunks per entity.
// Evidence is cut to $evidence chunk ids per relation (the caller reads each one's document off the id: chunk ids
// are `<document id>:<position>`, so no lookup per chunk). Distinct lists keep their first
// order by grouping on the item with its smallest position (not `reduce` with `IN`, which is quadratic).
// One row: chunk_entities [{chunk_id, entity_id, name, type}], facts [{subject_id, ..., evidence}] (hop 1's
// first, first_hop of them), mentions [{entity_id, chunk_id, document_id}].
CALL () {
  UNWIND $chunks AS chunk_id
  MATCH (c:Chunk {id: chunk_id})
  CALL (c) {
    MATCH (c)-[:MENTIONS]->(e:Entity)
    WHERE NOT e.type IN ['Date', 'Quantity']
    RETURN DISTINCT e
    ORDER BY e.id
    LIMIT $per_chunk
  }
  RETURN collect({chunk_id: c.id, entity_id: e.id, name: e.name, type: e.type}) AS chunk_entities
}
WITH chunk_entities,
     reduce(seen = [], id IN $linked + [row IN chunk_entities | row.entity_id] |
       CASE WHEN id IN seen THEN seen ELSE seen + id END) AS seeds
CALL (seeds) {
  UNWIND range(0, size(seeds) - 1) AS rank
  MATCH (seed:Entity {id: seeds[rank]})
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
  ORDER BY rank, r.confidence DESC, startNode(r).id, endNode(r).id
  LIMIT $limit
  RETURN collect(r) AS first
}
CALL (seeds, first) {
  UNWIND range(0, size(first) - 1) AS position
  UNWIND [[position * 2, startNode(first[position]).id], [position * 2 + 1, endNode(first[position]).id]] AS end
  WITH end[1] AS id, min(end[0]) AS reached
  WHERE NOT id IN seeds
  ORDER BY reached
  LIMIT $frontier
  RETURN collect(id) AS frontier
}
CALL (frontier) {
  UNWIND range(0, size(frontier) - 1) AS rank
  MATCH (seed:Entity {id: frontier[rank]})
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
  ORDER BY rank, r.confidence DESC, startNode(r).id, endNode(r).id
  LIMIT $limit
  RETURN collect(r) AS second
}
CALL (first, second) {
  UNWIND range(0, size(first) + size(second) - 1) AS position
  WITH position, CASE WHEN position < size(first) THEN first[position] ELSE second[position - size(first)] END AS r
  WITH r, min(position) AS position
  ORDER BY position
  RETURN collect(r) AS relations
}
WITH chunk_entities, relations, size(first) AS first_hop,
     reduce(seen = $linked, id IN [r IN relations WHERE startNode(r).id IN $linked OR endNode(r).id IN $linked |
                                   CASE WHEN startNode(r).id IN $linked THEN endNode(r).id ELSE startNode(r).id END] |
       CASE WHEN id IN seen THEN seen ELSE seen + id END)[..$mentioned] AS mentioned
CALL (mentioned) {
  UNWIND mentioned AS entity_id
  MATCH (e:Entity {id: entity_id})
  CALL (e) {
    MATCH (c:Chunk)-[:MENTIONS]->(e)
    WITH c LIMIT $hub
    RETURN DISTINCT c
    ORDER BY c.id
    LIMIT $per_mention
  }
  RETURN collect({entity_id: e.id, chunk_id: c.id, document_id: c.document_id}) AS mentions
}
RETURN chunk_entities, mentions, first_hop,
       [r IN relations | {
         subject_id: startNode(r).id, subject: startNode(r).name, subject_type: startNode(r).type,
         predicate: type(r),
         object_id: endNode(r).id, object: endNode(r).name, object_type: endNode(r).type,
         confidence: coalesce(r.confidence, 0.0),
         evidence: coalesce(r.evidence, [])[..$evidence]
       }] AS facts
