// Relations between entities by type, with how many, for the graph-quality benchmark (benchmarks/graph_quality.py).
MATCH (:Entity)-[r]->(:Entity)
RETURN type(r) AS type, count(r) AS relations
ORDER BY relations DESC
