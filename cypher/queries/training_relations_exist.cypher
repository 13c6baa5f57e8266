// Which cited relations exist in the graph: for each {key, subject, predicate, object} (entity names; an alias of
// the name counts, case does not), whether a relationship of that type links the two. $triples: what to check.
UNWIND $triples AS t
CALL (t) {
  OPTIONAL MATCH (a:Entity)
  WHERE toLower(a.name) = toLower(t.subject) OR t.subject IN coalesce(a.aliases, [])
  OPTIONAL MATCH (a)-[r]->(b:Entity)
  WHERE type(r) = t.predicate
    AND (toLower(b.name) = toLower(t.object) OR t.object IN coalesce(b.aliases, []))
  RETURN count(r) > 0 AS found
}
RETURN t.key AS key, found AS exists
