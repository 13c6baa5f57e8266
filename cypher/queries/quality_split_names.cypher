// Names held by more than one entity node (the same name split over types), and how many entities there are.
MATCH (e:Entity)
WITH toLower(e.name) AS name, count(e) AS nodes
WITH count(*) AS names, sum(nodes) AS entities, sum(CASE WHEN nodes > 1 THEN nodes ELSE 0 END) AS split
RETURN names, entities, split
