// Remove every node and relationship (the schema stays). Tests use it to start from an empty graph.
MATCH (n)
DETACH DELETE n
