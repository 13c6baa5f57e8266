// Every relationship between Trellis nodes with its provenance (for fingerprints that compare two graph states).
MATCH (a)-[r]->(b)
RETURN a.id AS start, type(r) AS type, b.id AS end, r.evidence AS evidence, r.documents AS documents,
       r.phrase AS phrase
