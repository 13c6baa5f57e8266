// Every relationship between Trellis nodes with its provenance (for fingerprints that compare two graph states).
// The answer log's edges (from :Answer and :Feedback nodes) are not the knowledge and are left out.
MATCH (a)-[r]->(b)
WHERE NOT a:Answer AND NOT a:Feedback
RETURN a.id AS start, type(r) AS type, b.id AS end, r.evidence AS evidence, r.documents AS documents,
       r.phrase AS phrase
