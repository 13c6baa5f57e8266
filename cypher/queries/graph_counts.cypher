// Node and relationship counts by kind, for `trellis neo4j status` and the API's stats.
CALL () {
  MATCH (d:Document) RETURN count(d) AS documents
}
CALL () {
  MATCH (c:Chunk) RETURN count(c) AS chunks
}
CALL () {
  MATCH (e:Entity) RETURN count(e) AS entities
}
CALL () {
  MATCH ()-[r]->() RETURN count(r) AS relationships
}
RETURN documents, chunks, entities, relationships
