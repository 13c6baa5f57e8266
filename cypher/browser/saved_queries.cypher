// Saved queries for exploring the Trellis graph in Neo4j Browser.
// Each block starts with a "// name:" line; add them to Browser favourites (star icon) or paste them.
// Queries that take input use Browser parameters: set them first with `:param name => 'Albania'`.

// name: Overview - nodes by label
MATCH (n)
UNWIND labels(n) AS label
RETURN label, count(*) AS nodes
ORDER BY nodes DESC;

// name: Overview - relationship types
MATCH ()-[r]->()
RETURN type(r) AS relationship, count(*) AS count
ORDER BY count DESC;

// name: Documents - most recent
MATCH (d:Document)
OPTIONAL MATCH (c:Chunk)-[:PART_OF]->(d)
RETURN d.title AS title, d.source AS source, d.ingested_at AS ingested_at, count(c) AS chunks
ORDER BY ingested_at DESC
LIMIT 25;

// name: Document - its chunks and entities (set :param document => 'the document id')
MATCH (d:Document {id: $document})<-[:PART_OF]-(c:Chunk)
OPTIONAL MATCH (c)-[m:MENTIONS]->(e:Entity)
RETURN d, c, m, e
LIMIT 300;

// name: Entities - most mentioned
MATCH (e:Entity)<-[m:MENTIONS]-()
RETURN e.name AS entity, e.type AS type, count(m) AS mentions
ORDER BY mentions DESC
LIMIT 25;

// name: Entity - neighbourhood (set :param name => 'Albania')
MATCH (e:Entity)
WHERE toLower(e.name) = toLower($name) OR toLower($name) IN [alias IN coalesce(e.aliases, []) | toLower(alias)]
MATCH path = (e)-[r]-(other:Entity)
WHERE type(r) <> 'CO_OCCURS_WITH'
RETURN path
LIMIT 100;

// name: Entity - search names and aliases (set :param text => 'einstein')
CALL db.index.fulltext.queryNodes('entity_names', $text) YIELD node, score
RETURN node.name AS entity, node.type AS type, node.aliases AS aliases, score
LIMIT 25;

// name: Relation - evidence behind a relation (set :param subject => 'Tirana' and :param object => 'Albania')
MATCH (s:Entity {name: $subject})-[r]->(o:Entity {name: $object})
UNWIND r.evidence AS chunk_id
MATCH (c:Chunk {id: chunk_id})-[:PART_OF]->(d:Document)
RETURN type(r) AS relation, r.confidence AS confidence, d.title AS document, c.text AS evidence
LIMIT 25;

// name: Facts - by relationship type, with the phrases the text used
MATCH (:Entity)-[r]->(:Entity)
WHERE type(r) <> 'CO_OCCURS_WITH'
RETURN type(r) AS type, count(r) AS facts, collect(DISTINCT r.phrase)[..5] AS phrases
ORDER BY facts DESC;

// name: Ask - where and when was a person born or did they die (set :param name => 'Albert Einstein')
MATCH (p:Entity {name: $name})-[r:BORN_IN|BORN_ON|DIED_IN|DIED_ON|BURIED_IN]->(x:Entity)
RETURN type(r) AS fact, x.name AS answer, r.phrase AS phrase, r.evidence AS evidence;

// name: Ask - the capital, largest city, language and currency of a place (set :param name => 'Angola')
MATCH (x:Entity)-[r:CAPITAL_OF|LARGEST_CITY_OF|LANGUAGE_OF|CURRENCY_OF]->(place:Entity {name: $name})
RETURN type(r) AS fact, x.name AS answer, r.phrase AS phrase, r.evidence AS evidence;

// name: Ask - who founded, leads or created something (set :param name => 'Apollo program')
MATCH (who:Entity)-[r:FOUNDED|LEADER_OF|CREATED|AUTHOR_OF|DIRECTED]->(thing:Entity {name: $name})
RETURN type(r) AS fact, who.name AS answer, r.phrase AS phrase, r.evidence AS evidence;

// name: Ask - what a person wrote, founded, won or belonged to (set :param name => 'Ayn Rand')
MATCH (p:Entity {name: $name})-[r:AUTHOR_OF|FOUNDED|AWARDED|MEMBER_OF|EDUCATED_AT|WORKED_FOR|HELD_POSITION]->(x)
RETURN type(r) AS fact, x.name AS answer, r.phrase AS phrase, r.evidence AS evidence;

// name: Ask - a person's family (set :param name => 'Abraham Lincoln')
MATCH (p:Entity {name: $name})-[r:PARENT_OF|SIBLING_OF|SPOUSE_OF|RELATIVE_OF]-(x:Entity)
RETURN type(r) AS fact, startNode(r).name AS subject, endNode(r).name AS object, r.phrase AS phrase;

// name: Ask - where a place lies and what it borders (set :param name => 'Alberta')
MATCH (p:Entity {name: $name})-[r:LOCATED_IN|PART_OF|BORDERS|FLOWS_THROUGH]-(x:Entity)
RETURN type(r) AS fact, startNode(r).name AS subject, endNode(r).name AS object, r.phrase AS phrase;

// name: Path - shortest path between two entities (set :param from => 'Tirana' and :param to => 'Europe')
MATCH (a:Entity {name: $from}), (b:Entity {name: $to})
MATCH path = shortestPath((a)-[*..6]-(b))
RETURN path;

// name: Chunks - full-text search (set :param text => 'capital')
CALL db.index.fulltext.queryNodes('chunk_text', $text) YIELD node, score
MATCH (node)-[:PART_OF]->(d:Document)
RETURN d.title AS document, node.index AS chunk, score, left(node.text, 200) AS text
LIMIT 25;

// name: Quality - entities without mentions (should be empty)
MATCH (e:Entity)
WHERE NOT (e)<-[:MENTIONS]-()
RETURN e.name AS entity, e.type AS type
LIMIT 50;
