// Node and relationship counts by kind, for `trellis neo4j status` and the API's stats. Relationships are the
// knowledge's: all of them less the answer log's (from :Answer and :Feedback), each read from the count store.
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
  MATCH ()-[r]->() RETURN count(r) AS all_relationships
}
CALL () {
  MATCH (:Answer)-[r]->() RETURN count(r) AS answer_edges
}
CALL () {
  MATCH (:Feedback)-[r]->() RETURN count(r) AS feedback_edges
}
RETURN documents, chunks, entities, all_relationships - answer_edges - feedback_edges AS relationships
