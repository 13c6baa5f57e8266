// Record answers, one row each: the (:Answer) node with its flat properties, (:Answer)-[:CITES {number}]->(:Chunk)
// for each citation and (:Answer)-[:USES]->(:Entity) for the ends of the relations it used. An id written twice
// (a retried write) changes nothing. A chunk or entity gone before the write gets no edge; the node keeps its id.
UNWIND $rows AS row
MERGE (a:Answer {id: row.id})
ON CREATE SET a += row.properties
WITH a, row
CALL (a, row) {
  UNWIND row.citations AS cited
  MATCH (c:Chunk {id: cited.chunk_id})
  MERGE (a)-[r:CITES]->(c)
  SET r.number = cited.number
}
CALL (a, row) {
  UNWIND row.entity_ids AS entity_id
  MATCH (e:Entity {id: entity_id})
  MERGE (a)-[:USES]->(e)
}
