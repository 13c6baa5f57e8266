// How many rows each snapshot query would read (retrieval/snapshot.py), from Neo4j's count store: one label and one
// relationship type at most per pattern, so no node or relationship is read. Relations counts every relationship
// leaving an entity (entities have no other kind), an upper bound of `snapshot_relations`' rows.
CALL () {
  MATCH (e:Entity) RETURN count(e) AS entities
}
CALL () {
  MATCH (:Entity)-[r]->() RETURN count(r) AS relations
}
CALL () {
  MATCH (:Chunk)-[m:MENTIONS]->() RETURN count(m) AS mentions
}
RETURN entities, relations, mentions
