// Every Document, Chunk and Entity id with its labels (for fingerprints that compare two states of the graph).
MATCH (n)
WHERE n:Document OR n:Chunk OR n:Entity
RETURN n.id AS id, labels(n) AS labels
