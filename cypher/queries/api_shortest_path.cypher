// A shortest path of at most 6 entity relations between $source and $target (ids); the caller keeps it only when it
// is at most maxHops long. At most one row.
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = shortestPath((a)-[*..6]-(b))
WHERE all(n IN nodes(p) WHERE n:Entity)
RETURN [n IN nodes(p) | {id: n.id, name: n.name, type: n.type}] AS nodes,
       [r IN relationships(p) | {source: startNode(r).id, target: endNode(r).id, type: type(r),
                                 confidence: r.confidence, evidence: coalesce(r.evidence, [])[..5]}] AS edges
LIMIT 1
