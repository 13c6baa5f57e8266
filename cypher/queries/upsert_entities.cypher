// Create or update entities. The type becomes a label (Person, Location, ...) so Neo4j Browser colours them; it is
// set on creation and follows the mentions afterwards (retype_entities). Aliases accumulate.
// $rows: [{id, name, type, aliases, embedding (null to keep the stored one)}].
UNWIND $rows AS row
MERGE (e:Entity {id: row.id})
ON CREATE SET e:$(row.type), e.name = row.name, e.type = row.type, e.aliases = []
SET e.aliases = reduce(acc = coalesce(e.aliases, []), alias IN row.aliases |
      CASE WHEN alias IN acc OR alias = e.name THEN acc ELSE acc + alias END)
WITH e, row
WHERE row.embedding IS NOT NULL
CALL db.create.setNodeVectorProperty(e, 'embedding', row.embedding)
